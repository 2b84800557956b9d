"""`lstm-cell-lab`: start the server (the default), or `lstm-cell-lab train ...` a cell."""

import argparse
import os
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import settings
from .live import address as address_module
from .settings import (
    ALLOWED_HOSTS_ENV,
    BODY_TIMEOUT_DEFAULT,
    BODY_TIMEOUT_ENV,
    FRAME_ANCESTORS_ENV,
    HEADER_TIMEOUT_DEFAULT,
    HEADER_TIMEOUT_ENV,
    LISTEN_HOST_ENV,
    LISTEN_PORT_ENV,
    LIVE_NUMBERS,
    PUBLIC_URL_ENV,
    REDIS_URL_ENV,
    WORKERS_ENV,
)

SHUTDOWN_TIMEOUT_ENV = "LSTM_LAB_SHUTDOWN_TIMEOUT"


@dataclass(frozen=True)
class Option:
    """One setting of `lstm-cell-lab`: its flag, the environment variable that gives its
    default, and what --help says of it ("(env X; default Y)" is added)."""

    flag: str
    env: str
    default: str
    what: str
    type: Callable[[str], Any] = str
    metavar: str | None = None
    said_default: str = ""  # the default as --help words it, when not the value itself
    for_app: bool = False  # the app reads it from the environment (so every worker does)

    @property
    def dest(self) -> str:
        return self.flag[2:].replace("-", "_")


LIVE_NUMBER_HELP = {
    "class_ttl": "seconds a class nobody uses lives",
    "class_max_students": "students in one class",
    "max_classes": "classes open at once on this server (or Redis)",
    "live_max_message": "bytes of one live-class WebSocket message",
    "live_rate": "live-class messages a second per connection (twice that at once)",
    "live_heartbeat": "seconds between live-class presence renewals",
    "train_max_seconds": "seconds a training job may run at most",
    "train_unwatched": "seconds a training job runs with nobody watching it",
}
SERVE_OPTIONS = (
    Option(
        "--host",
        "LSTM_LAB_HOST",
        "127.0.0.1",
        "address to listen on (0.0.0.0 lets students' devices on the network connect)",
    ),
    Option("--port", "LSTM_LAB_PORT", "8000", "port", int),
    Option("--workers", WORKERS_ENV, "1", "worker processes", int),
    Option(
        "--frame-ancestors",
        FRAME_ANCESTORS_ENV,
        "",
        "origins allowed to embed the page in a frame, e.g. a school's learning platform "
        "'https://moodle.school.org' (spaces or commas between several)",
        metavar="ORIGINS",
        said_default="none may embed it",
        for_app=True,
    ),
    Option(
        "--body-timeout",
        BODY_TIMEOUT_ENV,
        f"{BODY_TIMEOUT_DEFAULT:g}",
        "seconds a client may take to send a request body before a 408",
        metavar="SECONDS",
        for_app=True,
    ),
    Option(
        "--limit-concurrency",
        "LSTM_LAB_LIMIT_CONCURRENCY",
        "1000",
        "requests being answered at once per worker before new ones get 503",
        int,
        metavar="N",
    ),
    Option(
        "--timeout-keep-alive",
        "LSTM_LAB_TIMEOUT_KEEP_ALIVE",
        "5",
        "seconds an idle keep-alive connection stays open",
        int,
        metavar="SECONDS",
    ),
    Option(
        "--shutdown-timeout",
        SHUTDOWN_TIMEOUT_ENV,
        "3",
        "on SIGTERM or Ctrl+C, seconds open requests (e.g. a training run's event stream) get before they are cut",
        float,
        metavar="SECONDS",
    ),
    Option(
        "--header-timeout",
        HEADER_TIMEOUT_ENV,
        f"{HEADER_TIMEOUT_DEFAULT:g}",
        "seconds a connection may take to send a request's headers before it is closed",
        metavar="SECONDS",
        for_app=True,
    ),
    Option(
        "--allowed-hosts",
        ALLOWED_HOSTS_ENV,
        "",
        "host names the server answers to, e.g. 'lab.school.example 192.168.1.20'",
        metavar="HOSTS",
        said_default="any; loopback always",
        for_app=True,
    ),
    Option(
        "--redis-url",
        REDIS_URL_ENV,
        "",
        "Redis for live classes and training jobs shared by every worker and instance, e.g. redis://localhost:6379/0",
        metavar="URL",
        said_default="none, classes and jobs live in the one worker",
        for_app=True,
    ),
    Option(
        "--public-url",
        PUBLIC_URL_ENV,
        "",
        "base of join links and QR codes when behind a proxy, e.g. https://lab.school.org",
        metavar="URL",
        said_default="this machine's network address when listening on 0.0.0.0",
        for_app=True,
    ),
    *(
        Option(flag, var, str(default), LIVE_NUMBER_HELP[name], metavar="N", for_app=True)
        for name, (var, flag, default, *_) in LIVE_NUMBERS.items()
    ),
)


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lstm-cell-lab", description="Serve the LSTM Cell Lab page and API.")
    for option in SERVE_OPTIONS:
        parser.add_argument(  # a string default goes through `type` too: a bad env value is a usage error
            option.flag,
            type=option.type,
            default=os.environ.get(option.env, option.default),
            metavar=option.metavar,
            help=f"{option.what} (env {option.env}; "
            + (f"default: {option.said_default})" if option.said_default else f"default {option.default})"),
        )
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    return parser


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


