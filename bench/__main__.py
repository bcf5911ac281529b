"""`make bench` / `python -m bench`: every benchmark in turn, with its default settings (see bench/README.md)."""
from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("bench.bench_validate", "bench.bench_queries", "bench.bench_api")


def main() -> int:
    for module in BENCHMARKS:
        print(f"\n== {module} ==", flush=True)
        code = subprocess.call([sys.executable, "-m", module])
        if code != 0:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
