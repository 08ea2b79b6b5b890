"""Requests per second `psplugin simulate` sustains with 64 concurrent keep-alive clients, against
a plain `http.server` answering a body of the same size, measured in the same run on loopback.

    .venv/bin/python benchmarks/simulate_rps.py [--clients 64] [--requests 10000] [--seconds 5]

Both servers run in child processes; the clients run in separate processes (threads inside), each
client on one keep-alive connection, reading whole responses. The simulator answers a page of
25 schools with bearer-token checks, as a district's Run Now would. Exits 1 when the simulator
falls under the target share of the baseline's rate.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any
from urllib.parse import urlsplit

# The simulator checks a token, routes, filters and serialises; a fixed-body server does none of
# that. Falling under this share of the baseline's rate means something costs more than it should.
TARGET_RATIO = 0.25
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    headers: dict[str, str]

    def request_bytes(self) -> bytes:
        lines = [f"GET {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


def serve_baseline(size: int) -> None:
    """The baseline: stdlib threading server, HTTP/1.1 keep-alive, one fixed JSON body."""
    body = b"[" + b" " * max(0, size - 2) + b"]"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # As the simulator does: without it, the body write waits out a delayed ACK.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("127.0.0.1", 0), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


@contextmanager
def child(args: list[str]) -> Iterator[dict[str, Any]]:
    """A server in a child process; yields the JSON object on its first line of output."""
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield json.loads(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(timeout=10)


def read_response(stream: socket.socket, buffer: bytearray) -> bytes:
    """One whole response off a keep-alive connection; leftover bytes stay in `buffer`."""
    while b"\r\n\r\n" not in buffer:
        chunk = stream.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    head, _, _ = bytes(buffer).partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    total = len(head) + 4 + length
    while len(buffer) < total:
        chunk = stream.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection mid-body")
        buffer += chunk
    response = bytes(buffer[:total])
    del buffer[:total]
    return response


def client_process(
    target: Target,
    threads: int,
    per_client: int,
    seconds: float,
    start: Event,
    results: Queue[tuple[int, int]],
) -> None:
    request = target.request_bytes()
    counts: list[tuple[int, int]] = []
    lock = threading.Lock()

    def one_client() -> None:
        done = errors = 0
        buffer = bytearray()
        with socket.create_connection((target.host, target.port), timeout=30) as stream:
            start.wait()
            deadline = time.monotonic() + seconds
            while done + errors < per_client and time.monotonic() < deadline:
                stream.sendall(request)
                status = read_response(stream, buffer)[9:12]
                if status == b"200":
                    done += 1
                else:
                    errors += 1
        with lock:
            counts.append((done, errors))

    workers = [threading.Thread(target=one_client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((sum(c[0] for c in counts), sum(c[1] for c in counts)))


def measure(target: Target, clients: int, processes: int, requests: int, seconds: float) -> float:
    """Requests per second over all clients, from the common start to the last answer."""
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    results: Queue[tuple[int, int]] = context.Queue()
    per_client = max(1, requests // clients)
    shares = [
        clients // processes + (1 if i < clients % processes else 0) for i in range(processes)
    ]
    workers = [
        context.Process(
            target=client_process, args=(target, share, per_client, seconds, start, results)
        )
        for share in shares
        if share
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # every client connected and waiting on the start event
    began = time.monotonic()
    start.set()
    outcomes: list[tuple[int, int]] = [results.get(timeout=seconds + 60) for _ in workers]
    elapsed = time.monotonic() - began
    for worker in workers:
        worker.join()
    done = sum(o[0] for o in outcomes)
    errors = sum(o[1] for o in outcomes)
    if errors:
        raise SystemExit(f"{errors} requests failed: the figure would mean nothing")
    return done / elapsed


def simulator_target(info: dict[str, Any]) -> tuple[Target, int]:
    """The schools page of the first district, with a fresh token, and the size of its body."""
    import requests

    district = info["districts"][0]
    token = requests.post(
        str(info["token_url"]),
        data={
            "grant_type": "client_credentials",
            "client_id": district["key"],
            "client_secret": district["secret"],
        },
        timeout=10,
    ).json()["access_token"]
    base = urlsplit(str(info["data_exchange_url"]))
    target = Target(
        host=base.hostname or "127.0.0.1",
        port=base.port or 80,
        path="/2026/data/v3/ed-fi/schools?limit=25",
        headers={"Authorization": f"Bearer {token}"},
    )
    url = f"{info['data_exchange_url']}{target.path}"
    size = len(requests.get(url, headers=target.headers, timeout=10).content)
    return target, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--requests", type=int, default=10_000, help="per server")
    parser.add_argument("--seconds", type=float, default=5.0, help="cap per server")
    parser.add_argument("--serve-baseline", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline is not None:
        serve_baseline(args.serve_baseline)
        return 0

    simulate = [sys.executable, "-m", "generator", "simulate", "--format", "json"]
    with child(simulate) as info:
        target, size = simulator_target(info)
        simulated = measure(target, args.clients, args.processes, args.requests, args.seconds)
    with child([sys.executable, __file__, "--serve-baseline", str(size)]) as info:
        baseline_target = Target("127.0.0.1", int(str(info["port"])), "/", {})
        baseline = measure(
            baseline_target, args.clients, args.processes, args.requests, args.seconds
        )

    ratio = simulated / baseline
    print(
        f"simulate_rps: {args.clients} keep-alive clients in {args.processes} processes, loopback"
    )
    print(f"  baseline http.server, fixed {size}-byte body  {baseline:8.0f} requests/s")
    print(f"  psplugin simulate, 25 schools + token check  {simulated:8.0f} requests/s")
    print(f"  ratio {ratio:.2f} (target at least {TARGET_RATIO})")
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
