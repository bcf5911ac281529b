"""Boolean filter trees, metric-value filters, per-entity metric filters and per-metric ranges, each against
hand-written SQL on the same database (DuckDB and PostgreSQL), on the small ledger and on the demo ledger.

The hand SQL is written the plain way (IS NULL / <> for `not`, HAVING for a metric condition, NOT EXISTS for
"no activity"), not the way the layer compiles it.
"""
from __future__ import annotations

from typing import Any

import pytest

from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question, parse_where
from tests.correctness.helpers import ask, by, hand_sql

WON = "from opportunities o left join accounts ac on ac.account_id = o.account_id where o.is_won"
ACTIVITY = "from activities a left join accounts ac on ac.account_id = a.account_id"
SEGMENTS = ("Enterprise", "Mid-Market", "SMB", None)


def where(text: str) -> list[dict[str, Any]]:
    return [node.model_dump(by_alias=True) for node in parse_where(text)]


def hand_by_segment(layer: SemanticLayer, sql: str) -> dict[Any, float]:
    """{segment: value} of a hand-written `select value ... {segment condition}` per segment, 0 for none."""
    out = {}
    for segment in SEGMENTS:
        condition = "ac.segment is null" if segment is None else f"ac.segment = '{segment}'"
        out[segment] = hand_sql(layer, sql.format(segment=condition)) or 0
    return out


def test_or_across_the_account_and_the_deal_is_decided_per_row(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", dimensions=("account.segment",),
               filters=where("account.segment = 'SMB' or opportunity.product = 'Core'"))
    hand = hand_by_segment(layer, f"select sum(o.amount) {WON} and ({{segment}}) "
                                  "and (ac.segment = 'SMB' or o.product = 'Core')")
    assert by(rows, "account.segment", "bookings") == {k: v for k, v in hand.items() if v}


def test_not_keeps_rows_whose_value_is_missing(layer: SemanticLayer) -> None:
    rows = ask(layer, "activities", dimensions=("account.segment",),
               filters=where("not (account.segment = 'SMB' or account.segment = 'Enterprise')"))
    hand = hand_by_segment(layer, f"select count(*) {ACTIVITY} where ({{segment}}) "
                                  "and (ac.segment is null or ac.segment not in ('SMB', 'Enterprise'))")
    assert by(rows, "account.segment", "activities") == {k: v for k, v in hand.items() if v}
    assert None in by(rows, "account.segment", "activities")  # the activities with no segment are kept


def test_nested_groups_and_the_leaf_list(layer: SemanticLayer) -> None:
    text = "(opportunity.type = 'new_business' or opportunity.amount >= 10000) and not opportunity.product = 'Core'"
    value = ask(layer, "bookings", filters=where(text))[0]["bookings"]
    assert value == hand_sql(layer, f"select coalesce(sum(o.amount), 0) {WON} and "
                                    "(o.type = 'new_business' or o.amount >= 10000) and o.product <> 'Core'")


def test_metric_condition_keeps_answer_rows_and_changes_no_number(layer: SemanticLayer) -> None:
    everything = ask(layer, "bookings", "win_rate", "activities", dimensions=("account.segment",))
    kept = ask(layer, "bookings", "win_rate", "activities", dimensions=("account.segment",),
               filters=where("bookings > 5000"))
    hand = hand_by_segment(layer, f"select sum(o.amount) {WON} and ({{segment}})")
    assert 0 < len(kept) < len(everything)
    assert {r["account.segment"] for r in kept} == {s for s, v in hand.items() if v > 5000}
    assert kept == [r for r in everything if r["account.segment"] in {s for s, v in hand.items() if v > 5000}]


def test_metric_condition_with_a_grain_and_a_dimension_condition(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", grain="month", time_range={"from": "2025-01-01", "to": "2025-12-31"},
               filters=where("bookings >= 5000 and account.segment <> 'SMB'"))
    with_hand = {}
    for month in range(1, 13):
        value = hand_sql(layer, f"select coalesce(sum(o.amount), 0) {WON} and (ac.segment is null or "
                                f"ac.segment <> 'SMB') and o.closed_at >= '2025-{month:02d}-01' and o.closed_at < "
                                f"'{2025 + month // 12}-{month % 12 + 1:02d}-01'")
        if value >= 5000:
            with_hand[f"2025-{month:02d}-01"] = value
    assert 0 < len(with_hand) < 12 and {r["period"]: r["bookings"] for r in rows} == with_hand


