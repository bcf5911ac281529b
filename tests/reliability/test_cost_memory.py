"""db_memory_limit_mb bounds DuckDB: a heavy question that fits the cost budget but not the memory limit
fails with a coded error naming the setting, and the process does not grow past the limit."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil
import pytest

from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from tests.execution.slow_ledger import write_duckdb, write_project

pytestmark = pytest.mark.slow
HEAVY = Question(metrics=["distinct_pair_count"])  # count(distinct) over 3,000 x 3,000 = 9 million keys
SIDE = 3_000


class PeakMemory:
    """The highest resident set size of this process while the block runs (sampled every 10 ms)."""

    def __enter__(self) -> "PeakMemory":
        self._process = psutil.Process()
        self.baseline = self.peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20


def heavy_layer(folder: Path, name: str, memory_mb: int) -> SemanticLayer:
    url = write_duckdb(folder / f"{name}.duckdb", n=SIDE)
    return SemanticLayer.open(write_project(folder / name), url,
                              ExecutionSettings(db_memory_limit_mb=memory_mb, db_threads=2))


def test_a_query_over_the_memory_limit_fails_cleanly_instead_of_growing(tmp_path: Path):
    layer = heavy_layer(tmp_path, "small", 64)
    started = time.monotonic()
    with PeakMemory() as memory, pytest.raises(SemanticError) as info:
        layer.query(HEAVY)
    assert info.value.code == "E_QUERY_TOO_COSTLY"
    assert "64 MB" in info.value.message and "db_memory_limit_mb" in info.value.message
    assert "raise db_memory_limit_mb" in info.value.hint
    assert time.monotonic() - started < 10
    assert memory.growth_mb < 64 + 48, f"grew {memory.growth_mb:.0f} MB under a 64 MB limit"


def test_the_same_query_runs_with_room(tmp_path: Path):
    layer = heavy_layer(tmp_path, "roomy", 1024)
    assert layer.query(HEAVY).rows == [{"distinct_pair_count": SIDE * SIDE}]
