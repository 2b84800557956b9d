"""`lstm-cell-lab`: start the server (the default) or, later, train a cell."""

import argparse
import os
import socket
import sys
import threading
import webbrowser


def serve_parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="lstm-cell-lab", description="Serve the LSTM Cell Lab page and API.")
    parser.add_argument("--host", default=env("LSTM_LAB_HOST", "127.0.0.1"),
                        help="address to listen on (env LSTM_LAB_HOST; default 127.0.0.1; "
                             "0.0.0.0 lets students' devices on the network connect)")
    parser.add_argument("--port", type=int, default=int(env("LSTM_LAB_PORT", "8000")),
                        help="port (env LSTM_LAB_PORT; default 8000)")
    parser.add_argument("--workers", type=int, default=int(env("LSTM_LAB_WORKERS", "1")),
                        help="worker processes (env LSTM_LAB_WORKERS; default 1)")
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


def serve(argv: list[str]) -> int:
    import uvicorn

    args = serve_parser().parse_args(argv)
    if not _port_free(args.host, args.port):
        print(f"lstm-cell-lab: port {args.port} on {args.host} is in use; "
              f"try --port {args.port + 1}", file=sys.stderr)
        return 2
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    address = f"http://{shown_host}:{args.port}/"
    print(f"LSTM Cell Lab is running at {address}  (Ctrl+C stops it)", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, [address]).start()
    uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers,
                log_level="warning", server_header=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        argv = argv[1:]
    return serve(argv)


if __name__ == "__main__":
    sys.exit(main())