def test_metric_conditions_combine_with_or(layer: SemanticLayer) -> None:
    rows = ask(layer, "bookings", "win_rate", dimensions=("account.segment",),
               filters=where("bookings >= 30000 or win_rate < 0.5"))
    won = hand_by_segment(layer, f"select count(*) {WON} and ({{segment}})")
    closed = hand_by_segment(layer, "select count(*) from opportunities o left join accounts ac on "
                                    "ac.account_id = o.account_id where o.is_closed and ({segment})")
    amount = hand_by_segment(layer, f"select sum(o.amount) {WON} and ({{segment}})")
    expected = {s for s in SEGMENTS if amount[s] >= 30000 or closed[s] and won[s] / closed[s] < 0.5}
    assert 0 < len(expected) < len(SEGMENTS) and {r["account.segment"] for r in rows} == expected


def test_deals_without_activity_per_entity(layer: SemanticLayer) -> None:
    rows = ask(layer, "opportunities_created", "pipeline_created",
               filters=where("metric(activities, by=opportunity) = 0"))
    hand = "from opportunities o where not exists (select 1 from activities a " \
           "where a.opportunity_id = o.opportunity_id)"
    deals = hand_sql(layer, f"select count(*) {hand}")
    assert 0 < deals < hand_sql(layer, "select count(*) from opportunities")
    assert rows == [{"opportunities_created": deals,
                     "pipeline_created": hand_sql(layer, f"select coalesce(sum(o.amount), 0) {hand}")}]


def test_per_entity_metric_over_its_own_range_under_or(layer: SemanticLayer) -> None:
    text = "metric(activities, by=opportunity, range=last_90_days) >= 1 or opportunity.product = 'Addon'"
    rows = ask(layer, "open_deals", filters=where(text))
    # today is 2025-11-15: the last 90 days are 2025-08-18 .. 2025-11-15
    assert rows[0]["open_deals"] == hand_sql(layer, """select count(*) from opportunities o where not o.is_closed
        and (o.product = 'Addon' or (select count(*) from activities a where a.opportunity_id = o.opportunity_id
             and a.occurred_at >= '2025-08-18' and a.occurred_at < '2025-11-16') >= 1)""")


def test_per_entity_metric_filters_another_entitys_rows(layer: SemanticLayer) -> None:
    rows = ask(layer, "activities", dimensions=("account.segment",),
               filters=where("metric(activities, by=opportunity) >= 3"))
    hand = hand_by_segment(layer, f"select count(*) {ACTIVITY} where ({{segment}}) and a.opportunity_id in "
                                  "(select opportunity_id from activities group by 1 having count(*) >= 3)")
    assert any(hand.values())
    assert by(rows, "account.segment", "activities") == {k: v for k, v in hand.items() if v}


def test_a_metric_over_its_own_range_beside_one_over_the_questions(layer: SemanticLayer) -> None:
    rows = ask(layer, "open_pipeline", "activities", "bookings", dimensions=("account.segment",),
               time_range={"relative": "this_year"},
               metric_ranges=[{"metric": "activities", "time_range": {"relative": "last_90_days"}}])
    activities = hand_by_segment(layer, f"select count(*) {ACTIVITY} where ({{segment}}) and "
                                        "a.occurred_at >= '2025-08-18' and a.occurred_at < '2025-11-16'")
    bookings = hand_by_segment(layer, f"select sum(o.amount) {WON} and ({{segment}}) and "
                                      "o.closed_at >= '2025-01-01' and o.closed_at < '2026-01-01'")
    pipeline = hand_by_segment(layer, "select sum(o.amount) from opportunities o left join accounts ac on "
                                      "ac.account_id = o.account_id where not o.is_closed and ({segment}) and "
                                      "o.close_date >= '2025-01-01' and o.close_date < '2026-01-01'")
    for row in rows:
        segment = row["account.segment"]
        assert (row["activities"], row["bookings"], row["open_pipeline"]) == \
            (activities[segment], bookings[segment], pipeline[segment])
    assert {r["account.segment"] for r in rows} == {s for s in SEGMENTS
                                                   if activities[s] or bookings[s] or pipeline[s]}


