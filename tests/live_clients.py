"""Real WebSocket clients of a live class (the `websockets` library), for the tests that
run real servers. `python tests/live_clients.py churn WS_URL N PARALLEL` connects, says
hello, waits for the welcome and disconnects N times, PARALLEL at once, and prints how
many cycles were welcomed."""

import asyncio
import concurrent.futures
import json
import sys

import websockets


def run_async(coroutine):
    """asyncio.run in a thread of its own: the browser tests' Playwright (sync API) keeps an
    event loop running in the main thread for the whole session."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def ws_url(http_url: str, code: str) -> str:
    return http_url.replace("http://", "ws://", 1) + f"/ws/class/{code}"


async def join(url: str, **hello):
    """Connect and say hello -> (socket, first reply)."""
    ws = await websockets.connect(url, open_timeout=10, max_size=2**22)
    await ws.send(json.dumps({"type": "hello", **hello}))
    return ws, json.loads(await asyncio.wait_for(ws.recv(), 40))


async def next_of(ws, kind: str, timeout: float = 10.0) -> dict:
    """The next message of type `kind`, skipping others."""
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            if message["type"] == kind:
                return message


async def close_code(ws, timeout: float = 10.0) -> int:
    """Read until the server closes; its close code."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                await ws.recv()
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006


async def churn(url: str, cycles: int, parallel: int) -> int:
    welcomed = 0

    async def worker(index: int) -> None:
        nonlocal welcomed
        for n in range(index, cycles, parallel):
            ws, reply = await join(url, role="student", client=f"churn-{n:08d}-aaaaaaaa")
            welcomed += reply["type"] == "welcome"
            await ws.close()

    await asyncio.gather(*(worker(i) for i in range(parallel)))
    return welcomed


if __name__ == "__main__":
    if sys.argv[1] == "churn":
        print(asyncio.run(churn(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
