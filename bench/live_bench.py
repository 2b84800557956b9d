"""Live-class benchmark on loopback (not part of the tests): one teacher and N students as
real WebSocket clients (`websockets`, asyncio). The teacher sends RATE state changes a
second for DURATION seconds; each state carries its send time, so every student measures
teacher-change-to-receipt latency. Reports p50/p95/p99, messages lost (not received within
DURATION + 5 s), students the server dropped for not reading their messages (a page would
reconnect and get the current state), the server's memory per connected student (RSS after
the students joined minus before, over N) and the server's CPU time per delivered message.

    .venv/bin/python bench/live_bench.py                       # 200 students, one worker
    .venv/bin/python bench/live_bench.py --students 1000 --instances 2 --redis
    options: --duration 30 --rate 20 --procs 4 --json

Servers (and redis-server) are started here on ports 8500-8549 and stopped at the end.
Students are spread over --procs client processes, each its own asyncio loop; each student
connects and is welcomed through websockets' sans-I/O protocol and then reads the server's
plain frames itself (no task, future or parser generator per message), so that the clients
are not the bottleneck; the teacher uses the library's ordinary asyncio client. Bounded in time; sends
traffic to 127.0.0.1 only.
"""

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

ROOT = Path(__file__).resolve().parent.parent
PORT, REDIS_PORT = 8510, 8530
CLIENT_NICE = 0  # --client-nice N lowers the client processes' priority


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_servers(instances: int, redis_url: str | None) -> list[subprocess.Popen]:
    env = {**os.environ, "LSTM_LAB_CLASS_MAX_STUDENTS": "5000", "LSTM_LAB_LIVE_RATE": "100"}
    if redis_url:
        env["LSTM_LAB_REDIS_URL"] = redis_url
    servers = []
    for i in range(instances):
        servers.append(subprocess.Popen([sys.executable, "-m", "app.cli", "--port", str(PORT + i)],
                                        cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
    for i in range(instances):
        wait_http(f"http://127.0.0.1:{PORT + i}/api/live")
    return servers


class Student(asyncio.Protocol):
    """One student. The handshake and the welcome go through websockets' sans-I/O protocol;
    after that the student reads the server's frames itself (unmasked, unfragmented text
    frames without extensions: what the server sends) and answers pings, so that a few
    client processes can take 20,000 messages a second. Records each state's latency."""

    def __init__(self, url: str, client: str, latencies: list, welcomed: asyncio.Future) -> None:
        self.ws = ClientProtocol(parse_uri(url), max_size=2**20)
        self.client, self.latencies, self.welcomed = client, latencies, welcomed
        self.seqs: set[int] = set()
        self.recording = False
        self.dropped = False  # closed by the server while the teacher was sending
        self.raw: bytearray | None = None  # the unread bytes once past the welcome

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.ws.send_request(self.ws.connect())
        self._flush()

    def _flush(self) -> None:
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        if self.raw is not None:
            return self._frames(data)
        self.ws.receive_data(data)
        for event in self.ws.events_received():
            if isinstance(event, Response):
                self.ws.send_text(json.dumps({"type": "hello", "role": "student",
                                              "client": self.client}).encode())
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                if event.data.startswith(b'{"type":"welcome"') and not self.welcomed.done():
                    self.welcomed.set_result(True)
        self._flush()
        if self.welcomed.done() and not self.ws.reader.buffer:
            self.raw = bytearray()

    def _frames(self, data: bytes) -> None:
        now = time.time_ns()
        buf = self.raw
        buf += data
        at = 0
        while len(buf) - at >= 2:
            opcode, size, head = buf[at] & 0x0F, buf[at + 1] & 0x7F, 2
            if size == 126:
                if len(buf) - at < 4:
                    break
                size, head = int.from_bytes(buf[at + 2:at + 4], "big"), 4
            elif size == 127:
                if len(buf) - at < 10:
                    break
                size, head = int.from_bytes(buf[at + 2:at + 10], "big"), 10
            if len(buf) - at < head + size:
                break
            payload = bytes(buf[at + head:at + head + size])
            at += head + size
            if opcode == 1 and self.recording and payload.startswith(b'{"type":"state"'):
                sent = payload.index(b"t=") + 2
                seq = payload.rindex(b'"seq":') + 6
                self.latencies.append((now - int(payload[sent:payload.index(b"&", sent)])) / 1e6)
                self.seqs.add(int(payload[seq:payload.index(b"}", seq)]))
            elif opcode == 9:  # ping: a masked pong with the same payload
                mask = os.urandom(4)
                self.transport.write(bytes([0x8A, 0x80 | size]) + mask +
                                     bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        del buf[:at]

    def connection_lost(self, exc) -> None:
        self.dropped = self.recording
        if not self.welcomed.done():
            self.welcomed.set_exception(ConnectionError("closed before the welcome"))


def students_process(urls: list[str], clients: list[str], ready, go, results, seconds: float,
                     client_nice: int = CLIENT_NICE) -> None:
    """Connect these students, report ready, then record every state's latency (ms)."""
    os.nice(client_nice)

    async def main():
        loop = asyncio.get_running_loop()
        latencies: list[float] = []
        students = []
        for i, client in enumerate(clients):
            welcomed = loop.create_future()
            port = int(urls[i % len(urls)].split(":")[2].split("/")[0])
            url = urls[i % len(urls)]
            _, student = await loop.create_connection(
                lambda url=url, client=client, welcomed=welcomed: Student(url, client, latencies, welcomed),
                "127.0.0.1", port)
            await asyncio.wait_for(welcomed, 60)
            students.append(student)
        ready.put(len(students))
        while not go.is_set():
            await asyncio.sleep(0.005)
        for student in students:
            student.recording = True
        await asyncio.sleep(seconds)
        for student in students:
            student.recording = False
        results.put((latencies, [len(s.seqs) for s in students], sum(s.dropped for s in students)))
        for student in students:
            student.transport.close()

    asyncio.run(main())


async def teacher(url: str, secret: str, rate: float, duration: float) -> int:
    ws = await websockets.connect(url)
    await ws.send(json.dumps({"type": "hello", "role": "teacher", "secret": secret}))
    await ws.recv()
    sent, start = 0, time.monotonic()
    while time.monotonic() - start < duration:
        await ws.send(json.dumps({"type": "state", "state": f"v=lstm&t={time.time_ns()}&step={sent}"}))
        sent += 1
        await asyncio.sleep(max(0.0, start + sent / rate - time.monotonic()))
    await ws.close()
    return sent


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q / 100 * len(sorted_values)))]


