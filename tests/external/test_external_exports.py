"""Real CRM exports nobody on this project shaped, mapped in YAML only, checked against hand counts.

The mappings live next to this file (maven_crm/, pipeline_lakehouse/); their comments say how each quirk
of the data is handled. Figures come from tests/external/hand_counts.py (Python's csv module).
"""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from semantic.definitions import load_project
from semantic.question import Question
from tests.external.conftest import EXPORTS, HERE, export_dir
from tests.external.hand_counts import LakehouseCounts, MavenCounts, read


def ask(layer, **question) -> list[dict]:
    return layer.query(Question.model_validate(question)).rows


def by(rows: list[dict], key: str, metric: str) -> dict:
    return {row[key]: row[metric] for row in rows}


@pytest.fixture(scope="module")
def maven() -> MavenCounts:
    return MavenCounts(export_dir("maven_crm"))


@pytest.fixture(scope="module")
def lakehouse() -> LakehouseCounts:
    return LakehouseCounts(export_dir("pipeline_lakehouse"))


@pytest.mark.parametrize("project", sorted(EXPORTS))
def test_mapping_validates_without_errors(project: str) -> None:
    loaded = load_project(HERE / project)
    assert [issue.render() for issue in loaded.errors] == []


def test_the_quirks_the_mappings_handle_are_in_the_data(maven: MavenCounts) -> None:
    """If the exports ever change, the YAML comments about them must be revisited."""
    assert "GTXPro" in {d["product"] for d in maven.deals} and "GTXPro" not in maven.catalogue
    assert sum(1 for d in maven.deals if not d["account"]) == 1425
    assert {d["close_value"] for d in maven.lost} == {"0"}
    assert "technolgy" in maven.sector.values()
    rows = read(export_dir("pipeline_lakehouse") / "opportunities.csv")
    assert len(rows) - len({r["opportunity_id"] for r in rows}) == 45
    assert sum(1 for r in rows if "/" in r["expected_close_date"]) == 60
    assert len({r["stage"] for r in rows}) > 6


def test_maven_outcomes(layer_for, maven: MavenCounts) -> None:
    [row] = ask(layer_for("maven_crm"), metrics=["won_deals", "lost_deals", "bookings", "win_rate", "avg_deal_size"])
    assert row["won_deals"] == len(maven.won) == 4238
    assert row["lost_deals"] == len(maven.lost)
    assert row["bookings"] == pytest.approx(maven.bookings())
    assert row["win_rate"] == pytest.approx(len(maven.won) / (len(maven.won) + len(maven.lost)))
    assert row["avg_deal_size"] == pytest.approx(maven.bookings() / len(maven.won))  # lost zeros excluded


def test_maven_bookings_by_catalogue_product(layer_for, maven: MavenCounts) -> None:
    rows = ask(layer_for("maven_crm"), metrics=["bookings"], dimensions=["product.name"])
    assert by(rows, "product.name", "bookings") == pytest.approx(maven.bookings_by_product())
    assert "GTX Pro" in by(rows, "product.name", "bookings")


def test_maven_bookings_and_open_deals_by_sector(layer_for, maven: MavenCounts) -> None:
    rows = ask(layer_for("maven_crm"), metrics=["bookings", "open_deals"], dimensions=["account.sector"])
    bookings = {k: v for k, v in by(rows, "account.sector", "bookings").items() if v}
    assert bookings == pytest.approx(maven.bookings_by_sector())
    open_deals = {k: v for k, v in by(rows, "account.sector", "open_deals").items() if v}
    assert open_deals == maven.open_deals_by_sector()
    assert open_deals[None] == 1425 and "technolgy" not in open_deals


def test_maven_bookings_per_quarter(layer_for, maven: MavenCounts) -> None:
    rows = ask(layer_for("maven_crm"), metrics=["bookings"], grain="quarter",
               time_range={"from": "2017-01-01", "to": "2017-12-31"})
    assert by(rows, "period", "bookings") == pytest.approx(maven.bookings_by_quarter_2017())


def test_lakehouse_outcomes_use_the_latest_copy(layer_for, lakehouse: LakehouseCounts) -> None:
    [row] = ask(layer_for("pipeline_lakehouse"),
                metrics=["opportunities_created", "won_deals", "lost_deals", "bookings", "win_rate"])
    assert row["opportunities_created"] == len(lakehouse.opportunities) == 3000
    assert row["won_deals"] == len(lakehouse.won)
    assert row["lost_deals"] == len(lakehouse.lost)
    assert row["bookings"] == pytest.approx(lakehouse.bookings())
    assert row["win_rate"] == pytest.approx(len(lakehouse.won) / (len(lakehouse.won) + len(lakehouse.lost)))


