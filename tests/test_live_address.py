"""Join links carry an address students can reach, never one taken from the Host header;
the live settings and their checks."""

import ipaddress
import json
import os
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from app.live import address
from app.main import create_app
from app.settings import Settings, SettingsError, from_env, parse_public_url

from .conftest import _free_port


def post(base: str, host: str | None = None) -> dict:
    headers = {"content-type": "application/json", **({"host": host} if host else {})}
    request = urllib.request.Request(f"{base}/api/classes", data=b"{}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)


def get(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=10) as reply:
        return json.load(reply)


def test_this_machine_has_a_network_address():
    found = address.network_address()
    assert found is not None and not ipaddress.ip_address(found).is_loopback


def test_listening_on_all_interfaces_links_the_network_address(server_thread):
    """The page was opened on 127.0.0.1, the server listens on 0.0.0.0: the link (and so
    the QR code) carries the machine's network address, whatever the Host header says."""
    server = server_thread(create_app(Settings(listen_host="0.0.0.0", listen_port=8123)))
    for host in (None, "evil.example:666", "127.0.0.1"):
        link = urlsplit(post(server.url, host)["join_url"])
        assert link.hostname == address.network_address() and link.port == 8123
    live = get(server.url, "/api/live")
    assert live["reachable"] is True and live["join_base"] == f"http://{address.network_address()}:8123"


def test_listening_on_loopback_links_loopback_and_says_unreachable(server_thread):
    server = server_thread(create_app(Settings(listen_host="127.0.0.1", listen_port=8124)))
    assert post(server.url, "evil.example")["join_url"].startswith("http://127.0.0.1:8124/join/")
    live = get(server.url, "/api/live")
    assert live["reachable"] is False and live["shared"] is True


def test_public_url_wins(server_thread):
    server = server_thread(create_app(Settings(listen_host="0.0.0.0", public_url="https://lab.school.org/lstm")))
    made = post(server.url, "evil.example")
    assert made["join_url"] == f"https://lab.school.org/lstm/join/{made['code']}"


def test_several_workers_without_redis_are_not_shared(server_thread):
    live = get(server_thread(create_app(Settings(workers=4))).url, "/api/live")
    assert live["shared"] is False and "Redis" in live["warning"]
    live = get(server_thread(create_app(Settings(workers=4, redis_url="redis://127.0.0.1:1/0"))).url,
               "/api/live")
    assert live["shared"] is True and live["broker"] == "redis" and live["warning"] is None


def test_several_workers_without_redis_refuse_to_start_a_class():
    """A class made in one worker's memory would be missed by students on the others."""
    from fastapi.testclient import TestClient

    split = TestClient(create_app(Settings(workers=2)))
    reply = split.post("/api/classes", json={})
    assert reply.status_code == 503
    body = reply.json()
    assert body["error"] == "classes would split" and body["fields"] == ["request"]
    assert body["detail"][0]["type"] == "classes_split" and "--redis-url" in body["message"]
    assert TestClient(create_app(Settings(workers=1))).post("/api/classes", json={}).status_code == 201


def test_cli_tells_the_app_where_it_listens_and_prints_the_students_address():
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_LAB_")}
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "--host", "0.0.0.0", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, text=True)
    try:
        lines = [server.stdout.readline(), server.stdout.readline()]
        assert f"http://{address.network_address()}:{port}/join" in lines[1]
        deadline = time.monotonic() + 20
        while True:
            try:
                made = post(f"http://127.0.0.1:{port}")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert urlsplit(made["join_url"]).hostname == address.network_address()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_cli_warns_about_workers_without_redis():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_LAB_")}
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "--workers", "2", "--port", str(_free_port())],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        warning = server.stderr.readline()
        assert "2 workers without --redis-url" in warning and "split" in warning
    finally:
        server.terminate()
        server.wait(timeout=20)
    run = subprocess.run([sys.executable, "-m", "app.cli", "--public-url", "ftp://nope"],
                         env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode == 2 and "--public-url" in run.stderr


@pytest.mark.parametrize("text, expected", [
    ("https://lab.school.org/", "https://lab.school.org"), ("http://192.168.1.20:8000", "http://192.168.1.20:8000"),
    ("https://x.org/lstm/lab", "https://x.org/lstm/lab"), ("http://[fd00::2]:80", "http://[fd00::2]:80"), ("", None)])
def test_public_url_accepted(text, expected):
    assert parse_public_url(text) == expected


@pytest.mark.parametrize("text", ["lab.school.org", "ftp://x.org", "https://x.org:0", "https://x.org:70000",
                                  "https://x.org/a?b=1", "https://x.org/#f", "https://a b.org", "http://x.org/\"'"])
def test_public_url_refused(text):
    with pytest.raises(SettingsError, match="LSTM_LAB_PUBLIC_URL"):
        parse_public_url(text)


def test_live_settings_from_env():
    settings = from_env({"LSTM_LAB_REDIS_URL": "redis://r:6379/1", "LSTM_LAB_CLASS_TTL": "60",
                         "LSTM_LAB_CLASS_MAX_STUDENTS": "1000", "LSTM_LAB_LISTEN_HOST": "0.0.0.0",
                         "LSTM_LAB_LISTEN_PORT": "9000", "LSTM_LAB_WORKERS": "4"})
    assert (settings.redis_url, settings.class_ttl, settings.class_max_students) == ("redis://r:6379/1", 60, 1000)
    assert (settings.listen_host, settings.listen_port, settings.workers) == ("0.0.0.0", 9000, 4)
    for bad in ({"LSTM_LAB_REDIS_URL": "http://r"}, {"LSTM_LAB_CLASS_TTL": "0"},
                {"LSTM_LAB_LIVE_RATE": "fast"}, {"LSTM_LAB_CLASS_MAX_STUDENTS": "2.5"}):
        with pytest.raises(SettingsError, match=next(iter(bad))):
            from_env(bad)
