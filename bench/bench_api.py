"""API benchmark: latency and throughput of `semantic serve`, and how much of it is spent outside the database.

Runs on loopback only, bounded in time: builds a demo ledger in a temporary folder, starts `semantic serve`
in a subprocess, then measures the same question four ways in this one run:
  1. the compiled SQL alone on the engine (the database's share),
  2. `SemanticLayer.query` in-process (compile + execute + result building),
  3. the API with one client (adds HTTP, GraphQL, JSON),
  4. the API with 32 concurrent clients (throughput, p50/p99 under load).

    .venv/bin/python -m bench.bench_api [--scale 1] [--seconds 10] [--clients 32]
"""
from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import httpx

from semantic.execute import engine_for
from semantic.layer import SemanticLayer
from semantic.question import Question

REPO = Path(__file__).resolve().parent.parent
QUESTION = Question(metrics=("bookings", "win_rate"), dimensions=("account.segment",))
DOCUMENT = {"query": '{ query(metrics: [bookings, win_rate], dimensions: ["account.segment"]) { rows version } }'}


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(call: Callable[[], object], seconds: float) -> list[float]:
    """Latencies (ms) of back-to-back calls for about `seconds`."""
    out: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def load(url: str, clients: int, seconds: float) -> tuple[list[float], int, float]:
    """`clients` concurrent loops for `seconds`; returns latencies (ms), failures and wall time."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one(http: httpx.AsyncClient) -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = await http.post("/graphql", json=DOCUMENT)
            latencies.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200 or "errors" in response.json():
                failures += 1

    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        await asyncio.gather(*(one(http) for _ in range(clients)))
    return latencies, failures, time.perf_counter() - began


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database: str, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "semantic", "serve", "--project", str(REPO), "--database", database,
               "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start within 30 s")


def summary(name: str, samples: list[float]) -> str:
    return (f"{name:<34} n={len(samples):>6}  p50 {percentile(samples, 50):7.2f} ms  "
            f"p99 {percentile(samples, 99):7.2f} ms  mean {statistics.fmean(samples):7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    from semantic.ledger.load import write_demo

    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        database = f"duckdb:///{folder}/ledger.duckdb"
        counts = write_demo(database, scale=args.scale)
        print(f"demo ledger scale {args.scale}: {counts['opportunities']:,} opportunities, "
              f"{counts['activities']:,} activities")
        layer = SemanticLayer.open(REPO, database)
        compiled = layer.compile(QUESTION)
        engine = engine_for(database)

        def raw_sql() -> None:
            with engine.connect() as conn:
                conn.execute(compiled.statement).fetchall()

        phase = min(3.0, args.seconds)
        raw = timed(raw_sql, phase)
        direct = timed(lambda: layer.query(QUESTION), phase)
        port = free_port()
        server = start_server(database, port)
        url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=url, timeout=60) as http:
                http.post("/graphql", json=DOCUMENT)  # warm up the server's engine and caches
                single = timed(lambda: http.post("/graphql", json=DOCUMENT), phase)
            loaded, failures, wall = asyncio.run(load(url, args.clients, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(summary("SQL alone (engine)", raw))
    print(summary("layer.query (Python API)", direct))
    print(summary("API, 1 client", single))
    print(summary(f"API, {args.clients} clients", loaded))
    print(f"throughput with {args.clients} clients: {len(loaded) / wall:,.0f} requests/s "
          f"({len(loaded):,} requests in {wall:.1f} s, {failures} failed)")
    outside_db = percentile(single, 50) - percentile(raw, 50)
    api_only = percentile(single, 50) - percentile(direct, 50)
    print(f"time per request outside the database (API p50 - SQL p50, 1 client): {outside_db:.2f} ms, "
          f"of which HTTP + GraphQL + JSON (API p50 - layer.query p50): {api_only:.2f} ms")


if __name__ == "__main__":
    main()
