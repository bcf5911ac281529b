"""Every connection carries the database limits from the settings (docs/operations.md)."""
from __future__ import annotations

from pathlib import Path

from semantic.execute import engine_for
from semantic.layer import ExecutionSettings
from tests.server.tiny_ledger import write_tiny_ledger


def settings_of(url: str, settings: ExecutionSettings, names: list[str], show: str) -> list[str]:
    with engine_for(url, settings).connect() as conn:
        return [conn.exec_driver_sql(show.format(name)).scalar() for name in names]


def test_duckdb_connections_get_memory_limit_threads_and_no_spilling(tmp_path: Path):
    url = write_tiny_ledger(tmp_path / "tiny.duckdb")
    settings = ExecutionSettings(db_memory_limit_mb=100, db_threads=1)
    memory, threads, temp = settings_of(url, settings, ["memory_limit", "threads", "temp_directory"],
                                        "select current_setting('{}')")
    assert (threads, temp) == (1, "")
    assert memory in ("95.3 MiB", "100.0 MB")  # DuckDB shows 100 MB in MiB


def test_postgres_connections_get_work_mem_timeout_and_read_only(pg_tiny_url: str):
    settings = ExecutionSettings(db_memory_limit_mb=2048, statement_timeout_s=30)
    shown = settings_of(pg_tiny_url, settings, ["work_mem", "statement_timeout", "default_transaction_read_only"],
                        "show {}")
    assert shown == ["64MB", "31s", "on"]  # 2048 / 32; the layer cancels at 30 s, the server one second later
