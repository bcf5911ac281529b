"""Coverage metrics and days since the last activity, against hand counts of the linked hand-made ledger
(tests/link/link_ledger.py, links written down in EXPECTED) on DuckDB and PostgreSQL.

Activities per source system after linking under the base rules, and how many have a contact / account /
opportunity (read off EXPECTED):
  crm 18, 21: 1 / 1 / 1 of 2            gmail 1-6, 8, 14, 16, 17: 6 / 8 / 7 of 10
  google_calendar 9, 10: 0 / 0 / 0 of 2  salesforce 7, 12, 15, 19, 20, 22: 4 / 6 / 6 of 6     zoom 11: 1 / 1 / 1
"""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.link import link
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask, by
from tests.link.link_ledger import BASE_RULES

YEAR_2024 = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def layer(ledger_url: str) -> SemanticLayer:
    engine = sa.create_engine(ledger_url)
    try:
        with engine.connect() as conn:
            link(conn, BASE_RULES)
    finally:
        engine.dispose()
    return SemanticLayer.open(REPO_ROOT, ledger_url, ExecutionSettings(today=date(2024, 4, 20)))


def test_coverage_by_source_system(layer: SemanticLayer) -> None:
    rows = ask(layer, "activities", "activity_contact_coverage", "activity_account_coverage",
               "activity_opportunity_coverage", dimensions=("activity.source_system",), time_range=YEAR_2024)
    assert by(rows, "activity.source_system", "activities") == {
        "crm": 2, "gmail": 10, "google_calendar": 2, "salesforce": 6, "zoom": 1}
    assert by(rows, "activity.source_system", "activity_contact_coverage") == pytest.approx(
        {"crm": 1 / 2, "gmail": 6 / 10, "google_calendar": 0, "salesforce": 4 / 6, "zoom": 1})
    assert by(rows, "activity.source_system", "activity_account_coverage") == pytest.approx(
        {"crm": 1 / 2, "gmail": 8 / 10, "google_calendar": 0, "salesforce": 1, "zoom": 1})
    assert by(rows, "activity.source_system", "activity_opportunity_coverage") == pytest.approx(
        {"crm": 1 / 2, "gmail": 7 / 10, "google_calendar": 0, "salesforce": 1, "zoom": 1})


def test_activities_by_opportunity_rule(layer: SemanticLayer) -> None:
    """role 1, 8, 20; owner 2, 11, 17, 19; single_open 4, 6, 7, 12, 16, 22; declared 15; generated 18;
    ambiguous 3 (left unlinked); no rule 5, 9, 10, 14, 21."""
    rows = ask(layer, "activities", "activity_opportunity_coverage", dimensions=("activity.opportunity_rule",),
               time_range=YEAR_2024)
    assert by(rows, "activity.opportunity_rule", "activities") == {
        "opportunity.open_window.role": 3, "opportunity.open_window.owner": 4, "opportunity.single_open": 6,
        "declared": 1, "generated": 1, "opportunity.ambiguous": 1, None: 5}
    coverage = by(rows, "activity.opportunity_rule", "activity_opportunity_coverage")
    assert coverage["opportunity.ambiguous"] == 0 and coverage["opportunity.single_open"] == 1


def test_contact_coverage_by_contact_rule(layer: SemanticLayer) -> None:
    """declared: 19; contact.email: 1-4, 6-8, 11, 15, 20; generated: 18; none: 5, 9, 10, 12, 14, 16, 17, 21, 22."""
    rows = ask(layer, "activities", dimensions=("activity.contact_rule",), time_range=YEAR_2024)
    assert by(rows, "activity.contact_rule", "activities") == {"declared": 1, "contact.email": 10, "generated": 1,
                                                               None: 9}


def test_days_since_the_last_activity_of_open_deals(layer: SemanticLayer) -> None:
    """Today 2024-04-20; every activity is on 2024-04-01 (19 days before). Open deals: 1001 (activities 1, 8,
    17, 20), 1002 (2, 11, 15, 19), 2001 (4, 7), 3001 (6, 12, 16, 22) and 3002 (none); 1003 is closed."""
    rows = ask(layer, "open_deals_by_last_activity", dimensions=("deal_hygiene.days_since_activity",),
               time_range=YEAR_2024)
    assert by(rows, "deal_hygiene.days_since_activity", "open_deals_by_last_activity") == {19: 4, None: 1}

    def untouched_for(days: int) -> object:
        return ask(layer, "open_deals_by_last_activity", time_range=YEAR_2024, filters=(
            {"dimension": "deal_hygiene.days_since_activity", "op": "gte", "value": days},))

    assert untouched_for(19) == [{"open_deals_by_last_activity": 4}]
    assert untouched_for(20) == [{"open_deals_by_last_activity": 0}]
