"""Helpers of the adapter tests: the hand-made export files and reading one through an adapter."""
from __future__ import annotations

from pathlib import Path

import pytest

from semantic.ingest.adapters import AdapterOptions, adapter
from semantic.ingest.records import ActivityRecord, Record, Reject

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"


def read_all(source: str, path: Path, mapping: Path | None = None) -> tuple[list[ActivityRecord], list[Reject]]:
    records: list[Record] = list(adapter(source).read(path, AdapterOptions(mapping=mapping)))
    return ([r for r in records if isinstance(r, ActivityRecord)], [r for r in records if isinstance(r, Reject)])


@pytest.fixture
def exports() -> Path:
    return EXPORTS
