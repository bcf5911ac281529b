"""The pipeline waterfall against hand counts of tests/fixtures/history_waterfall.py, on DuckDB and PostgreSQL.

Every expected figure below was counted by reading the fixture's table of deals (its docstring), never
taken from the code's output. Q4 2025 from the start of 1 October to the end of 15 November (today).
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from semantic.errors import SemanticError
from semantic.execute import engine_for
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.plan.history import StateAt, require_log
from semantic.sql.steps import RENDERERS, Context
from semantic.waterfall import WaterfallQuestion
from tests.fixtures.history_waterfall import load_history_ledger
from tests.support.postgres import fresh_database

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 11, 15)

# bucket: (deals, count, amount), counted by hand from the fixture's table
EXPECTED = {
    "start": (12, 12, 159_500), "created": (4, 4, 13_000), "reopened": (1, 1, 6_000),
    "pulled_in": (2, 2, 10_500), "pushed_in": (1, 1, 4_200), "increased": (2, 0, 6_000),
    "decreased": (2, 0, -8_000), "won": (4, -4, -37_000), "lost": (2, -2, -15_500),
    "pushed_out": (2, -2, -19_500), "pulled_out": (1, -1, -5_500), "end": (11, 11, 113_700),
}
# the deals of each bucket, by id
MEMBERS = {
    "start": [201, 202, 203, 204, 205, 206, 207, 212, 214, 215, 217, 222], "created": [209, 210, 213, 221],
    "reopened": [211], "pulled_in": [208, 220], "pushed_in": [224], "increased": [202, 205],
    "decreased": [203, 214], "won": [204, 205, 210, 215], "lost": [206, 220], "pushed_out": [207, 221],
    "pulled_out": [217], "end": [201, 202, 203, 208, 209, 211, 212, 213, 214, 222, 224],
}


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def wf_layer(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('waterfall') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "correctness_waterfall")
    load_history_ledger(url)
    return SemanticLayer.open(REPO_ROOT, url, ExecutionSettings(today=TODAY))


def waterfall(layer: SemanticLayer, **question: Any) -> list[dict[str, Any]]:
    return layer.waterfall(WaterfallQuestion.model_validate(question)).rows


def totals(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int, float]]:
    return {r["bucket"]: (r["deals"], r["count"], r["amount"]) for r in rows}


def assert_identity(rows: list[dict[str, Any]]) -> None:
    flows = [r for r in rows if r["bucket"] != "end"]
    end = next(r for r in rows if r["bucket"] == "end")
    assert sum(r["count"] for r in flows) == end["count"]
    assert sum(r["amount"] for r in flows) == pytest.approx(end["amount"], abs=0.005)


def test_every_bucket_against_the_hand_count(wf_layer: SemanticLayer) -> None:
    rows = waterfall(wf_layer)
    assert [r["bucket"] for r in rows] == list(EXPECTED)
    assert [r["order"] for r in rows] == list(range(1, 13))
    assert totals(rows) == EXPECTED
    assert_identity(rows)


@pytest.mark.parametrize("bucket", list(MEMBERS))
def test_the_deals_of_each_bucket(wf_layer: SemanticLayer, bucket: str) -> None:
    rows = waterfall(wf_layer, deals=bucket)
    assert [int(r["id"]) for r in rows] == MEMBERS[bucket]
    assert {r["bucket"] for r in rows} <= {bucket}


def test_deal_details_before_and_after(wf_layer: SemanticLayer) -> None:
    """205: negotiation 8 000 closing 11-15 at t0, won 9 000 on 11-10; 210 did not exist at t0."""
    won = {int(r["id"]): r for r in waterfall(wf_layer, deals="won")}
    assert (won[205]["amount_before"], won[205]["amount_after"]) == (8_000, 9_000)
    assert (won[205]["close_date_before"][:10], won[205]["close_date_after"][:10]) == ("2025-11-15", "2025-11-10")
    assert (won[205]["stage_before"], won[205]["stage_after"]) == ("negotiation", "closed_won")
    assert (won[210]["amount_before"], won[210]["stage_before"], won[210]["amount_after"]) == (None, None, 4_000)


def test_proof_cases(wf_layer: SemanticLayer) -> None:
    """Backdated row (214 starts at its 09-20 amount 13 000), equal timestamps (215: the later stage wins, so
    won), no history rows (212 in at both, 213 created), stage before the first row (222 in the start)."""
    start = {int(r["id"]): r for r in waterfall(wf_layer, deals="start")}
    assert start[214]["amount_before"] == 13_000 and start[214]["stage_before"] == "proposal"
    assert start[222]["stage_before"] == "proposal" and start[212]["amount_before"] == 3_000
    won = {int(r["id"]): r for r in waterfall(wf_layer, deals="won")}
    assert won[215]["stage_after"] == "closed_won"


def test_by_a_parent_dimension(wf_layer: SemanticLayer) -> None:
    """Deals 201-211 belong to the Enterprise account, 212-224 to the SMB one (hand split of the table)."""
    rows = waterfall(wf_layer, dimensions=["account.segment"])
    enterprise = totals([r for r in rows if r["account.segment"] == "Enterprise"])
    smb = totals([r for r in rows if r["account.segment"] == "SMB"])
    assert enterprise == {
        "start": (7, 7, 113_000), "created": (2, 2, 9_000), "reopened": (1, 1, 6_000), "pulled_in": (1, 1, 7_000),
        "pushed_in": (0, 0, 0), "increased": (2, 0, 6_000), "decreased": (1, 0, -6_000), "won": (3, -3, -28_000),
        "lost": (1, -1, -12_000), "pushed_out": (1, -1, -18_000), "pulled_out": (0, 0, 0), "end": (6, 6, 77_000)}
    assert smb == {
        "start": (5, 5, 46_500), "created": (2, 2, 4_000), "reopened": (0, 0, 0), "pulled_in": (1, 1, 3_500),
        "pushed_in": (1, 1, 4_200), "increased": (0, 0, 0), "decreased": (1, 0, -2_000), "won": (1, -1, -9_000),
        "lost": (1, -1, -3_500), "pushed_out": (1, -1, -1_500), "pulled_out": (1, -1, -5_500), "end": (5, 5, 36_700)}
    for segment in ("Enterprise", "SMB"):
        assert_identity([r for r in rows if r["account.segment"] == segment])


def test_a_filter_on_a_current_dimension(wf_layer: SemanticLayer) -> None:
    """Core deals are the odd ids: start 201 203 205 207 215 217 = 80 500; end 201 203 209 211 213 = 47 500."""
    rows = totals(waterfall(wf_layer, filters=[{"dimension": "opportunity.product", "op": "eq", "value": "Core"}]))
    assert rows["start"] == (6, 6, 80_500)
    assert rows["end"] == (5, 5, 47_500)


def test_instants_are_exact(wf_layer: SemanticLayer) -> None:
    """215's two changes are at 2025-10-12 10:00: a change at exactly t1 counts, one after it does not."""
    window = {"from": "2025-10-01", "to": "2025-12-31"}
    before = waterfall(wf_layer, close_range=window, to="2025-10-12T09:59:59", deals="won")
    assert before == []
    at = waterfall(wf_layer, close_range=window, to="2025-10-12T10:00:00", deals="won")
    assert [int(r["id"]) for r in at] == [215]
    zoned = waterfall(wf_layer, close_range=window, to="2025-10-12T12:00:00+02:00", deals="won")  # 10:00 UTC
    assert [int(r["id"]) for r in zoned] == [215]
    # t0 as a date is the start of that day: 202's 10-20 11:00 increase is in a flow from 10-20, not from 10-21
    assert [int(r["id"]) for r in waterfall(wf_layer, start="2025-10-20", deals="increased")] == [202, 205]
    assert [int(r["id"]) for r in waterfall(wf_layer, start="2025-10-21", deals="increased")] == [205]


