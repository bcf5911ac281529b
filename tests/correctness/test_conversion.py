"""Conversion metrics against hand counts and hand-written SQL on tests/correctness/conversion_ledger.py, on
DuckDB and PostgreSQL: the window edge, 29 February, a conversion before the base event, a lead converting
twice, a cohort before the range, empty periods, open cohorts, dimensions and a changed glossary term."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from semantic.errors import SemanticError
from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from tests.correctness import conversion_ledger
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask, by, total

EXTRA = """
metrics:
  mql_30d: {type: conversion, entity: lead, base: {term: lead, time: created_at},
            conversion: {term: mql, time: mql_at}, within: 30 days}
  mql_30d_count: {type: conversion, entity: lead, base: {term: lead, time: created_at},
                  conversion: {term: mql, time: mql_at}, within: 30 days, calculation: conversions}
  mql_30d_cohort: {type: conversion, entity: lead, base: {term: lead, time: created_at},
                   conversion: {term: mql, time: mql_at}, within: 30 days, calculation: cohort}
  mql_30d_closed: {type: conversion, entity: lead, base: {term: lead, time: created_at},
                   conversion: {term: mql, time: mql_at}, within: 30 days, exclude_open_cohorts: true}
  mql_1m: {type: conversion, entity: lead, base: {term: lead, time: created_at},
           conversion: {term: mql, time: mql_at}, within: 1 month}
  mql_ever: {type: conversion, entity: lead, base: {term: lead, time: created_at},
             conversion: {term: mql, time: mql_at}}
  opp_60d: {type: conversion, entity: lead, base: {term: lead, time: created_at},
            conversion: {entity: opportunity, term: opportunity, time: created_at}, through: account,
            within: 60 days, calculation: conversions}
  proposal_won_90d: {type: conversion, entity: opportunity,
                     base: {entity: stage_change, term: entered_proposal, time: changed_at},
                     conversion: {entity: stage_change, term: entered_closed_won, time: changed_at},
                     within: 90 days, calculation: conversions}
  mql_30d_pct: {type: derived, expr: mql_30d * 100}
  proposal_won_180d: {type: conversion, entity: opportunity,
                      base: {entity: stage_change, term: entered_proposal, time: changed_at},
                      conversion: {entity: stage_change, term: entered_closed_won, time: changed_at},
                      within: 180 days}
  proposal_90d_cohort: {type: conversion, entity: opportunity,
                        base: {entity: stage_change, term: entered_proposal, time: changed_at},
                        conversion: {entity: stage_change, term: entered_closed_won, time: changed_at},
                        within: 90 days, calculation: cohort}
saved_queries:
  conversions_by_source:
    metrics: [opp_60d, mql_30d]
    dimensions: [lead.source]
    grain: quarter
    time_range: {from: 2024-01-01, to: 2024-06-30}
"""
FIRST_HALF = {"from": "2024-01-01", "to": "2024-06-30"}


def project(tmp_path_factory: pytest.TempPathFactory, glossary: str | None = None) -> Path:
    folder = tmp_path_factory.mktemp("conversion_project")
    shutil.copy(REPO_ROOT / "metrics.yaml", folder / "metrics.yaml")
    (folder / "glossary.yaml").write_text(glossary or (REPO_ROOT / "glossary.yaml").read_text())
    (folder / "definitions").mkdir()
    (folder / "definitions" / "extra.yaml").write_text(EXTRA)
    return folder


@pytest.fixture(scope="module")
def layer(conversion_url: str, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    return SemanticLayer.open(project(tmp_path_factory), conversion_url,
                              ExecutionSettings(today=conversion_ledger.TODAY))


def hand_rows(layer: SemanticLayer, sql: str) -> list[tuple[Any, ...]]:
    with engine_for(layer.database_url).connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_by_month_with_the_edge_29_february_and_an_empty_month(layer: SemanticLayer) -> None:
    """January: lead 1 converts on day 30 exactly (counts), lead 2 on day 31 (does not). February: lead 3 on
    29 February, an earlier hour the same day (day 0 counts); 4 is disqualified. March: 6 became an MQL the
    day before it was created (never counts), 9 after the range's month (counts). April has no lead."""
    rows = ask(layer, "mql_30d", "mql_30d_count", "mql_30d_cohort", grain="month", time_range=FIRST_HALF)
    assert [(r["period"], r["mql_30d_cohort"], r["mql_30d_count"], r["mql_30d"]) for r in rows] == [
        ("2024-01-01", 2, 1, 0.5), ("2024-02-01", 2, 1, 0.5), ("2024-03-01", 2, 1, 0.5),
        ("2024-04-01", 0, 0, None), ("2024-05-01", 1, 1, 1.0), ("2024-06-01", 1, 0, 0.0)]
    hand = hand_rows(layer, """
        select extract(month from created_at) as m, count(*),
               sum(case when status <> 'disqualified' and mql_at is not null
                         and cast(mql_at as date) >= cast(created_at as date)
                         and cast(mql_at as date) <= cast(created_at as date) + 30 then 1 else 0 end)
        from leads where status <> 'duplicate' and created_at >= date '2024-01-01' and created_at < date '2024-07-01'
        group by 1 order by 1""")
    assert [(int(m), c, int(k)) for m, c, k in hand] == [(1, 2, 1), (2, 2, 1), (3, 2, 1), (5, 1, 1), (6, 1, 0)]