def test_lakehouse_bookings_by_industry(layer_for, lakehouse: LakehouseCounts) -> None:
    rows = ask(layer_for("pipeline_lakehouse"), metrics=["bookings"], dimensions=["account.industry"])
    assert by(rows, "account.industry", "bookings") == pytest.approx(lakehouse.bookings_by_industry())
    assert None in by(rows, "account.industry", "bookings")  # deals of missing accounts are kept


def test_lakehouse_activities(layer_for, lakehouse: LakehouseCounts) -> None:
    layer = layer_for("pipeline_lakehouse")
    rows = ask(layer, metrics=["activities", "meetings"], dimensions=["activity.activity_type"])
    assert by(rows, "activity.activity_type", "activities") == lakehouse.activities_by_type()
    assert sum(by(rows, "activity.activity_type", "meetings").values()) == sum(
        n for kind, n in lakehouse.activities_by_type().items() if kind in ("Meeting", "Demo"))
    rows = ask(layer, metrics=["activities"], dimensions=["account.industry"])  # through the deduped entity
    assert by(rows, "account.industry", "activities") == lakehouse.activities_by_industry()


def test_lakehouse_fiscal_quarters(layer_for, lakehouse: LakehouseCounts) -> None:
    rows = ask(layer_for("pipeline_lakehouse"), metrics=["bookings", "won_deals", "win_rate"],
               grain="fiscal_quarter", time_range={"from": "2024-02-01", "to": "2025-01-31"})
    expected = lakehouse.fiscal_2024_by_quarter()
    assert [r["period"] for r in rows] == list(expected)
    for row in rows:
        bookings, won, closed = expected[row["period"]]
        assert (row["bookings"], row["won_deals"]) == (pytest.approx(bookings), won)
        assert row["win_rate"] == pytest.approx(won / closed)


def test_mappings_are_the_only_files_per_project() -> None:
    for project in EXPORTS:
        assert sorted(p.name for p in (HERE / project).iterdir()) == ["glossary.yaml", "metrics.yaml"]


def test_no_database_file_is_left_next_to_the_mappings() -> None:
    """Loaded exports live in pytest's tmp dirs; data files are never committed."""
    assert not any(p.suffix in (".duckdb", ".csv") for p in HERE.rglob("*"))


@pytest.mark.parametrize("day", ["2024-03-31", "2024-09-30", "2025-02-14"])
def test_lakehouse_open_pipeline_as_of(layer_for, lakehouse: LakehouseCounts, day: str) -> None:
    """The stage as of the day from the stage log (amounts are today's: the log has none)."""
    expected = lakehouse.open_pipeline_as_of(date.fromisoformat(day))
    rows = ask(layer_for("pipeline_lakehouse"), metrics=["open_pipeline"], dimensions=["opportunity.stage"],
               as_of=day)
    assert {k.lower(): v for k, v in by(rows, "opportunity.stage", "open_pipeline").items()} == \
        pytest.approx(expected)
    [total] = ask(layer_for("pipeline_lakehouse"), metrics=["open_pipeline"], as_of=day)
    assert total["open_pipeline"] == pytest.approx(sum(expected.values()))


def test_lakehouse_open_pipeline_at_each_quarter_end(layer_for, lakehouse: LakehouseCounts) -> None:
    rows = ask(layer_for("pipeline_lakehouse"), metrics=["open_pipeline"], grain="quarter", as_of_each="end",
               time_range={"from": "2024-01-01", "to": "2024-12-31"})
    ends = {"2024-01-01": date(2024, 3, 31), "2024-04-01": date(2024, 6, 30), "2024-07-01": date(2024, 9, 30),
            "2024-10-01": date(2024, 12, 31)}
    assert by(rows, "period", "open_pipeline") == \
        pytest.approx({p: sum(lakehouse.open_pipeline_as_of(d).values()) for p, d in ends.items()})


def test_lakehouse_stage_spells(layer_for, lakehouse: LakehouseCounts) -> None:
    """Entries into each stage and average days in it, from the stage log with backwards timestamps and
    equal-time changes ordered by history_id (hand_counts.stage_spells writes the rule out in Python)."""
    spells = lakehouse.stage_spells()
    rows = ask(layer_for("pipeline_lakehouse"), metrics=["stage_entries", "avg_days_in_stage"],
               dimensions=["stage_spell.stage"])
    assert by(rows, "stage_spell.stage", "stage_entries") == dict(Counter(stage for stage, _, _ in spells))
    averages = {k: v for k, v in by(rows, "stage_spell.stage", "avg_days_in_stage").items() if v is not None}
    assert averages == pytest.approx(lakehouse.days_in_stage())
