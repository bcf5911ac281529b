"""Same (seed, as_of) gives the same ledger; anything else gives another one."""
from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from semantic.ledger import generate
from tests.ledger.conftest import AS_OF, SCALE, SEED


def test_same_seed_and_day_give_identical_tables(small_tables: dict[str, pa.Table]) -> None:
    again = generate(scale=SCALE, seed=SEED, as_of=AS_OF)
    for name, table in small_tables.items():
        assert table.equals(again[name]), name


@pytest.mark.parametrize("seed, as_of", [(SEED + 1, AS_OF), (SEED, date(2025, 7, 1))])
def test_other_seed_or_day_gives_other_tables(small_tables: dict[str, pa.Table], seed: int, as_of: date) -> None:
    other = generate(scale=SCALE, seed=seed, as_of=as_of)
    for name in ("accounts", "opportunities", "opportunity_stage_history", "activities", "leads"):
        assert not small_tables[name].equals(other[name]), name


def test_scale_is_linear() -> None:
    rows = {name: t.num_rows for name, t in generate(scale=2, seed=1, as_of=AS_OF).items()}
    assert rows["opportunities"] == 4000 and rows["activities"] == 100_000
    assert rows["reps"] == 80 and rows["accounts"] == 2000 and rows["contacts"] == 8000 and rows["leads"] == 20_000


def test_tiny_fractional_scale_and_bad_scale() -> None:
    tiny = generate(scale=0.01, seed=1, as_of=AS_OF)
    assert all(t.num_rows > 0 for name, t in tiny.items() if name != "activity_participants")  # ingest only
    with pytest.raises(ValueError):
        generate(scale=0)