@pytest.mark.parametrize("question, code", [
    ({"metrics": ["bookings", "activities"], "grain": "month", "time_range": {"relative": "this_year"},
      "metric_ranges": [{"metric": "activities", "time_range": {"relative": "last_90_days"}}]}, "E_METRIC_RANGE"),
    ({"metrics": ["bookings"], "metric_ranges": [{"metric": "activities", "time_range": {"relative": "today"}}]},
     "E_METRIC_RANGE"),
    ({"metrics": ["bookings_qtd"], "metric_ranges": [{"metric": "bookings_qtd",
                                                       "time_range": {"relative": "this_year"}}]}, "E_METRIC_RANGE"),
    ({"metrics": ["bookings"], "filters": where("bookings > 1 or account.segment = 'SMB'")}, "E_BAD_FILTER"),
    ({"metrics": ["bookings"], "filters": where("not (bookings > 1 and account.segment = 'SMB')")}, "E_BAD_FILTER"),
    ({"metrics": ["bookings"], "filters": where("bookings like '%1%'")}, "E_BAD_FILTER"),
    ({"metrics": ["bookings"], "filters": where("metric(activities, by=opportunity) = 'none'")}, "E_BAD_FILTER"),
    ({"metrics": ["bookings"], "filters": where("metric(bookings_qtd, by=account) > 1")}, "E_BAD_FILTER"),
    ({"metrics": ["bookings"], "filters": where("metric(activities, by=acount) > 1")}, "E_BAD_FILTER"),
])
def test_refusals(layer: SemanticLayer, question: dict, code: str) -> None:
    with pytest.raises(SemanticError) as info:
        layer.query(Question.model_validate(question))
    assert info.value.code == code and info.value.hint


def test_demo_ledger_deals_over_a_threshold_without_recent_activity(demo_layer: SemanticLayer) -> None:
    text = "metric(activities, by=opportunity, range=last_30_days) = 0 and opportunity.amount > 20000"
    rows = ask(demo_layer, "open_deals", "open_pipeline", dimensions=("account.segment",), filters=where(text))
    # the demo's today is 2025-06-30: the last 30 days are 2025-06-01 .. 2025-06-30
    hand = hand_by_segment(demo_layer, """select count(*) from opportunities o left join accounts ac
        on ac.account_id = o.account_id where not o.is_closed and o.amount > 20000 and ({segment}) and not exists
        (select 1 from activities a where a.opportunity_id = o.opportunity_id and a.occurred_at >= '2025-06-01'
         and a.occurred_at < '2025-07-01')""")
    assert by(rows, "account.segment", "open_deals") == {k: v for k, v in hand.items() if v}


def test_demo_ledger_metric_condition_changes_no_other_column(demo_layer: SemanticLayer) -> None:
    question = {"dimensions": ("opportunity.product",), "time_range": {"relative": "this_year"}}
    everything = ask(demo_layer, "bookings", "win_rate", "activities", **question)
    kept = ask(demo_layer, "bookings", "win_rate", "activities", filters=where("bookings >= 100000 or win_rate > 0.5"),
               **question)
    this_year = "closed_at >= '2025-01-01' and closed_at < '2026-01-01'"
    expected = set()
    for product in {r["opportunity.product"] for r in everything} - {None}:
        amount, won, closed = (hand_sql(demo_layer, f"""select {value} from opportunities where {condition}
            and product = '{product}' and {this_year}""") for value, condition in (
            ("coalesce(sum(amount), 0)", "is_won"), ("count(*)", "is_won"), ("count(*)", "is_closed")))
        if amount >= 100000 or closed and won / closed > 0.5:
            expected.add(product)
    assert expected and {r["opportunity.product"] for r in kept} == expected
    assert kept == [r for r in everything if r["opportunity.product"] in expected]


