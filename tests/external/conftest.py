"""Load a customer's CSV export into a DuckDB file, as their warehouse would hold it."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from semantic.layer import ExecutionSettings, SemanticLayer

DATA = Path(os.environ.get("EXTERNAL_DATA_DIR", "/work/shared/data/external"))
HERE = Path(__file__).resolve().parent
EXPORTS = {
    "maven_crm": ("maven-crm", ("sales_pipeline", "accounts", "products", "sales_teams")),
    "pipeline_lakehouse": ("pipeline-lakehouse",
                           ("opportunities", "opportunity_stage_history", "activities", "accounts", "sellers")),
}


def export_dir(project: str) -> Path:
    folder = DATA / EXPORTS[project][0]
    if not folder.is_dir():
        pytest.skip(f"external export {folder} is not present")
    return folder


def load_export(project: str, target: Path) -> str:
    """One table per CSV with DuckDB's own type detection (types are the customer's, not ours)."""
    folder = export_dir(project)
    path = target / f"{project}.duckdb"
    with duckdb.connect(str(path)) as conn:
        for table in EXPORTS[project][1]:
            source = str(folder / f"{table}.csv").replace("'", "''")
            conn.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{source}', header = true)")
    return f"duckdb:///{path}"


@pytest.fixture(scope="module")
def layer_for(tmp_path_factory: pytest.TempPathFactory):
    """layer_for('maven_crm') -> a SemanticLayer over that project's mapping and loaded export."""
    cache: dict[str, SemanticLayer] = {}

    def make(project: str) -> SemanticLayer:
        if project not in cache:
            url = load_export(project, tmp_path_factory.mktemp(project))
            cache[project] = SemanticLayer.open(HERE / project, url, ExecutionSettings(today=date(2025, 11, 15)))
        return cache[project]

    return make
