"""Benchmarks: run each module with `python -m bench.<name>`; they print one-line results."""