# Live-class sockets: no per-message deflate (a zlib context per student costs more memory
# than the whole rest of a connection, and every message would be compressed per socket
# instead of serialized once); frames up to 1 MiB reach the app, which answers too_large
# over LSTM_LAB_LIVE_MAX_MESSAGE; a ping every 20 s drops peers that vanished.
WEBSOCKET_OPTIONS: dict[str, Any] = {
    "ws_per_message_deflate": False,
    "ws_max_size": 1 << 20,
    "ws_ping_interval": 20.0,
    "ws_ping_timeout": 20.0,
}


def serve(argv: list[str]) -> int:
    import uvicorn

    from .connections import GuardedProtocol

    args = serve_parser().parse_args(argv)
    # The app reads its settings from the environment, in this process and in every worker.
    for option in SERVE_OPTIONS:
        if option.for_app:
            os.environ[option.env] = str(getattr(args, option.dest))
    # Join links need the address students can reach: the app learns where it listens.
    os.environ[LISTEN_HOST_ENV], os.environ[LISTEN_PORT_ENV] = args.host, str(args.port)
    os.environ[WORKERS_ENV] = str(args.workers)
    try:
        config = settings.from_env()
    except settings.SettingsError as error:
        print(f"lstm-cell-lab: {error}", file=sys.stderr)
        return 2
    if not _port_free(args.host, args.port):
        print(f"lstm-cell-lab: port {args.port} on {args.host} is in use; try --port {args.port + 1}", file=sys.stderr)
        return 2
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    address = f"http://{shown_host}:{args.port}/"
    print(f"LSTM Cell Lab is running at {address}  (Ctrl+C stops it)", flush=True)
    join_base = address_module.join_base(config.public_url, config.listen_host, config.listen_port)
    if not address_module.is_loopback_url(join_base):
        print(f"Students join at {join_base}/join  (give them this address)", flush=True)
    if args.workers > 1 and not config.redis_url:
        print(
            f"lstm-cell-lab: warning: {args.workers} workers without --redis-url: a live class "
            "would be split between workers. Use --workers 1 for live classes, or give "
            "--redis-url.",
            file=sys.stderr,
            flush=True,
        )
    if args.open:
        threading.Timer(1.0, webbrowser.open, [address]).start()
    # asyncio's own event loop, not uvloop: under 200 connections flat out, uvloop left a few
    # requests unanswered for 7-10 s (client timeouts) where asyncio answered all within
    # 0.2 s, at the same rate (docs/performance.md).
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        server_header=False,
        limit_concurrency=args.limit_concurrency,
        timeout_keep_alive=args.timeout_keep_alive,
        backlog=2048,
        loop="asyncio",
        timeout_graceful_shutdown=args.shutdown_timeout,
        http=GuardedProtocol,
        **WEBSOCKET_OPTIONS,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "train":
        from .train.cli import main as train

        return train(argv[1:])
    if argv and argv[0] == "serve":
        argv = argv[1:]
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
