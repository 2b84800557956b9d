"""`lstm-cell-lab`: start the server (the default), or `lstm-cell-lab train ...` a cell."""

import argparse
import os
import socket
import sys
import threading
import webbrowser
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


def serve_parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="lstm-cell-lab", description="Serve the LSTM Cell Lab page and API.")
    parser.add_argument(
        "--host",
        default=env("LSTM_LAB_HOST", "127.0.0.1"),
        help="address to listen on (env LSTM_LAB_HOST; default 127.0.0.1; "
        "0.0.0.0 lets students' devices on the network connect)",
    )
    parser.add_argument(
        "--port", type=int, default=int(env("LSTM_LAB_PORT", "8000")), help="port (env LSTM_LAB_PORT; default 8000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(env("LSTM_LAB_WORKERS", "1")),
        help="worker processes (env LSTM_LAB_WORKERS; default 1)",
    )
    parser.add_argument(
        "--frame-ancestors",
        default=env(FRAME_ANCESTORS_ENV, ""),
        metavar="ORIGINS",
        help=f"origins allowed to embed the page in a frame, e.g. a school's learning "
        f"platform 'https://moodle.school.org' (env {FRAME_ANCESTORS_ENV}; "
        "spaces or commas between several; default: none may embed it)",
    )
    parser.add_argument(
        "--body-timeout",
        default=env(BODY_TIMEOUT_ENV, str(BODY_TIMEOUT_DEFAULT)),
        metavar="SECONDS",
        help="seconds a client may take to send a request body "
        f"before a 408 (env {BODY_TIMEOUT_ENV}; default {BODY_TIMEOUT_DEFAULT:g})",
    )
    parser.add_argument(
        "--limit-concurrency",
        type=int,
        default=int(env("LSTM_LAB_LIMIT_CONCURRENCY", "1000")),
        help="requests being answered at once per worker before new ones get 503 "
        "(env LSTM_LAB_LIMIT_CONCURRENCY; default 1000)",
    )
    parser.add_argument(
        "--timeout-keep-alive",
        type=int,
        default=int(env("LSTM_LAB_TIMEOUT_KEEP_ALIVE", "5")),
        help="seconds an idle keep-alive connection stays open (env LSTM_LAB_TIMEOUT_KEEP_ALIVE; default 5)",
    )
    parser.add_argument(
        "--shutdown-timeout",
        type=float,
        default=float(env(SHUTDOWN_TIMEOUT_ENV, "3")),
        metavar="SECONDS",
        help="on SIGTERM or Ctrl+C, seconds open requests (e.g. a "
        f"training run's event stream) get before they are cut (env {SHUTDOWN_TIMEOUT_ENV}; default 3)",
    )
    parser.add_argument(
        "--header-timeout",
        default=env(HEADER_TIMEOUT_ENV, str(HEADER_TIMEOUT_DEFAULT)),
        metavar="SECONDS",
        help="seconds a connection may take to send a request's "
        f"headers before it is closed (env {HEADER_TIMEOUT_ENV}; default {HEADER_TIMEOUT_DEFAULT:g})",
    )
    parser.add_argument(
        "--allowed-hosts",
        default=env(ALLOWED_HOSTS_ENV, ""),
        metavar="HOSTS",
        help="host names the server answers to, e.g. 'lab.school.example "
        f"192.168.1.20' (env {ALLOWED_HOSTS_ENV}; default: any; loopback always)",
    )
    parser.add_argument(
        "--redis-url",
        default=env(REDIS_URL_ENV, ""),
        metavar="URL",
        help=f"Redis for live classes shared by every worker and instance, e.g. "
        f"redis://localhost:6379/0 (env {REDIS_URL_ENV}; default: none, "
        "classes live in the one worker)",
    )
    parser.add_argument(
        "--public-url",
        default=env(PUBLIC_URL_ENV, ""),
        metavar="URL",
        help="base of join links and QR codes when behind a proxy, e.g. "
        f"https://lab.school.org (env {PUBLIC_URL_ENV}; default: this "
        "machine's network address when listening on 0.0.0.0)",
    )
    for name, (var, flag, default, *_) in LIVE_NUMBERS.items():
        what = {
            "class_ttl": "seconds a class nobody uses lives",
            "class_max_students": "students in one class",
            "max_classes": "classes open at once on this server (or Redis)",
            "live_max_message": "bytes of one live-class WebSocket message",
            "live_rate": "live-class messages a second per connection (twice that at once)",
            "live_heartbeat": "seconds between live-class presence renewals",
            "train_max_seconds": "seconds a training job may run at most",
            "train_unwatched": "seconds a training job runs with nobody watching it",
        }[name]
        parser.add_argument(
            flag, default=env(var, str(default)), metavar="N", help=f"{what} (env {var}; default {default})"
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
    os.environ[FRAME_ANCESTORS_ENV] = args.frame_ancestors
    os.environ[BODY_TIMEOUT_ENV] = args.body_timeout
    os.environ[HEADER_TIMEOUT_ENV], os.environ[ALLOWED_HOSTS_ENV] = args.header_timeout, args.allowed_hosts
    os.environ[REDIS_URL_ENV], os.environ[PUBLIC_URL_ENV] = args.redis_url, args.public_url
    for name, (var, *_) in LIVE_NUMBERS.items():
        os.environ[var] = str(getattr(args, name))
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
