"""Runtime settings read from environment variables (the CLI's flags set the same
variables, so `--workers N` children see them too). Invalid values raise
`SettingsError` with a message fit to print at start-up."""

import os
import re
from dataclasses import dataclass
from typing import Any

FRAME_ANCESTORS_ENV = "LSTM_LAB_FRAME_ANCESTORS"
BODY_TIMEOUT_ENV = "LSTM_LAB_BODY_TIMEOUT"
BODY_TIMEOUT_DEFAULT = 10.0  # seconds a client may take to send a request body
HEADER_TIMEOUT_ENV = "LSTM_LAB_HEADER_TIMEOUT"
HEADER_TIMEOUT_DEFAULT = 5.0  # seconds a connection may take to send a request's headers
ALLOWED_HOSTS_ENV = "LSTM_LAB_ALLOWED_HOSTS"
REDIS_URL_ENV = "LSTM_LAB_REDIS_URL"
PUBLIC_URL_ENV = "LSTM_LAB_PUBLIC_URL"
# Set by the CLI for the app (and every worker): where the server listens, how many workers.
LISTEN_HOST_ENV, LISTEN_PORT_ENV, WORKERS_ENV = "LSTM_LAB_LISTEN_HOST", "LSTM_LAB_LISTEN_PORT", "LSTM_LAB_WORKERS"
LINKS_FILE_ENV = "LSTM_LAB_LINKS_FILE"  # the SQLite file of short links (created when first used)


def default_links_file(env) -> str:
    """$XDG_DATA_HOME (or ~/.local/share)/lstm-cell-lab/links.sqlite3."""
    base = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "lstm-cell-lab", "links.sqlite3")


# scheme://host[:port], host a DNS name (optionally "*." for any subdomain), an IPv4
# address or a bracketed IPv6 address. No path, query, quotes, spaces or semicolons:
# anything else could smuggle a directive into the Content-Security-Policy header.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ORIGIN = re.compile(rf"^https?://(?:\*\.)?(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?$")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and the value."""


def parse_origins(text: str, source: str = f"{FRAME_ANCESTORS_ENV} (--frame-ancestors)") -> tuple[str, ...]:
    """'https://moodle.school.org, https://*.lms.example' -> a tuple of origins, in order,
    duplicates dropped. Separators: spaces and/or commas. Raises SettingsError on junk."""
    origins: list[str] = []
    for item in filter(None, re.split(r"[\s,]+", text.strip())):
        origin = item.rstrip("/")
        port = origin.rsplit(":", 1)[-1] if re.search(r":[0-9]+$", origin) else None
        if not _ORIGIN.match(origin) or (port is not None and not 0 < int(port) < 65536):
            raise SettingsError(
                f"{source}: {item!r} is not an origin; give scheme://host[:port] such as "
                "https://moodle.example.org or https://*.school.example (http or https, "
                "no path), separated by spaces or commas"
            )
        if origin.lower() not in (o.lower() for o in origins):
            origins.append(origin)
    return tuple(origins)


def parse_timeout(text: str, source: str = f"{BODY_TIMEOUT_ENV} (--body-timeout)") -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 3600:
        raise SettingsError(f"{source}: {text!r} must be a number of seconds in (0, 3600]")
    return value


# http(s)://host[:port][/path]: the base of join links behind a proxy.
_PUBLIC_URL = re.compile(
    rf"^https?://(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])(?::([0-9]{{1,5}}))?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$"
)


def parse_public_url(text: str, source: str = f"{PUBLIC_URL_ENV} (--public-url)") -> str | None:
    """'https://lab.school.org/lstm/' -> 'https://lab.school.org/lstm'; '' -> None."""
    url = text.strip()
    if not url:
        return None
    match = _PUBLIC_URL.match(url)
    if not match or "?" in url or "#" in url or (match[1] and not 0 < int(match[1]) < 65536):
        raise SettingsError(
            f"{source}: {text!r} is not a base URL; give http(s)://host[:port][/path] "
            "such as https://lab.school.org or http://192.168.1.20:8000"
        )
    return url.rstrip("/")


def parse_redis_url(text: str, source: str = f"{REDIS_URL_ENV} (--redis-url)") -> str | None:
    url = text.strip()
    if not url:
        return None
    if not re.match(r"^(redis|rediss|unix)://\S+$", url):
        raise SettingsError(
            f"{source}: {text!r} is not a Redis URL; give redis://host:6379/0, "
            "rediss://... or unix:///path/to/redis.sock"
        )
    return url