def test_month_windows_end_on_the_same_date_and_no_window_means_ever(layer: SemanticLayer) -> None:
    """`1 month` from 20 January ends on 20 February (lead 2 counts), from 29 February on 29 March; without a
    window lead 2 counts too, but lead 6 (MQL the day before) still does not."""
    rows = ask(layer, "mql_1m", "mql_ever", grain="month", time_range={"from": "2024-01-01", "to": "2024-03-31"})
    assert by(rows, "period", "mql_1m") == {"2024-01-01": 1.0, "2024-02-01": 0.5, "2024-03-01": 0.5}
    assert by(rows, "period", "mql_ever") == {"2024-01-01": 1.0, "2024-02-01": 0.5, "2024-03-01": 0.5}
    assert hand_rows(layer, "select count(*) from leads where lead_id = 2 and cast(mql_at as date) <= "
                            "cast(created_at as date) + interval '1 month'") == [(1,)]


def test_the_range_limits_cohorts_never_how_far_a_conversion_reaches(layer: SemanticLayer) -> None:
    """January to March: leads 1 2 3 4 6 9 (lead 8, created in December, converts in January but is not in the
    range's cohorts); 9 converts on 5 April, after the range, and counts."""
    assert total(layer, "mql_30d_cohort", time_range={"from": "2024-01-01", "to": "2024-03-31"}) == 6
    assert total(layer, "mql_30d_count", time_range={"from": "2024-01-01", "to": "2024-03-31"}) == 3
    assert total(layer, "mql_30d_count") == 5  # all time: 8, 1, 3, 9, 7


def test_open_cohorts_are_left_out_up_to_the_edge(layer: SemanticLayer) -> None:
    """Today is 2024-06-15. May's window ends 30 June (open), April's 30 May (closed). Without a grain the
    cohort ends on the range's last day: 15 May + 30 days = 14 June is closed, 16 May + 30 = today is open."""
    rows = ask(layer, "mql_30d_closed", "mql_30d", grain="month", time_range=FIRST_HALF)
    assert by(rows, "period", "mql_30d_closed") == {
        "2024-01-01": 0.5, "2024-02-01": 0.5, "2024-03-01": 0.5, "2024-04-01": None, "2024-05-01": None,
        "2024-06-01": None}
    assert by(rows, "period", "mql_30d")["2024-05-01"] == 1.0
    assert total(layer, "mql_30d_closed", time_range={"from": "2024-01-01", "to": "2024-05-15"}) == 0.5
    assert total(layer, "mql_30d_closed", time_range={"from": "2024-01-01", "to": "2024-05-16"}) is None