def test_metric_conditions_count_in_the_as_of_checks(history_layer: SemanticLayer) -> None:
    """A hidden metric of another entity is refused like a shown one (as of reads one entity's change log)."""
    for filters in (where("activities > 1"), where("metric(activities, by=opportunity) = 0")):
        with pytest.raises(SemanticError) as info:
            history_layer.query(Question(metrics=["open_pipeline"], as_of="2025-10-01", filters=filters))
        assert info.value.code == "E_AS_OF"


def test_a_condition_met_by_nothing_keeps_the_empty_periods(layer: SemanticLayer) -> None:
    """`bookings < 5000` holds for a month without bookings (0), so every such month of the range is shown;
    `bookings >= 5000` does not, and the answer holds only months with bookings (tested above)."""
    rows = ask(layer, "bookings", "win_rate", grain="month", time_range={"from": "2025-01-01", "to": "2025-12-31"},
               filters=where("bookings < 5000"))
    expected = {}
    for month in range(1, 13):
        start, end = f"2025-{month:02d}-01", f"{2025 + month // 12}-{month % 12 + 1:02d}-01"
        value = hand_sql(layer, f"select coalesce(sum(o.amount), 0) {WON} and o.closed_at >= '{start}' "
                                f"and o.closed_at < '{end}'")
        if value < 5000:
            expected[start] = value
    assert 0 in expected.values() and {r["period"]: r["bookings"] for r in rows} == expected


def test_per_entity_ratio_of_two_entities_and_its_negation(layer: SemanticLayer) -> None:
    """activities_per_open_opportunity per deal: its open-deal activities over 1 when open, NULL when closed
    (0 open deals), so `not` keeps the closed deals and the open ones under 2."""
    text = "metric(activities_per_open_opportunity, by=opportunity) >= 2"
    meets = ask(layer, "opportunities_created", filters=where(text))[0]["opportunities_created"]
    misses = ask(layer, "opportunities_created", filters=where(f"not ({text})"))[0]["opportunities_created"]
    hand = hand_sql(layer, """select count(*) from opportunities o where not o.is_closed and
        (select count(*) from activities a where a.opportunity_id = o.opportunity_id) >= 2""")
    assert 0 < hand and (meets, misses) == (hand, hand_sql(layer, "select count(*) from opportunities") - hand)


def test_per_entity_ratio_of_nothing_is_null(layer: SemanticLayer) -> None:
    """win_rate per account: NULL for an account without a closed deal, which meets no comparison."""
    rows = ask(layer, "activities", dimensions=("account.segment",),
               filters=where("metric(win_rate, by=account) >= 0.5"))
    hand = hand_by_segment(layer, f"""select count(*) {ACTIVITY} where ({{segment}}) and a.account_id in (
        select account_id from opportunities group by 1 having count(*) filter (where is_won) * 1.0
        / nullif(count(*) filter (where is_closed), 0) >= 0.5)""")
    assert any(hand.values()) and by(rows, "account.segment", "activities") == {k: v for k, v in hand.items() if v}


def test_demo_ledger_open_pipeline_beside_recent_activities(demo_layer: SemanticLayer) -> None:
    rows = ask(demo_layer, "open_pipeline", "activities", dimensions=("account.segment",),
               metric_ranges=[{"metric": "activities", "time_range": {"relative": "last_30_days"}}])
    pipeline = hand_by_segment(demo_layer, "select sum(o.amount) from opportunities o left join accounts ac on "
                                           "ac.account_id = o.account_id where not o.is_closed and ({segment})")
    activities = hand_by_segment(demo_layer, f"select count(*) {ACTIVITY} where ({{segment}}) and "
                                             "a.occurred_at >= '2025-06-01' and a.occurred_at < '2025-07-01'")
    assert all(activities.values()) and all(pipeline[s] for s in SEGMENTS if s)
    assert {r["account.segment"]: (r["open_pipeline"], r["activities"]) for r in rows} == \
        {s: (pipeline[s], activities[s]) for s in SEGMENTS if pipeline[s] or activities[s]}
