"""The big tables drawn in parts: one-part ledgers are the rows of before, many-part ledgers are written
exactly as generated (DuckDB, PostgreSQL, Parquet) and are a consistent ledger."""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from semantic.cli import app
from semantic.ledger import demo_common, generate, load, write_demo
from semantic.ledger.parquet import parquet_path, write_demo_parquet
from semantic.ledger.schema import metadata
from tests.ledger.conftest import AS_OF, SCALE, SEED

# Digests of each table at (SCALE, SEED, AS_OF), computed with the generator as it was before tables were
# drawn in parts (activities and leads in one draw each): a ledger of one part must be those rows, byte for byte.
BEFORE_PARTS = {
    "reps": "676c6772387c38ac", "accounts": "034e90fc0318bee5", "contacts": "b20f57ec0cff5ba7",
    "leads": "354158d85fb3eb22", "opportunities": "2a1db8aa9530b0f9", "opportunity_stage_history": "3d761113b436e28f",
    "activities": "6b606b9a1d20772e", "activity_participants": "9847c858ff785df7",
    "opportunity_contact_roles": "d756151b0ae4747d", "quotas": "83aee574ac7829e4",
}
PART_ROWS = 1_000  # small parts: SCALE gives 12,500 activities in 13 parts and 2,500 leads in 3


def _digest(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    table = table.combine_chunks()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()[:16]


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> dict[str, pa.Table]:
    monkeypatch.setattr(demo_common, "PART_ROWS", PART_ROWS)
    monkeypatch.setattr(load, "CHUNK_ROWS", 700)  # batches that do not line up with the parts
    return generate(scale=SCALE, seed=SEED, as_of=AS_OF)


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by([(table.column_names[0], "ascending")]).combine_chunks()


def test_one_part_ledger_is_the_ledger_of_before(small_tables: dict[str, pa.Table]) -> None:
    assert {name: _digest(table) for name, table in small_tables.items()} == BEFORE_PARTS


def test_parts_change_only_the_big_tables(small_parts: dict[str, pa.Table],
                                          small_tables: dict[str, pa.Table]) -> None:
    assert small_parts["activities"].num_rows == small_tables["activities"].num_rows == 12_500
    assert small_parts["leads"].num_rows == small_tables["leads"].num_rows == 2_500
    for name in set(small_tables) - {"activities", "leads"}:
        assert small_parts[name].equals(small_tables[name]), name


def test_many_part_ledger_is_consistent(tmp_path: Path, small_parts: dict[str, pa.Table]) -> None:
    path = tmp_path / "parts.duckdb"
    write_demo(f"duckdb:///{path}", scale=SCALE, seed=SEED, as_of=AS_OF)
    with duckdb.connect(str(path), read_only=True) as con:
        def one(sql: str) -> tuple:
            return con.execute(sql).fetchone()
        assert one("select count(*), count(distinct activity_id), min(activity_id), max(activity_id) "
                   "from activities") == (12_500, 12_500, 1, 12_500)
        assert one("select count(*), count(distinct lead_id), min(lead_id), max(lead_id) from leads") == \
            (2_500, 2_500, 1, 2_500)
        assert one("select count(*) from activities x where (x.opportunity_id is not null and not exists "
                   "(select 1 from opportunities o where o.opportunity_id = x.opportunity_id)) or not exists "
                   "(select 1 from reps r where r.rep_id = x.rep_id)") == (0,)
        # an activity on a deal happens while the deal is worked: from its creation to its close (or today)
        assert one("select count(*) from activities x join opportunities o using (opportunity_id) "
                   "where x.occurred_at < o.created_at or x.occurred_at > coalesce(o.closed_at, date '2025-06-30')"
                   ) == (0,)
        # every part draws from the same mix: the share linked to a deal is alike in the first part and the rest
        first, rest = con.execute("select avg((opportunity_id is not null)::int) from activities "
                                  "group by activity_id <= 1000 order by activity_id <= 1000 desc").fetchall()
        assert abs(first[0] - rest[0]) < 0.05


def test_streamed_writers_write_exactly_the_generated_rows(tmp_path: Path, small_parts: dict[str, pa.Table]) -> None:
    duck = tmp_path / "streamed.duckdb"
    counts = write_demo(f"duckdb:///{duck}", scale=SCALE, seed=SEED, as_of=AS_OF)
    parquet_counts = write_demo_parquet(tmp_path / "pq", scale=SCALE, seed=SEED, as_of=AS_OF)
    assert counts == parquet_counts == {name: t.num_rows for name, t in small_parts.items()}
    with duckdb.connect(str(duck), read_only=True) as con:
        for name, table in small_parts.items():
            stored = con.sql(f"select * from {name}").to_arrow_table()
            assert _sorted(stored.cast(table.schema)).equals(_sorted(table)), name
            from_parquet = pq.read_table(parquet_path(tmp_path / "pq", name))
            assert from_parquet.schema.equals(table.schema) and from_parquet.equals(table.combine_chunks()), name
    assert not list((tmp_path / "pq").rglob(".*"))  # no partial file left behind


def test_postgres_streamed_load_holds_the_generated_rows(postgres_url: str, small_parts: dict[str, pa.Table]) -> None:
    counts = write_demo(postgres_url, scale=SCALE, seed=SEED, as_of=AS_OF, replace=True)
    assert counts["activities"] == 12_500
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            for name in ("activities", "leads"):
                table = small_parts[name]
                key = table.column_names[0]
                got = conn.execute(text(f"select count(*), sum({key}), count(distinct {key}) from {name}")).one()
                assert tuple(got) == (table.num_rows, sum(range(1, table.num_rows + 1)), table.num_rows), name
            durations = conn.execute(text("select sum(duration_seconds) from activities")).scalar()
    finally:
        engine.dispose()
    assert durations == pa.compute.sum(small_parts["activities"]["duration_seconds"]).as_py()


def test_cli_writes_parquet_files_duckdb_reads(tmp_path: Path) -> None:
    folder = tmp_path / "ledger"
    result = CliRunner().invoke(app, ["demo", "--scale", "0.02", "--as-of", "2025-06-30", "--parquet", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(metadata.tables)  # a directory per table
    expected = generate(scale=0.02, seed=42, as_of=AS_OF)
    with duckdb.connect() as con:
        for name, table in expected.items():
            assert con.execute(f"select count(*) from read_parquet('{parquet_path(folder, name)}')").fetchone()[0] == \
                table.num_rows, name
    assert f"activities {expected['activities'].num_rows:,}" in result.output


def test_cli_parquet_into_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["demo", "--scale", "0.01", "--parquet", str(blocker)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot create folder" in result.output
