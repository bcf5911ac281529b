"""Throughput benchmark: `semantic serve` against a bare strawberry + FastAPI app, same runner, same load.

Builds a demo ledger in a temporary folder, then for each case starts a server in a subprocess (uvicorn,
one process unless the case says otherwise), warms it with one request, checks the answer carries no
GraphQL error, and drives it with wrk (1 thread, 32 connections by default) for `--seconds`. The bare app
(bench/bare_app.py) answering `{ hello }` is measured first and last; ratios are to the mean of the two,
so drift in a shared machine's load shows up instead of hiding in a ratio.

Cases: `{ version { content } }`; the catalogue `{ metrics { name description } }`; the canonical
`bookings, win_rate` total asked the same way every time (cached once a result cache exists) and with a
different `limit` on every request (a new question each time: never cached, same SQL work), sent as a
variable (as BI tools send their few document shapes) and written into the document (a new text each time);
the same two metrics by segment per quarter; and with `--workers N` the total again on N worker processes,
asked the same question and a new one. `--baseline REV` also serves the same ledger from a checkout of an
earlier revision (the same virtualenv) and asks it the total both ways, so "faster than before" is measured in
the same run. `--rounds N` measures every case N times, interleaved, and reports the median round: on a shared
virtual machine one 10 s run of a case can be 30% off the next. With a baseline it also prints the new question's
ratio to the baseline's round by round, and their median.

    .venv/bin/python -m bench.bench_throughput [--scale 1] [--seconds 10] [--connections 32] [--workers 2]
                                               [--baseline REV] [--rounds 1] [--only REGEX]

Needs `wrk` on PATH (Debian: `apt-get install wrk`). Failures are non-200 answers or bodies with "errors".
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.bench_api import free_port

REPO = Path(__file__).resolve().parent.parent
TOTAL = "{ query(metrics: [bookings, win_rate]) { rows version } }"
UNCACHED_TOTAL = "{ query(metrics: [bookings, win_rate], limit: %d) { rows version } }"  # %d: a new number each time
TOTAL_WITH_LIMIT = "query Total($limit: Int) { query(metrics: [bookings, win_rate], limit: $limit) { rows version } }"
NEW_LIMIT = '{"limit": %d}'
BY_SEGMENT_QUARTER = ('{ query(metrics: [bookings, win_rate], dimensions: ["account.segment"], grain: quarter) '
                      '{ rows version } }')


@dataclass(frozen=True)
class Case:
    name: str
    document: str
    server: str = "semantic"  # or "bare", or "baseline" (the --baseline checkout)
    workers: int = 1
    varying: bool = False  # the document (or the variables) holds %d, replaced by a counter on every request
    variables: str | None = None  # JSON text of the variables


@dataclass(frozen=True)
class Outcome:
    case: Case
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


BODY_CHECK = """
failures = 0
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then failures = failures + 1 end
end
"""
CHECKS = """
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("failures") or 0) end
  io.write(string.format("FAILURES %d\\n", total))
end
"""


def body_of(case: Case) -> str:
    """The request body; a varying case's %d stays in it for the Lua script (the only % in it)."""
    if case.variables is None:
        return json.dumps({"query": case.document})
    return json.dumps({"query": case.document, "variables": "@@"}).replace('"@@"', case.variables)


def lua_script(case: Case, body_check: bool = True) -> str:
    """wrk's script: the request, and (`body_check`) a look at every answer for "errors", which GraphQL sends
    with status 200. That look costs wrk a Lua call per response and caps it near 2,200 requests/s here."""
    body = body_of(case)
    checks = (BODY_CHECK if body_check else "") + CHECKS
    if not case.varying:
        return (f'wrk.method = "POST"\nwrk.body = [==[{body}]==]\n'
                f'wrk.headers["Content-Type"] = "application/json"\n' + checks)
    return (f'counter = 0\nlocal template = [==[{body}]==]\n'
            'request = function()\n  counter = counter + 1\n'
            '  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, '
            'string.format(template, 1000 + counter))\nend\n' + checks)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """requests/s, p50 ms, p99 ms, requests, failures from `wrk --latency` output and our done() line."""
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M).groups()
        return float(value) * UNITS_MS[unit]

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    failures = int(re.search(r"FAILURES (\d+)", output).group(1))
    not_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failures += int(not_ok.group(1)) if not_ok and failures == 0 else 0  # without the body check
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failures += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return rate, latency("50"), latency("99"), requests, failures


def start(case: Case, database: str, port: int, baseline: Path | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEMANTIC_JWT", "SEMANTIC_API_TOKENS"))}
    root = baseline if case.server == "baseline" and baseline is not None else REPO
    if case.server == "bare":
        command = [sys.executable, "-m", "bench.bare_app", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "semantic", "serve", "--project", str(root), "--database", database,
                   "--host", "127.0.0.1", "--port", str(port)]
        if case.workers > 1:
            command += ["--workers", str(case.workers)]
        env["PYTHONPATH"] = str(root)  # the checkout's own code, not the installed one
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"{case.name}: the server did not start within 60 s")


def measure(case: Case, database: str, seconds: float, connections: int, folder: Path,
            baseline: Path | None = None, body_check: bool = True) -> Outcome:
    port = free_port()
    process = start(case, database, port, baseline)
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        warm = json.loads(body_of(case) % 1 if case.varying else body_of(case))
        for _ in range(3 * case.workers):  # warm every worker (engine, schema caches, result cache)
            answer = httpx.post(url, json=warm, timeout=60).json()
            if "errors" in answer:
                raise SystemExit(f"{case.name}: the server answered with errors: {answer['errors']}")
        script = folder / "case.lua"
        script.write_text(lua_script(case, body_check))
        command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "--latency", "-s",
                   str(script), url]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        process.terminate()
        process.wait(timeout=20)
    return Outcome(case, *parse_wrk(result.stdout))


