"""`python -m semantic.ingest.exports OUTDIR [--scale S] [--seed N] [--as-of YYYY-MM-DD]`: write every sample."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from semantic.ingest.exports import WRITERS
from semantic.ledger.demo import generate


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m semantic.ingest.exports",
                                     description="Write sample export files rendered from the demo ledger.")
    parser.add_argument("out_dir", type=Path, help="directory to write into (created if missing)")
    parser.add_argument("--scale", type=float, default=0.05, help="demo size; 1.0 is about 50,000 activities")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=_day, default=None,
                        help="the demo's 'today' (YYYY-MM-DD); fix it for files that do not change day to day")
    args = parser.parse_args(argv)
    if not args.scale > 0:
        parser.error("--scale must be a positive number")
    try:
        args.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"cannot create {args.out_dir}: {exc.strerror or exc}")
    tables = generate(scale=args.scale, seed=args.seed, as_of=args.as_of)
    for name, writer in WRITERS.items():
        for path in writer.write(tables, args.out_dir):
            print(f"{name:16} {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
