"""One small demo ledger per session, loaded into DuckDB, shared by the ledger tests."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import yaml

from semantic.ledger import generate, write_ledger

AS_OF = date(2025, 6, 30)
SCALE = 0.25
SEED = 7


@pytest.fixture(scope="session")
def glossary_stages(repo_root: Path) -> list[dict]:
    return yaml.safe_load((repo_root / "glossary.yaml").read_text())["stages"]


@pytest.fixture(scope="session")
def small_tables() -> dict[str, pa.Table]:
    return generate(scale=SCALE, seed=SEED, as_of=AS_OF)


@pytest.fixture(scope="session")
def duck_path(tmp_path_factory: pytest.TempPathFactory, small_tables: dict[str, pa.Table]) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "nested" / "ledger.duckdb"
    write_ledger(f"duckdb:///{path}", small_tables)
    return path


@pytest.fixture(scope="session")
def duck(duck_path: Path, glossary_stages: list[dict]) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection with a `stage_list` table built from glossary.yaml (not from the generator)."""
    con = duckdb.connect(str(duck_path), read_only=True)
    rows = [(i + 1, s["name"], s["probability"], s["forecast_category"], bool(s.get("is_closed", False)),
             bool(s.get("is_won", False))) for i, s in enumerate(glossary_stages)]
    con.execute("create temp table stage_list (ord int, name text, probability double, forecast_category text,"
                " is_closed bool, is_won bool)")
    con.executemany("insert into stage_list values (?, ?, ?, ?, ?, ?)", rows)
    yield con
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> object:
    return con.execute(sql, list(params)).fetchone()[0]