NEW_QUESTION = "total (new question each time, as a variable)"


def cases(workers: int, baseline: str | None) -> list[Case]:
    listed = [Case("bare { hello }", "{ hello }", server="bare"),
              Case("{ version { content } }", "{ version { content } }"),
              Case("catalogue { metrics { name description } }", "{ metrics { name description } }"),
              Case("bookings, win_rate total (same question)", TOTAL),
              Case(NEW_QUESTION, TOTAL_WITH_LIMIT, varying=True, variables=NEW_LIMIT),
              Case("total (new question each time, new text)", UNCACHED_TOTAL, varying=True),
              Case("by segment per quarter (same question)", BY_SEGMENT_QUARTER)]
    if workers > 1:
        listed += [Case(f"total (same question), --workers {workers}", TOTAL, workers=workers),
                   Case(f"total (new question each time), --workers {workers}", TOTAL_WITH_LIMIT, workers=workers,
                        varying=True, variables=NEW_LIMIT)]
    if baseline:
        listed += [Case(f"[{baseline}] total (same question)", TOTAL, server="baseline"),
                   Case(f"[{baseline}] {NEW_QUESTION}", TOTAL_WITH_LIMIT, server="baseline", varying=True,
                        variables=NEW_LIMIT)]
    return listed + [Case("bare { hello } (again)", "{ hello }", server="bare")]


def report(outcomes: list[Outcome]) -> None:
    bare = [o.requests_per_s for o in outcomes if o.case.server == "bare"]
    reference = sum(bare) / len(bare)
    print(f"{'case':<52} {'requests/s':>10} {'/ bare':>7} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for o in outcomes:
        print(f"{o.case.name:<52} {o.requests_per_s:>10,.0f} {o.requests_per_s / reference:>7.2f} "
              f"{o.p50_ms:>8.2f} {o.p99_ms:>8.2f} {o.failures:>7}")
    by_name = {o.case.name: o.requests_per_s for o in outcomes}
    for name in [o.case.name for o in outcomes if o.case.server == "baseline" and NEW_QUESTION in by_name]:
        now = by_name[NEW_QUESTION]
        print(f"{NEW_QUESTION} now / {name}: {now / by_name[name]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="also run the cached total on this many workers "
                                                              "(0 or 1: skip)")
    parser.add_argument("--baseline", metavar="REV", help="also serve from a checkout of this git revision")
    parser.add_argument("--rounds", type=int, default=1, help="measure every case this many times, interleaved, "
                                                              "and report each case's median round")
    parser.add_argument("--only", metavar="REGEX", help="only the cases whose name matches (the bare app always)")
    parser.add_argument("--status-only", action="store_true", help="count only non-2xx answers as failed (no "
                        "look at bodies), for rates above wrk's body-check ceiling; answers are still checked "
                        "when each server is warmed")
    args = parser.parse_args()
    from semantic.ledger.load import write_demo

    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as name:
        folder = Path(name)
        database = f"duckdb:///{folder}/ledger.duckdb"
        write_demo(database, scale=args.scale)
        baseline = folder / "baseline" if args.baseline else None
        if baseline is not None:
            subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(baseline), args.baseline], cwd=REPO,
                           check=True)
        print(f"demo ledger scale {args.scale}; wrk -t1 -c{args.connections} -d{args.seconds:g}s; "
              f"load average before {os.getloadavg()[0]:.2f}", flush=True)
        chosen = [c for c in cases(args.workers, args.baseline)
                  if c.server == "bare" or args.only is None or re.search(args.only, c.name)]
        rounds: dict[str, list[Outcome]] = {c.name: [] for c in chosen}
        try:
            for _ in range(args.rounds):
                for case in chosen:
                    rounds[case.name].append(measure(case, database, args.seconds, args.connections, folder,
                                                     baseline, not args.status_only))
                    print(f"  measured {case.name}: {rounds[case.name][-1].requests_per_s:,.0f}/s", flush=True)
        finally:
            if baseline is not None:
                subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=REPO, check=False)
        print(f"load average after {os.getloadavg()[0]:.2f}")
    report([median(found) for found in rounds.values()])
    paired_ratios(rounds, args.baseline)


def paired_ratios(rounds: dict[str, list[Outcome]], baseline: str | None) -> None:
    """The new question against the baseline's, round by round: the two run a few seconds apart, so their
    ratio is steadier than a ratio of medians taken minutes apart on a machine whose speed drifts."""
    now, before = rounds.get(NEW_QUESTION), rounds.get(f"[{baseline}] {NEW_QUESTION}")
    if not now or not before or len(now) < 2:
        return
    ratios = sorted(a.requests_per_s / b.requests_per_s for a, b in zip(now, before))
    print(f"{NEW_QUESTION} now / [{baseline}], round by round: {', '.join(f'{r:.2f}' for r in ratios)}; "
          f"median {ratios[len(ratios) // 2]:.2f}")


def median(outcomes: list[Outcome]) -> Outcome:
    """The round with the median requests/s (its p50 and p99 with it)."""
    return sorted(outcomes, key=lambda o: o.requests_per_s)[len(outcomes) // 2]


if __name__ == "__main__":
    main()
