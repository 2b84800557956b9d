"""The Dockerfile agrees with the app: its command is the console script, its port and
settings are the ones the CLI reads, it runs as a non-root user, checks /healthz, and the
package it installs carries the lesson JSON. (Docker itself cannot run on this machine,
so the image is checked by reading the Dockerfile and building the same wheel pip builds.)"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from app import cli

ROOT = Path(__file__).resolve().parent.parent


def instructions(text: str) -> list[tuple[str, str]]:
    """[(INSTRUCTION, arguments), ...] with line continuations joined and comments dropped."""
    lines, current = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") and not current:
            continue
        current += line.rstrip("\\").strip() + " " if line.rstrip().endswith("\\") else line.strip()
        if not line.rstrip().endswith("\\"):
            if current.strip():
                lines.append(current.strip())
            current = ""
    return [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l else "") for l in lines]


def stages() -> list[list[tuple[str, str]]]:
    result = []
    for name, args in instructions((ROOT / "Dockerfile").read_text()):
        if name == "FROM":
            result.append([])
        result[-1].append((name, args))
    return result


def env_of(stage) -> dict[str, str]:
    env = {}
    for name, args in stage:
        if name == "ENV":
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def one(stage, instruction: str) -> str:
    found = [args for name, args in stage if name == instruction]
    assert len(found) == 1, (instruction, found)
    return found[0]


def test_multi_stage_on_slim_python():
    build, run = stages()
    assert one(build, "FROM").startswith("python:3.11-slim AS ")
    assert one(run, "FROM") == "python:3.11-slim"
    assert any(name == "COPY" and args.startswith("--from=") for name, args in run)


def test_command_is_the_console_script():
    run = stages()[-1]
    command = json.loads(one(run, "CMD"))  # exec form: signals reach the server
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert command == ["lstm-cell-lab"] and scripts["lstm-cell-lab"] == "app.cli:main"
    assert "/opt/venv/bin" in env_of(run)["PATH"]


def test_port_host_and_settings_match_the_cli():
    run = stages()[-1]
    env = env_of(run)
    defaults = cli.serve_parser().parse_args([])  # under the test's environment
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_LAB_")}
    code = "from app import cli; a = cli.serve_parser().parse_args([]); print(a.port, a.host)"
    port, host = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True,
                                text=True, check=True, cwd=ROOT).stdout.split()
    assert one(run, "EXPOSE") == env["LSTM_LAB_PORT"] == port == "8000"
    assert host == "127.0.0.1" and env["LSTM_LAB_HOST"] == "0.0.0.0"  # reachable from outside
    assert defaults.limit_concurrency >= 200 and defaults.body_timeout
    # Every LSTM_LAB_ variable the image sets is one the app reads.
    sources = "".join((ROOT / "app" / f).read_text() for f in ("cli.py", "settings.py", "paths.py"))
    for key in env:
        if key.startswith("LSTM_LAB_"):
            assert key in sources, key
    assert env["LSTM_LAB_ROOT"] == one(run, "WORKDIR")  # where static/ and templates/ land
    copies = [args.split() for name, args in run if name == "COPY" and not args.startswith("--from")]
    assert ["static", "./static"] in copies and ["templates", "./templates"] in copies


def test_runs_as_an_unprivileged_user():
    user = one(stages()[-1], "USER")
    assert user not in ("root", "0") and not user.startswith("0:")


def test_healthcheck_asks_healthz_and_works(live_server):
    check = one(stages()[-1], "HEALTHCHECK")
    assert "/healthz" in check
    command = check.split(" CMD ", 1)[1]
    port = live_server.rsplit(":", 1)[1]
    env = {**os.environ, "LSTM_LAB_PORT": port, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    assert subprocess.run(command, shell=True, env=env, timeout=30).returncode == 0
    env["LSTM_LAB_PORT"] = "1"  # nothing listens there: the check must fail
    assert subprocess.run(command, shell=True, env=env, timeout=30, capture_output=True).returncode != 0


def test_the_installed_package_carries_the_lesson_data(tmp_path):
    """What `pip install .` in the build stage installs: the same wheel, built here."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__"))
    wheel_command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist")]
    built = subprocess.run([*wheel_command, "--no-build-isolation", str(source)], timeout=300)
    if built.returncode != 0:  # the venv's setuptools is too old: let pip fetch the declared one
        subprocess.run([*wheel_command, str(source)], check=True, timeout=300)
    wheel = zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl")))
    names = set(wheel.namelist())
    for data in (ROOT / "app").rglob("*.json"):
        assert data.relative_to(ROOT).as_posix() in names, data
    for module in (ROOT / "app").rglob("*.py"):
        assert module.relative_to(ROOT).as_posix() in names, module
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert re.search(r"^lstm-cell-lab = app.cli:main$", wheel.read(entry_points).decode(), re.M)


@pytest.mark.parametrize("kind", ["static", "templates"])
def test_page_files_are_copied_not_installed(kind):
    """static/ and templates/ sit beside the package in a checkout and under LSTM_LAB_ROOT
    in the image; app.paths finds them either way."""
    code = "from app import paths; print(paths.STATIC, paths.TEMPLATES)"
    env = {**os.environ, "LSTM_LAB_ROOT": "/srv/lstm-cell-lab"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert f"/srv/lstm-cell-lab/{kind}" in out


def test_compose_file_runs_several_workers_with_redis():
    """docker-compose.yml: the app built from this Dockerfile with several workers, sharing
    live classes through the redis service (proven end to end only where a Redis image and
    the live-class code are present)."""
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^\s+LSTM_LAB_REDIS_URL: redis://redis:6379/0$", text, re.M)
    workers = re.search(r'LSTM_LAB_WORKERS: "\$\{LSTM_LAB_WORKERS:-(\d+)\}"', text)
    assert workers and int(workers[1]) > 1
    assert re.search(r'^  redis:\n    image: "\$\{REDIS_IMAGE:-redis:', text, re.M) and "build: ." in text
    assert "condition: service_healthy" in text and 'test: ["CMD", "redis-cli", "ping"]' in text
    for key in re.findall(r"^\s+(LSTM_LAB_\w+):", text, re.M):
        assert key in (ROOT / "app" / "settings.py").read_text() + (ROOT / "app" / "cli.py").read_text() \
            or key in ("LSTM_LAB_REDIS_URL", "LSTM_LAB_PUBLIC_URL"), key  # the live-class settings


def test_docker_smoke_checks_health_page_run_and_stop():
    script = (ROOT / "scripts" / "docker-smoke").read_text()
    assert os.access(ROOT / "scripts" / "docker-smoke", os.X_OK)
    for needle in (".State.Health.Status", "/api/run", "/api/live", "/api/classes", "docker stop"):
        assert needle in script, needle
    result = subprocess.run(["bash", "-n", str(ROOT / "scripts" / "docker-smoke")], capture_output=True)
    assert result.returncode == 0, result.stderr