def test_lead_to_opportunity_through_the_account_counts_a_lead_once(layer: SemanticLayer) -> None:
    """Lead 1 (A1) has two opportunities within 60 days (o1 after 5, o2 after 41 days): one conversion. Lead 2
    (A1) converts with o2 only (o1 came before it). Lead 3 (A2): o3 a day before. Lead 9 (A3): o4 exactly 60
    days later (20 March + 60 days = 19 May)."""
    rows = ask(layer, "opp_60d", "mql_30d_cohort", grain="month", time_range=FIRST_HALF)
    assert by(rows, "period", "opp_60d") == {"2024-01-01": 2, "2024-02-01": 0, "2024-03-01": 1, "2024-04-01": 0,
                                             "2024-05-01": 0, "2024-06-01": 0}
    hand = hand_rows(layer, """
        select count(distinct l.lead_id) from leads l join contacts c on c.contact_id = l.contact_id
        join opportunities o on o.account_id = c.account_id
          and cast(o.created_at as date) >= cast(l.created_at as date)
          and cast(o.created_at as date) <= cast(l.created_at as date) + 60
        where l.status <> 'duplicate'""")
    assert hand == [(3,)] and total(layer, "opp_60d") == 3


def test_stage_to_stage_counts_each_opportunity_by_its_first_entry(layer: SemanticLayer) -> None:
    """Entered proposal first: o1 20 January (won after 41 days), o2 15 February (won the day before: no), o3
    29 February (won after 91 days: no), o4 19 May (won the same day, an earlier hour). o1's re-entry on 10
    February does not put it in February's cohort."""
    rows = ask(layer, "proposal_won_90d", "proposal_90d_cohort", grain="month", time_range=FIRST_HALF)
    assert [(r["period"], r["proposal_90d_cohort"], r["proposal_won_90d"]) for r in rows] == [
        ("2024-01-01", 1, 1), ("2024-02-01", 2, 0), ("2024-03-01", 0, 0), ("2024-04-01", 0, 0),
        ("2024-05-01", 1, 1), ("2024-06-01", 0, 0)]
    february = ask(layer, "proposal_won_180d", "proposal_to_won", grain="month",
                   time_range={"from": "2024-02-01", "to": "2024-02-29"})
    assert february == [{"period": "2024-02-01", "proposal_won_180d": 0.5,  # 180 days reach o3's win
                         "proposal_to_won": None}]  # the starter leaves out the cohort: its 180 days are still open
    hand = hand_rows(layer, """
        select count(*) from (select opportunity_id, cast(min(changed_at) as date) as entered
                              from opportunity_stage_history where to_stage = 'proposal' group by opportunity_id) p
        where exists (select 1 from opportunity_stage_history w where w.opportunity_id = p.opportunity_id
                      and w.to_stage = 'closed_won' and cast(w.changed_at as date) >= p.entered
                      and cast(w.changed_at as date) <= p.entered + 90)""")
    assert hand == [(2,)]


def test_dimensions_and_filters_of_the_counted_entity(layer: SemanticLayer) -> None:
    """By lead source: web 1 3 4 7 8 9 (all but 4 convert within 30 days), list 2 6 10 (none). Leads reach the
    account through their contact: A1 Enterprise (1, 2), A2 and A3 SMB (3, 9), no contact (4 6 7 8 10)."""
    assert by(ask(layer, "mql_30d", dimensions=["lead.source"]), "lead.source", "mql_30d") == \
        {"web": pytest.approx(5 / 6), "list": 0.0}
    assert by(ask(layer, "opp_60d", "mql_30d_cohort", dimensions=["account.segment"]), "account.segment",
              "opp_60d") == {"Enterprise": 2, "SMB": 1, None: 0}
    assert total(layer, "mql_30d", filters=[{"dimension": "lead.source", "value": "web"}]) == pytest.approx(5 / 6)
    assert by(ask(layer, "proposal_won_90d", "proposal_90d_cohort", dimensions=["opportunity.product"]),
              "opportunity.product", "proposal_90d_cohort") == {"Core": 3, "Addon": 1}


def test_with_a_simple_metric_in_one_question(layer: SemanticLayer) -> None:
    rows = ask(layer, "leads", "mql_30d_count", grain="quarter", time_range=FIRST_HALF)
    assert [(r["period"], r["leads"], r["mql_30d_count"]) for r in rows] == [
        ("2024-01-01", 6, 3), ("2024-04-01", 2, 1)]