def parse_number(text: str, source: str, low: float, high: float, kind=float):
    try:
        value = kind(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise SettingsError(
            f"{source}: {text!r} must be a {'whole ' if kind is int else ''}number from {low:g} to {high:g}"
        )
    return value


# Live-class numbers: (env variable, CLI flag, default, low, high, type).
LIVE_NUMBERS = {
    "class_ttl": ("LSTM_LAB_CLASS_TTL", "--class-ttl", 7200, 10, 7 * 86400, float),
    "class_max_students": ("LSTM_LAB_CLASS_MAX_STUDENTS", "--class-max-students", 200, 1, 100_000, int),
    "max_classes": ("LSTM_LAB_MAX_CLASSES", "--max-classes", 100, 1, 100_000, int),
    "live_max_message": ("LSTM_LAB_LIVE_MAX_MESSAGE", "--live-max-message", 65536, 1024, 1 << 20, int),
    "live_rate": ("LSTM_LAB_LIVE_RATE", "--live-rate", 30, 1, 10_000, float),
    "live_heartbeat": ("LSTM_LAB_LIVE_HEARTBEAT", "--live-heartbeat", 10, 0.1, 600, float),
    # The training lab's fair shares: a job's wall-clock limit, and how long it runs unwatched.
    "train_max_seconds": ("LSTM_LAB_TRAIN_MAX_SECONDS", "--train-max-seconds", 1200, 1, 86400, float),
    "train_unwatched": ("LSTM_LAB_TRAIN_UNWATCHED", "--train-unwatched", 60, 1, 3600, float),
}


@dataclass(frozen=True)
class Settings:
    frame_ancestors: tuple[str, ...] = ()  # origins allowed to embed the page; () = none
    body_timeout: float = BODY_TIMEOUT_DEFAULT  # seconds to receive a whole request body
    header_timeout: float = HEADER_TIMEOUT_DEFAULT  # seconds to receive a request's headers
    allowed_hosts: tuple[str, ...] = ()  # Host header values served; () = any
    redis_url: str | None = None  # None: classes live in this process only
    public_url: str | None = None  # base of join links, e.g. behind a proxy; None: found out
    listen_host: str = "127.0.0.1"  # where the server listens (the CLI says)
    listen_port: int = 8000
    workers: int = 1
    class_ttl: float = 7200  # s a class nobody uses lives
    class_max_students: int = 200
    max_classes: int = 100  # per server (per Redis with a Redis URL)
    live_max_message: int = 65536  # bytes of one WebSocket message
    live_rate: float = 30  # messages a second per connection (twice that at once)
    live_heartbeat: float = 10  # s between presence renewals; a student unseen 3 beats is gone
    links_file: str = ""  # short links' SQLite file; "" = default_links_file()
    train_max_seconds: float = 1200  # s a training job may run at most
    train_unwatched: float = 60  # s a job runs with no open event stream and no status read

    @property
    def shared(self) -> bool:
        """Whether every worker sees the same live classes and training jobs: one worker, or
        several sharing a Redis. Without it, classes and jobs are refused (they would split)."""
        return bool(self.redis_url) or self.workers == 1


def from_env(environ: dict | None = None) -> Settings:
    """The settings in force, from `environ` (default: os.environ)."""
    env = os.environ if environ is None else environ
    timeout = env.get(BODY_TIMEOUT_ENV, "").strip()
    numbers: dict[str, Any] = {}
    for name, (var, flag, default, low, high, kind) in LIVE_NUMBERS.items():
        text = env.get(var, "").strip()
        numbers[name] = parse_number(text, f"{var} ({flag})", low, high, kind) if text else default
    port = env.get(LISTEN_PORT_ENV, "").strip()
    workers = env.get(WORKERS_ENV, "").strip()
    return Settings(
        frame_ancestors=parse_origins(env.get(FRAME_ANCESTORS_ENV, "")),
        body_timeout=parse_timeout(timeout) if timeout else BODY_TIMEOUT_DEFAULT,
        **connection_settings(env),
        redis_url=parse_redis_url(env.get(REDIS_URL_ENV, "")),
        public_url=parse_public_url(env.get(PUBLIC_URL_ENV, "")),
        listen_host=env.get(LISTEN_HOST_ENV, "").strip() or "127.0.0.1",
        listen_port=parse_number(port, LISTEN_PORT_ENV, 1, 65535, int) if port else 8000,
        workers=parse_number(workers, WORKERS_ENV, 1, 1024, int) if workers else 1,
        links_file=env.get(LINKS_FILE_ENV, "").strip() or default_links_file(env),
        **numbers,
    )


def connection_settings(env) -> dict:
    """header_timeout and allowed_hosts from `env`."""
    header = env.get(HEADER_TIMEOUT_ENV, "").strip()
    return {
        "header_timeout": parse_timeout(header, f"{HEADER_TIMEOUT_ENV} (--header-timeout)")
        if header
        else HEADER_TIMEOUT_DEFAULT,
        "allowed_hosts": parse_hosts(env.get(ALLOWED_HOSTS_ENV, "")),
    }


_HOST = re.compile(rf"^(?:\*\.)?(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])$|^\*$")


def parse_hosts(text: str) -> tuple[str, ...]:
    """'lab.school.example, 192.168.1.20' -> host names (no port) the server answers to;
    '*.school.example' allows subdomains. Raises SettingsError on anything else."""
    hosts = []
    for item in filter(None, re.split(r"[\s,]+", text.strip().lower())):
        if not _HOST.match(item):
            raise SettingsError(
                f"{ALLOWED_HOSTS_ENV} (--allowed-hosts): {item!r} is not a host "
                "name; give names or addresses without scheme or port, such as "
                "lab.school.example or 192.168.1.20, separated by spaces or commas"
            )
        if item not in hosts:
            hosts.append(item)
    return tuple(hosts)
