"""The pipeline-lakehouse export's keys, checked against counts made by hand from its CSV files.

Mapped raw (opportunity = the opportunities table as exported), its 30 exact duplicate rows and 15 stale
copies make the primary key repeat: the key check says so with the numbers, and an answer that joins
through it (activities by product) carries the warning. The shipped mapping dedupes in a derived entity,
so its key passes; only its 15 opportunities whose account does not exist remain, as a warning.
"""
from __future__ import annotations

from collections import Counter

import pytest

from semantic.keys.registry import key_issues
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from tests.external.conftest import HERE, export_dir, load_export
from tests.external.hand_counts import LakehouseCounts, read

RAW_MAPPING = """\
entities:
  opportunity:
    table: opportunities
    primary_key: opportunity_id
    default_time_dimension: created_date
    joins:
      account: {foreign_key: account_id}
    dimensions:
      product: {}
      created_date: {type: time}
  activity:
    table: activities
    primary_key: activity_id
    default_time_dimension: activity_ts
    joins:
      opportunity: {foreign_key: opportunity_id}
    dimensions:
      activity_ts: {type: time}
    measures:
      activity_count: {agg: count}
  account:
    table: accounts
    primary_key: account_id
    dimensions:
      industry: {}
metrics:
  activities: {type: simple, measure: activity_count}
"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return load_export("pipeline_lakehouse", tmp_path_factory.mktemp("lakehouse_keys"))


@pytest.fixture(scope="module")
def raw(url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    project = tmp_path_factory.mktemp("lakehouse_raw")
    (project / "metrics.yaml").write_text(RAW_MAPPING)
    return SemanticLayer.open(project, url, ExecutionSettings())


@pytest.fixture(scope="module")
def csv_rows() -> dict[str, list[dict[str, str]]]:
    folder = export_dir("pipeline_lakehouse")
    return {name: read(folder / f"{name}.csv") for name in ("opportunities", "activities", "accounts")}


def test_the_raw_mapping_reports_the_repeated_opportunity_key(raw: SemanticLayer, url: str, csv_rows) -> None:
    copies = Counter(r["opportunity_id"] for r in csv_rows["opportunities"])
    repeated = sum(1 for n in copies.values() if n > 1)
    extra = sum(n - 1 for n in copies.values())
    assert extra == 30 + 15  # the export's 30 exact duplicates and 15 stale copies
    issues = {i.code: i for i in key_issues(raw.definitions, url)}
    found = issues["E_KEY_NOT_UNIQUE"]
    assert (found.position.file, found.position.line) == ("metrics.yaml", 4)
    assert found.message.startswith(
        f"entity 'opportunity': primary key 'opportunity_id' is not unique: {repeated} key value(s) occur more "
        f"than once, {extra} extra row(s) of {len(csv_rows['opportunities'])}; for example ")
    assert "dedupe in a derived entity" in found.hint


def test_an_answer_through_the_repeated_key_carries_the_warning(raw: SemanticLayer, csv_rows) -> None:
    """Each activity is counted once per copy of its opportunity when sliced by product: 18,285 for 18,006."""
    copies = Counter(r["opportunity_id"] for r in csv_rows["opportunities"])
    total = len(csv_rows["activities"])
    through_product = sum(max(1, copies[a["opportunity_id"]]) for a in csv_rows["activities"])
    assert (total, through_product) == (18_006, 18_285)
    [whole] = raw.query(Question(metrics=["activities"])).rows
    by_product = raw.query(Question(metrics=["activities"], dimensions=["opportunity.product"]))
    assert whole["activities"] == total
    assert sum(r["activities"] for r in by_product.rows) == through_product
    assert "W_KEY_NOT_UNIQUE" in {w.code for w in by_product.warnings}


def test_the_shipped_mapping_passes_but_for_missing_accounts(url: str, csv_rows) -> None:
    """The derived entity keeps one copy per id, so its key is clean; 15 of its accounts do not exist."""
    layer = SemanticLayer.open(HERE / "pipeline_lakehouse", url, ExecutionSettings())
    latest = LakehouseCounts(export_dir("pipeline_lakehouse")).opportunities.values()
    accounts = {a["account_id"] for a in csv_rows["accounts"]}
    with_account = [o for o in latest if o["account_id"]]
    missing = [o for o in with_account if o["account_id"] not in accounts]
    assert len(missing) == 15
    issues = key_issues(layer.definitions, url)
    assert [i.code for i in issues] == ["W_JOIN_ORPHANS"]
    assert issues[0].message.startswith(
        f"entity 'opportunity': join 'account': {len(missing)} of {len(with_account)} row(s) whose account_id is "
        f"set ({len(missing) / len(with_account):.2%}) find no account ({len({o['account_id'] for o in missing})} "
        "distinct key(s)")