def test_a_dimension_of_the_event_rows_is_refused(layer: SemanticLayer) -> None:
    with pytest.raises(SemanticError) as err:
        ask(layer, "proposal_won_90d", dimensions=["stage_change.from_stage"])
    assert err.value.code == "E_FANOUT"
    with pytest.raises(SemanticError) as err:
        ask(layer, "mql_30d", grain="month", time_dimension="lead.mql_at")
    assert err.value.code == "E_BAD_REQUEST"


def test_changing_the_mql_term_changes_every_conversion_using_it(
        conversion_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """MQLs from list sources no longer count: lead 2 (list) drops out of January's 'ever' conversions."""
    text = (REPO_ROOT / "glossary.yaml").read_text()
    old = "filter: \"mql_at is not null and status <> 'disqualified'\""
    assert old in text
    changed = text.replace(old, "filter: \"mql_at is not null and status <> 'disqualified' and source <> 'list'\"")
    layer = SemanticLayer.open(project(tmp_path_factory, changed), conversion_url,
                               ExecutionSettings(today=conversion_ledger.TODAY))
    rows = ask(layer, "mql_ever", "lead_to_mql_30d", grain="month",
               time_range={"from": "2024-01-01", "to": "2024-01-31"})
    assert (rows[0]["mql_ever"], rows[0]["lead_to_mql_30d"]) == (0.5, 0.5)


def test_a_saved_query_slices_conversions_by_the_counted_entity(layer: SemanticLayer) -> None:
    """Validated like any saved query (lead.source is reachable from the counted lead, though not from the
    opportunities lead_to_opportunity reads). Q1: web 1 3 4 9, list 2 6; Q2: web 7, list 10."""
    rows = layer.query(Question.from_saved(layer.saved_query("conversions_by_source"))).rows
    assert [(r["period"], r["lead.source"], r["opp_60d"], r["mql_30d"]) for r in rows] == [
        ("2024-01-01", "list", 1, 0.0), ("2024-01-01", "web", 2, 0.75),
        ("2024-04-01", "list", 0, 0.0), ("2024-04-01", "web", 0, 1.0)]


def test_a_derived_metric_over_a_conversion_and_an_open_total(layer: SemanticLayer) -> None:
    """mql_30d * 100 per quarter: Q1 3 of 6 leads, Q2 1 of 2. Without a range each base event's own window
    counts: lead 10 (1 June + 30 days) is still open on 2024-06-15, so the total of the starter's
    lead_to_mql_30d (exclude_open_cohorts) is null, and without lead 10's month it is not."""
    rows = ask(layer, "mql_30d_pct", grain="quarter", time_range=FIRST_HALF)
    assert by(rows, "period", "mql_30d_pct") == {"2024-01-01": 50.0, "2024-04-01": 50.0}
    assert total(layer, "lead_to_mql_30d") is None
    assert total(layer, "lead_to_mql_30d", time_range={"from": "2023-12-01", "to": "2024-04-30"}) == 4 / 7


def test_starter_mql_to_sql_by_the_mql_day(layer: SemanticLayer) -> None:
    """MQLs by the day they qualified (the duplicate 5 counts, the disqualified 4 does not): January 8 (SQL the
    next day); February 1 (6 days), 2 (none), 3 (the next day), 5 (none); March 6 (none); April 9 (25 days)."""
    rows = ask(layer, "mql_to_sql_14d", grain="month", time_range={"from": "2024-01-01", "to": "2024-04-30"})
    assert by(rows, "period", "mql_to_sql_14d") == {"2024-01-01": 1.0, "2024-02-01": 0.5, "2024-03-01": 0.0,
                                                    "2024-04-01": 0.0}
    assert hand_rows(layer, """
        select count(*) from leads where mql_at is not null and status <> 'disqualified' and sql_at is not null
        and cast(sql_at as date) >= cast(mql_at as date) and cast(sql_at as date) <= cast(mql_at as date) + 14
        and mql_at >= date '2024-01-01' and mql_at < date '2024-05-01'""") == [(3,)]