def test_a_past_window_ends_at_its_last_day(wf_layer: SemanticLayer) -> None:
    """Q3 2025 (close dates July-September), t0 = 1 July, t1 = end of 30 September. In at t0 (created before
    July, open, close date in Q3): 211 (6 000, 09-15) and 224 (4 200, 09-20). 211 lost 09-10; 217 (created 05-01,
    close 10-20) never in Q3; 219 won 09-28 with close date 10-05: never in. End: 224 only."""
    rows = totals(waterfall(wf_layer, close_range={"relative": "last_quarter"}))
    assert rows["start"] == (2, 2, 10_200)
    assert rows["lost"] == (1, -1, -6_000)
    assert rows["end"] == (1, 1, 4_200)


def test_refusals(wf_layer: SemanticLayer) -> None:
    with pytest.raises(SemanticError) as bad:
        waterfall(wf_layer, start="2025-11-20", to="2025-11-01")
    assert bad.value.code == "E_BAD_TIME_RANGE"
    with pytest.raises(SemanticError) as bad:
        waterfall(wf_layer, to="9999-12-31")
    assert bad.value.code == "E_BAD_TIME_RANGE"
    with pytest.raises(SemanticError) as bad:
        waterfall(wf_layer, history="opportunity")
    assert bad.value.code == "E_NO_HISTORY"
    with pytest.raises(SemanticError) as bad:
        waterfall(wf_layer, amount="amount_usd")
    assert bad.value.code == "E_UNKNOWN_DIMENSION" and "amount" in bad.value.message
    with pytest.raises(SemanticError) as bad:
        waterfall(wf_layer, dimensions=["activity.activity_type"])
    assert bad.value.code == "E_FANOUT"


