"""The waterfall on the pipeline-lakehouse export, against a hand count made with Python's csv module.

The mapping declares stage_change as the opportunity's change log: only the stage changes there, so amount
and close date are the current row's (the answer's note says so), and the export's history_id orders
changes made at the same instant (23 such pairs). The hand count below replays the CSV rows in plain
Python, independent of the layer and of SQL.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from semantic.waterfall import WaterfallQuestion
from tests.external.conftest import export_dir
from tests.external.hand_counts import LakehouseCounts, read

OPEN = {"Prospecting", "Qualification", "Proposal", "Negotiation"}
OUTS = ("won", "lost", "pushed_out", "pulled_out")


def _close(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date() if "/" in text else date.fromisoformat(text)


def hand_waterfall(t0: datetime, t1: datetime, first: date, last: date) -> dict[str, tuple[int, int, float]]:
    """Buckets per docs/waterfall.md, replayed from the CSV rows (states are spans between changes)."""
    folder = export_dir("pipeline_lakehouse")
    counts = LakehouseCounts(folder)
    changes: dict[str, list[dict[str, str]]] = {}
    for row in read(folder / "opportunity_stage_history.csv"):
        changes.setdefault(row["opportunity_id"], []).append(row)
    out = {b: [0, 0.0] for b in ("start", "created", "reopened", "pulled_in", "pushed_in", "increased",
                                 "decreased") + OUTS + ("end",)}
    for key, opp in counts.opportunities.items():
        created = datetime.fromisoformat(opp["created_date"])
        if not created < t1:
            continue
        rows = sorted(changes.get(key, []), key=lambda r: (r["changed_at"], r["history_id"]))
        at = [datetime.fromisoformat(r["changed_at"]) for r in rows]
        spans = [(None, at[0] if rows else None, (rows[0]["from_stage"] or None) if rows else opp["stage"])]
        spans += [(at[i], at[i + 1] if i + 1 < len(rows) else None, r["to_stage"]) for i, r in enumerate(rows)]
        close, amount = _close(opp["expected_close_date"]), counts.amount(opp)
        window = first <= close <= last

        def stage_at(bound: datetime) -> str | None:
            [held] = [s for vf, vt, s in spans if (vf is None or vf < bound) and (vt is None or vt >= bound)]
            return held

        existed = created < t0
        s0, s1 = stage_at(t0) if existed else None, stage_at(t1)
        in0, in1 = existed and s0 in OPEN and window, s1 in OPEN and window
        passed = window and any(s in OPEN and (vf is None or vf < t1) and (vf is None or vt is None or vf < vt)
                                and (vt is None or (vt > t0 and vt > created)) for vf, vt, s in spans)
        if in0:
            out["start"][0] += 1
            out["start"][1] += amount
        if in1:
            out["end"][0] += 1
            out["end"][1] += amount
        if not in0 and (in1 or passed):
            name = "created" if not existed else "reopened" if s0 not in OPEN else \
                "pushed_in" if close < first else "pulled_in"
            out[name][0] += 1
            out[name][1] += amount
        if not in1 and (in0 or passed):
            name = "won" if s1 == "Closed Won" else "lost" if s1 not in OPEN else \
                "pulled_out" if close < first else "pushed_out"
            out[name][0] += 1
            out[name][1] -= amount
    return {b: (n, -n if b in OUTS else 0 if b in ("increased", "decreased") else n, a)
            for b, (n, a) in out.items()}


@pytest.mark.parametrize("first, last", [(date(2024, 10, 1), date(2024, 12, 31)),
                                         (date(2025, 1, 1), date(2025, 3, 31)),
                                         (date(2024, 4, 1), date(2024, 9, 30))])
def test_waterfall_matches_the_csv_replay(layer_for, first: date, last: date) -> None:
    lakehouse_layer = layer_for("pipeline_lakehouse")
    question = WaterfallQuestion.model_validate({
        "close_range": {"from": first.isoformat(), "to": last.isoformat()}, "close_date": "expected_close_date"})
    result = lakehouse_layer.waterfall(question)
    got = {r["bucket"]: (r["deals"], r["count"], r["amount"]) for r in result.rows}
    t0 = datetime.combine(first, time.min)  # t0: the start of the window's first day
    t1 = datetime.combine(last + timedelta(days=1), time.min)  # t1: the end of its last day (a past window)
    hand = hand_waterfall(t0, t1, first, last)
    assert {b: v[:2] for b, v in got.items()} == {b: v[:2] for b, v in hand.items()}
    assert {b: v[2] for b, v in got.items()} == pytest.approx({b: v[2] for b, v in hand.items()}, abs=0.01)
    assert hand["start"][0] > 50 and hand["won"][0] > 10 and hand["created"][0] > 10  # real movement
    assert any("expected_close_date" in (c.note or "") for c in result.columns)  # current values, said so
