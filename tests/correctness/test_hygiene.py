"""Deal hygiene (stale, pushed, slipped, past due) against hand counts of tests.fixtures.stage_spells_ledger.py,
on DuckDB and PostgreSQL, judged on the layer's today (2025-04-15 unless a test says otherwise).

Thresholds from glossary.yaml: negotiation 7 days, every other open stage the calendar's default 14.
Last touch of each open deal (the later of its last stage entry and its last linked activity up to today):
202 negotiation: entry 03-06, activity 04-05 -> 10 days, stale (>= 7, though < 14)
203 discovery: entry 02-20 (its 04-20 activity is after today) -> 54 days, stale
204 proposal: entry 03-01 (activity 02-01 is older) -> 45 days, stale
206 discovery: no history, created 02-15, activity 04-14 -> 1 day, not stale
207 proposal: entry 01-20 (its later rows change amount and close date only), activity 03-10 -> 36, stale
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from semantic.errors import SemanticError
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from tests.correctness.conftest import REPO_ROOT
from tests.correctness.helpers import ask, by, hand_sql, total


def _on(layer: SemanticLayer, today: date, project: Path = REPO_ROOT) -> SemanticLayer:
    """The same database (and the starter project, or `project`), judged on another day."""
    return SemanticLayer.open(project, layer.database_url, ExecutionSettings(today=today))


def test_stale_deals_and_pipeline(spells_layer: SemanticLayer) -> None:
    """202 + 203 + 204 + 207: 2 000 + 4 000 + 6 000 + 3 500."""
    assert ask(spells_layer, "stale_deals", "stale_pipeline") == [{"stale_deals": 4, "stale_pipeline": 15_500}]


def test_stale_deals_by_rep(spells_layer: SemanticLayer) -> None:
    """Ada: 203, 207; Bo: 202, 204."""
    rows = ask(spells_layer, "stale_deals", "stale_pipeline", dimensions=("rep.name",))
    assert by(rows, "rep.name", "stale_deals") == {"Ada": 2, "Bo": 2}
    assert by(rows, "rep.name", "stale_pipeline") == {"Ada": 7_500, "Bo": 8_000}


def test_stale_deals_list(spells_layer: SemanticLayer) -> None:
    """The saved query lists the stale deals, longest untouched first."""
    rows = spells_layer.query(Question.from_saved(spells_layer.saved_query("stale_deals_list"))).rows
    assert [(r["opportunity.name"], r["rep.name"], r["deal_hygiene.stage"], r["deal_hygiene.days_since_touch"])
            for r in rows] == [("Deal 203", "Ada", "discovery", 54), ("Deal 204", "Bo", "proposal", 45),
                               ("Deal 207", "Ada", "proposal", 36), ("Deal 202", "Bo", "negotiation", 10)]


def test_stale_is_judged_on_the_layers_today(spells_layer: SemanticLayer) -> None:
    """On 2025-04-08 the activities of 04-14 and 04-20 have not happened: 202 was touched 3 days before
    (04-05), 206 last on its creation 02-15 (52 days): stale are 203, 204, 206, 207 = 4 000 + 6 000 +
    5 000 + 3 500. The SQL shows the day as a literal."""
    earlier = _on(spells_layer, date(2025, 4, 8))
    assert ask(earlier, "stale_deals", "stale_pipeline") == [{"stale_deals": 4, "stale_pipeline": 18_500}]
    rows = ask(earlier, "stale_deals", dimensions=("opportunity.name",))
    assert set(by(rows, "opportunity.name", "stale_deals")) == {"Deal 203", "Deal 204", "Deal 206", "Deal 207"}
    assert "'2025-04-08'" in earlier.compile(Question(metrics=("stale_deals",))).sql


def test_past_due(spells_layer: SemanticLayer) -> None:
    """Open and expected before 04-15: 202 (03-31), 204 (03-15); on 03-20 only 204."""
    assert ask(spells_layer, "past_due_deals", "past_due_pipeline") == [
        {"past_due_deals": 2, "past_due_pipeline": 8_000}]
    assert ask(_on(spells_layer, date(2025, 3, 20)), "past_due_deals", "past_due_pipeline") == [
        {"past_due_deals": 1, "past_due_pipeline": 6_000}]


def test_pushes(spells_layer: SemanticLayer) -> None:
    """Close date moved later: 201 on 02-10 (03-31 -> 04-30), 202 on 02-14 (02-28 -> 03-31), 207 on 03-25
    (03-31 -> 05-15) and 04-01 (05-15 -> 06-15). 201's amount edit and 208's pull-in are not pushes."""
    assert total(spells_layer, "pushes") == 4
    rows = ask(spells_layer, "pushes", dimensions=("opportunity.name",))
    assert by(rows, "opportunity.name", "pushes") == {"Deal 201": 1, "Deal 202": 1, "Deal 207": 2}
    rows = ask(spells_layer, "pushes", grain="quarter", time_range={"from": "2025-01-01", "to": "2025-06-30"})
    assert by(rows, "period", "pushes") == {"2025-01-01": 3, "2025-04-01": 1}


def test_slipped_deals(spells_layer: SemanticLayer) -> None:
    """Out of Q1: 201 (to 04-30) and 207 (to 05-15); 202's push stays in Q1 and 207's second in Q2."""
    rows = ask(spells_layer, "slipped_deals", grain="quarter", time_range={"from": "2025-01-01", "to": "2025-06-30"})
    assert by(rows, "period", "slipped_deals") == {"2025-01-01": 2, "2025-04-01": 0}


@pytest.mark.parametrize("threshold, stale", [(10, {"Deal 202", "Deal 203", "Deal 204", "Deal 207"}),
                                              (11, {"Deal 203", "Deal 204", "Deal 207"})])
def test_stage_threshold_boundary(spells_layer: SemanticLayer, tmp_path_factory: pytest.TempPathFactory,
                                  threshold: int, stale: set[str]) -> None:
    """202 (negotiation) was last touched exactly 10 days before today: stale at a threshold of 10 days, not
    at 11."""
    project = tmp_path_factory.mktemp("threshold")
    shutil.copy(REPO_ROOT / "metrics.yaml", project / "metrics.yaml")
    text = (REPO_ROOT / "glossary.yaml").read_text()
    assert text.count("    stale_after_days: 7\n") == 1
    (project / "glossary.yaml").write_text(text.replace("    stale_after_days: 7\n",
                                                        f"    stale_after_days: {threshold}\n"))
    changed = _on(spells_layer, date(2025, 4, 15), project)
    rows = ask(changed, "stale_deals", dimensions=("opportunity.name",))
    assert set(by(rows, "opportunity.name", "stale_deals")) == stale


def test_as_of_is_refused_with_the_way_to_ask(spells_layer: SemanticLayer) -> None:
    """Derived rows have no change log of their own: asked as of an instant, the answer says to use a range."""
    with pytest.raises(SemanticError) as refused:
        ask(spells_layer, "stale_deals", as_of="2025-03-01")
    assert refused.value.code == "E_NO_HISTORY" and "stage_change" in refused.value.hint


# each open demo deal's last real stage change and last linked activity up to 2025-06-30 (today)
_DEMO_TOUCH = ("select o.stage, o.amount, coalesce((select max(changed_at) from opportunity_stage_history h "
               "where h.opportunity_id = o.opportunity_id and (h.from_stage is null or h.from_stage <> h.to_stage) "
               "and h.changed_at < timestamp '2025-07-01 00:00:00'), o.created_at) as last_change, "
               "(select max(occurred_at) from activities a where a.opportunity_id = o.opportunity_id and "
               "a.occurred_at < timestamp '2025-07-01 00:00:00') as last_activity from opportunities o "
               "where not o.is_closed")
_DEMO_STALE = ("date '2025-06-30' - cast(case when last_activity > last_change then last_activity else last_change "
               "end as date) >= case when stage = 'negotiation' then 7 else 14 end")
_DEMO_PUSHES = ("select opportunity_id, close_date, previous from (select opportunity_id, close_date, "
                "lag(close_date) over (partition by opportunity_id order by changed_at) as previous "
                "from opportunity_stage_history) c where close_date > previous")


def test_demo_hygiene_against_hand_sql(demo_layer: SemanticLayer) -> None:
    """Stale, past due, pushes and slipped deals on a small demo ledger, each against hand-written SQL."""
    stale = hand_sql(demo_layer, f"select count(*) from ({_DEMO_TOUCH}) d where {_DEMO_STALE}")
    stale_amount = hand_sql(demo_layer, f"select coalesce(sum(amount), 0) from ({_DEMO_TOUCH}) d where {_DEMO_STALE}")
    past_due = hand_sql(demo_layer, "select count(*) from opportunities where not is_closed and "
                                    "close_date < date '2025-06-30'")
    pushes = hand_sql(demo_layer, f"select count(*) from ({_DEMO_PUSHES}) p")
    slipped = hand_sql(demo_layer, f"select count(distinct opportunity_id) from ({_DEMO_PUSHES}) p where "
                                   "extract(year from close_date) * 4 + extract(quarter from close_date) > "
                                   "extract(year from previous) * 4 + extract(quarter from previous)")
    row = ask(demo_layer, "stale_deals", "stale_pipeline", "past_due_deals", "pushes", "slipped_deals")[0]
    assert stale > 0 and pushes > 0  # the demo has both, so the comparison means something
    assert row == pytest.approx({"stale_deals": stale, "stale_pipeline": stale_amount, "past_due_deals": past_due,
                                 "pushes": pushes, "slipped_deals": slipped})