def test_states_agree_with_the_as_of_step(wf_layer: SemanticLayer) -> None:
    """The waterfall reads t0 and t1 from the validity spans; the as-of module's own StateAt step must give
    every listed deal the same amount, close date and stage at both instants."""
    defs = wf_layer.definitions
    log = require_log(defs, "opportunity")
    listed = [r for bucket in MEMBERS for r in waterfall(wf_layer, deals=bucket)]
    for bound, side in ((datetime(2025, 10, 1), "before"), (datetime(2025, 11, 16), "after")):
        statement = RENDERERS[StateAt](Context(defs, wf_layer.dialect), StateAt("state", log, bound))
        with engine_for(wf_layer.database_url).connect() as conn:
            state = {int(r.opportunity_id): (float(r.amount), str(r.close_date)[:10], r.stage)
                     for r in conn.execute(statement)}
        for row in listed:
            if row[f"stage_{side}"] is not None:
                assert state[int(row["id"])] == (row[f"amount_{side}"], row[f"close_date_{side}"][:10],
                                                 row[f"stage_{side}"]), (row["id"], side)
            else:
                assert int(row["id"]) not in state  # not created yet


def test_the_answer_says_which_instants_and_window_it_read(wf_layer: SemanticLayer) -> None:
    default = wf_layer.waterfall(WaterfallQuestion())
    assert default.columns[0].note == "from the start of 2025-10-01 to the end of 2025-11-15, close dates " \
                                      "2025-10-01 to 2025-12-31"
    past = wf_layer.waterfall(WaterfallQuestion.model_validate({"close_range": {"relative": "last_quarter"}}))
    assert past.columns[0].note == "from the start of 2025-07-01 to the end of 2025-09-30, close dates " \
                                   "2025-07-01 to 2025-09-30"


def test_a_future_window_from_an_earlier_start(wf_layer: SemanticLayer) -> None:
    """Q1 2026 from 1 October: in at t0 208 (7 000, close 2026-01-31), 218 (2 200), 220 (3 500). By 15 November
    208 moved to 12-01 (pulled out), 220 was lost, 207 moved from 12-15 into Q1 (pushed in, 18 000), 221 was
    created into Q1 (1 500) and 223 created (800, close 2026-02-01) then lost: in and out."""
    rows = totals(waterfall(wf_layer, close_range={"relative": "next_quarter"}, start="2025-10-01"))
    assert rows == {
        "start": (3, 3, 12_700), "created": (2, 2, 2_300), "reopened": (0, 0, 0), "pulled_in": (0, 0, 0),
        "pushed_in": (1, 1, 18_000), "increased": (0, 0, 0), "decreased": (0, 0, 0), "won": (0, 0, 0),
        "lost": (2, -2, -4_300), "pushed_out": (0, 0, 0), "pulled_out": (1, -1, -7_000), "end": (3, 3, 21_700)}
    with pytest.raises(SemanticError) as refused:
        waterfall(wf_layer, close_range={"relative": "next_quarter"})
    assert refused.value.code == "E_BAD_TIME_RANGE" and "needs an earlier --from" in refused.value.hint