def run(students: int, duration: float, rate: float, instances: int, use_redis: bool, procs: int,
        client_nice: int = CLIENT_NICE) -> dict:
    redis = None
    redis_url = None
    if use_redis or instances > 1:
        tmp = tempfile.mkdtemp()
        redis = subprocess.Popen(["/usr/bin/redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--dir", tmp],
                                 stdout=subprocess.DEVNULL)
        redis_url = f"redis://127.0.0.1:{REDIS_PORT}/0"
        time.sleep(0.5)
    servers = start_servers(instances, redis_url)
    try:
        base = f"http://127.0.0.1:{PORT}"
        request = urllib.request.Request(f"{base}/api/classes", data=b"{}",
                                         headers={"content-type": "application/json"})
        made = json.load(urllib.request.urlopen(request, timeout=10))
        urls = [f"ws://127.0.0.1:{PORT + i}/ws/class/{made['code']}" for i in range(instances)]
        before = sum(rss_kib(s.pid) for s in servers)
        ready, results, go = mp.Queue(), mp.Queue(), mp.Event()
        names = [f"bench-student-{n:06d}-aaaa" for n in range(students)]
        workers = [mp.Process(target=students_process,
                              args=(urls, names[p::procs], ready, go, results, duration + 5, client_nice))
                   for p in range(procs)]
        for w in workers:
            w.start()
        joined = sum(ready.get(timeout=300) for _ in workers)
        time.sleep(1.0)  # let the counts settle
        after = sum(rss_kib(s.pid) for s in servers)
        cpu_before = sum(cpu_s(s.pid) for s in servers)
        load_before = os.getloadavg()[0]
        go.set()
        time.sleep(0.1)  # every client process sees it before the first state
        sent = asyncio.run(teacher(urls[0], made["teacher_secret"], rate, duration))
        cpu = sum(cpu_s(s.pid) for s in servers) - cpu_before
        latencies, received, dropped = [], [], 0
        for _ in workers:
            lat, counts, gone = results.get(timeout=duration + 120)
            latencies += lat
            received += counts
            dropped += gone
        for w in workers:
            w.join(timeout=30)
        latencies.sort()
        return {
            "students": joined, "instances": instances, "broker": "redis" if redis_url else "memory",
            "duration_s": duration, "rate_per_s": rate, "states_sent": sent,
            "deliveries": len(latencies), "lost": sent * joined - sum(received),
            "students_dropped": dropped,  # closed by the server for not reading (1013)
            "p50_ms": round(percentile(latencies, 50), 2), "p95_ms": round(percentile(latencies, 95), 2),
            "p99_ms": round(percentile(latencies, 99), 2), "max_ms": round(latencies[-1], 2),
            "server_rss_kib_before": before, "server_rss_kib_after": after,
            "kib_per_student": round((after - before) / max(1, joined), 1),
            "server_cpu_s": round(cpu, 2),
            "server_cpu_us_per_delivery": round(cpu * 1e6 / max(1, sent * joined), 1),
            "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            "client_processes": procs,
        }
    finally:
        for s in servers:
            s.terminate()
            s.wait(timeout=20)
        if redis:
            redis.terminate()
            redis.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds the teacher sends")
    parser.add_argument("--rate", type=float, default=20.0, help="teacher state changes a second")
    parser.add_argument("--instances", type=int, default=1, help="servers (2+: with Redis)")
    parser.add_argument("--redis", action="store_true", help="use Redis even with one instance")
    parser.add_argument("--procs", type=int, default=4, help="client processes")
    parser.add_argument("--client-nice", type=int, default=CLIENT_NICE,
                        help="nice value of the client processes (0: same priority as the servers)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.students, args.duration, args.rate, args.instances, args.redis, args.procs,
                 args.client_nice)
    print(json.dumps(result) if args.json else "\n".join(f"{k:>22}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
