"""Every starter metric's grand total equals a hand count from the fixture AND hand-written SQL.

Hand counts refer to the tables in tests/fixtures/ledger_small.py (opportunity ids 101..115, activity ids
1..30, lead ids 1..15).
"""
from __future__ import annotations

from typing import NamedTuple

import pytest

from semantic.layer import SemanticLayer
from semantic.question import Question
from tests.correctness.helpers import ask, hand_sql, total

STAGE_PROBABILITY = ("case stage when 'prospecting' then 0.05 when 'qualification' then 0.10 "
                     "when 'discovery' then 0.25 when 'proposal' then 0.50 when 'negotiation' then 0.80 "
                     "when 'closed_won' then 1.0 else 0.0 end")


class Expected(NamedTuple):
    hand_count: float
    sql: str
    question: dict = {}  # comparisons need a time range


_NO_HISTORY = ("where not exists (select 1 from opportunity_stage_history h where h.opportunity_id = "
               "o.opportunity_id)")
_ENTRIES = ("select (select count(*) from opportunity_stage_history where to_stage = {s} and (from_stage is null or "
            "from_stage <> to_stage)) + (select count(*) from opportunities o " + _NO_HISTORY + " and stage = {s})")


def _in_period(b: str, a: str) -> str:
    return f"select 1.0 * ({_ENTRIES.format(s=b)}) / ({_ENTRIES.format(s=a)})"


_PROPOSAL_OR_BEYOND = "'proposal', 'negotiation', 'closed_won'"
# deals that entered stage a (a history row into it, or no history and in it now); of them, those with a change
# into b at or after that entry, or no history and already in b
_COHORT = ("select 1.0 * count(distinct case when r.opportunity_id is not null or e.stage in ({b}) then "
           "e.opportunity_id end) / count(distinct e.opportunity_id) from (select opportunity_id, changed_at as at, "
           "to_stage as stage from opportunity_stage_history where to_stage = {a} union all select opportunity_id, "
           "created_at, stage from opportunities o " + _NO_HISTORY + " and stage = {a}) e left join "
           "opportunity_stage_history r on r.opportunity_id = e.opportunity_id and r.changed_at >= e.at and "
           "r.to_stage in ({b})")
# each open deal's last stage change (its creation without history) and last linked activity up to today
_TOUCH = ("select o.stage, o.amount, coalesce((select max(changed_at) from opportunity_stage_history h where "
          "h.opportunity_id = o.opportunity_id), o.created_at) as last_change, (select max(occurred_at) from "
          "activities a where a.opportunity_id = o.opportunity_id and a.occurred_at < timestamp '2025-11-16 00:00:00') "
          "as last_activity from opportunities o where not o.is_closed")
_STALE = ("cast(case when last_activity > last_change then last_activity else last_change end as date) <= "
          "date '2025-11-15' - case when stage = 'negotiation' then 7 else 14 end")  # date - days: every engine
_PUSHES = ("select opportunity_id, close_date, previous from (select opportunity_id, close_date, lag(close_date) over "
           "(partition by opportunity_id order by changed_at) as previous from opportunity_stage_history) c "
           "where close_date > previous")

EXPECTED: dict[str, Expected] = {
    # open 111..115: 40k + 10k + 20k + 4k + 6k
    "open_pipeline": Expected(80_000, "select sum(amount) from opportunities where not is_closed"),
    # open 111..115
    "open_deals": Expected(5, "select count(*) from opportunities where not is_closed"),
    # 40k*0.8 + 10k*0.5 + 20k*0.25 + 4k*0.05 + 6k*0.10 = 32000 + 5000 + 5000 + 200 + 600
    "weighted_pipeline": Expected(
        42_800, f"select sum(amount * {STAGE_PROBABILITY}) from opportunities where not is_closed"),
    # won 70k + lost 70k + open 80k
    "pipeline_created": Expected(220_000, "select sum(amount) from opportunities"),
    # won 101..110: 10k + 5k + 30k + 8k + 2k + 12k + 3k
    "bookings": Expected(70_000, "select sum(amount) from opportunities where is_won"),
    # accounts with a won deal: Acme, Globex, Initech, Umbrella, Stark (110 has no account; Hooli never won)
    "new_logos": Expected(5, "select count(*) from (select account_id from opportunities "
                             "where is_won and account_id is not null group by account_id) firsts"),
    # 7 won of 10 closed
    "win_rate": Expected(0.7, "select sum(case when is_won then 1 else 0 end) * 1.0 / count(*) "
                              "from opportunities where is_closed"),
    # 70k won of 140k closed (lost: 50k + 4k + 16k)
    "win_rate_amount": Expected(0.5, "select sum(case when is_won then amount else 0 end) * 1.0 / sum(amount) "
                                     "from opportunities where is_closed"),
    # 70k / 7
    "avg_deal_size": Expected(10_000, "select avg(amount) from opportunities where is_won"),
    # days created -> closed of the won deals: 101: 81, 102: 231, 104: 153, 105: 75, 107: 87, 109: 94,
    # 110: 80; sum 801 over 7 deals
    "sales_cycle_days": Expected(801 / 7, "select avg(cast(closed_at as date) - cast(created_at as date)) "
                                          "from opportunities where is_won"),
    "won_deals": Expected(7, "select count(*) from opportunities where is_won"),
    # 103, 106, 108
    "lost_deals": Expected(3, "select count(*) from opportunities where is_closed and not is_won"),
    "opportunities_created": Expected(15, "select count(*) from opportunities"),
    "activities": Expected(30, "select count(*) from activities"),
    # activities 2, 7, 12, 16, 23, 29
    "meetings": Expected(6, "select count(*) from activities where activity_type = 'meeting' "
                            "and coalesce(status, '') <> 'cancelled'"),
    # activities on the open deals 111 (15, 16, 23), 112 (17, 24), 113 (18), 114 (19), 115 (20): 8 / 5 open
    "activities_per_open_opportunity": Expected(
        1.6, "select (select count(*) from activities a join opportunities o "
             "on o.opportunity_id = a.opportunity_id where not o.is_closed) * 1.0 / "
             "(select count(*) from opportunities where not is_closed)"),
    # unlinked: 5, 6, 9, 11, 21, 22, 25, 26, 27, 30 -> 20 of 30 are linked
    "activity_opportunity_coverage": Expected(
        20 / 30, "select count(opportunity_id) * 1.0 / count(*) from activities"),
    # no contact: 5, 6, 9, 14, 21, 22, 23, 27, 30
    "activity_contact_coverage": Expected(21 / 30, "select count(contact_id) * 1.0 / count(*) from activities"),
    # no account: 6, 9, 14, 22, 23, 30
    "activity_account_coverage": Expected(24 / 30, "select count(account_id) * 1.0 / count(*) from activities"),
    # 15 rows minus duplicates 4 and 11
    "leads": Expected(13, "select count(*) from leads where status <> 'duplicate'"),
    # mql_at set: 2, 3, 4, 5, 6, 8, 9, 10, 12, 14; minus disqualified 5 and 9 (duplicate 4 still counts)
    "mqls": Expected(8, "select count(*) from leads where mql_at is not null and status <> 'disqualified'"),
    # sql_at set: 3, 6, 9, 10, 14; minus disqualified 9
    "sqls": Expected(4, "select count(*) from leads where sql_at is not null and status <> 'disqualified'"),
    # leads (13) that are also MQLs: 2, 3, 6, 8, 10, 12, 14
    "lead_to_mql_rate": Expected(
        7 / 13, "select sum(case when mql_at is not null and status <> 'disqualified' then 1 else 0 end) * 1.0 "
                "/ count(*) from leads where status <> 'duplicate'"),
    # of the 7 lead-MQLs above, those that are also SQLs (sql_at set, not disqualified): 3, 6, 10, 14
    "mql_to_sql_rate": Expected(
        4 / 7, "select sum(case when sql_at is not null then 1 else 0 end) * 1.0 / count(*) from leads "
               "where status not in ('duplicate', 'disqualified') and mql_at is not null"),
    # open deals in negotiation (commit): 111 (40k)
    "commit_pipeline": Expected(40_000, "select sum(amount) from opportunities "
                                        "where not is_closed and stage = 'negotiation'"),
    # open deals in proposal (best case): 112 (10k)
    "best_case_pipeline": Expected(10_000, "select sum(amount) from opportunities "
                                           "where not is_closed and stage = 'proposal'"),
    # bookings 70k + commit 40k
    "forecast_commit": Expected(110_000, "select sum(amount) from opportunities "
                                         "where is_won or (not is_closed and stage = 'negotiation')"),
    # bookings 70k + commit 40k + best case 10k
    "forecast_best_case": Expected(120_000, "select sum(amount) from opportunities "
                                            "where is_won or (not is_closed and stage in ('negotiation', 'proposal'))"),
    # 2025 bookings 60k (102, 104, 105, 107, 109, 110) against 2024's 10k (101)
    "bookings_growth_yoy": Expected(
        5.0, "select (sum(amount) filter (where closed_at >= date '2025-01-01') - sum(amount) filter "
             "(where closed_at < date '2025-01-01')) * 1.0 / sum(amount) filter (where closed_at < date '2025-01-01') "
             "from opportunities where is_won and closed_at >= date '2024-01-01' and closed_at < date '2026-01-01'",
        {"time_range": {"from": "2025-01-01", "to": "2025-12-31"}}),
    # created in 2025: 105..115 = 125k; in 2024: 101..104 = 95k -> 30/95
    "pipeline_created_growth_yoy": Expected(
        30 / 95, "select (sum(amount) filter (where created_at >= date '2025-01-01') - sum(amount) filter "
                 "(where created_at < date '2025-01-01')) * 1.0 / sum(amount) filter (where created_at < "
                 "date '2025-01-01') from opportunities where created_at >= date '2024-01-01' "
                 "and created_at < date '2026-01-01'",
        {"time_range": {"from": "2025-01-01", "to": "2025-12-31"}}),
    # one value read on the range's last day (2025-05-20): the quarter from 2025-04-01 holds 105 (8k)
    "bookings_qtd": Expected(8_000, "select sum(amount) from opportunities where is_won and closed_at >= "
                                    "date '2025-04-01' and closed_at < date '2025-05-21'",
                             {"time_range": {"from": "2025-04-01", "to": "2025-05-20"}}),
    # read on 2025-03-31, the fiscal (= calendar) year from 2025-01-01, before the range: 102 + 104
    "bookings_fytd": Expected(35_000, "select sum(amount) from opportunities where is_won and closed_at >= "
                                      "date '2025-01-01' and closed_at < date '2025-04-01'",
                              {"time_range": {"from": "2025-03-01", "to": "2025-03-31"}}),
    # read on 2025-06-30, the 90 days from 2025-04-02: 108 (16k), 110 (3k), 115 (6k); 106 (04-01) is a day out
    "pipeline_created_90d": Expected(25_000, "select sum(amount) from opportunities where created_at >= "
                                             "date '2025-04-02' and created_at < date '2025-07-01'",
                                     {"time_range": {"from": "2025-06-01", "to": "2025-06-30"}}),
    # created 2025-01-01..06-30, duplicates out: 2 3 5 6 7 8 9; MQL within 30 days: 2 (15 d), 3 (24), 6 (7), 8 (12);
    # 5 and 9 disqualified, 7 never; June + 30 days closed before today, so the range's cohort is shown
    "lead_to_mql_30d": Expected(
        4 / 7, "select sum(case when status <> 'disqualified' and mql_at is not null and cast(mql_at as date) >= "
               "cast(created_at as date) and cast(mql_at as date) <= cast(created_at as date) + 30 then 1 else 0 "
               "end) * 1.0 / count(*) from leads where status <> 'duplicate' and created_at >= date '2025-01-01' "
               "and created_at < date '2025-07-01'",
        {"time_range": {"from": "2025-01-01", "to": "2025-06-30"}}),
    # every lead but duplicates 4, 11: 2, 3, 6, 8, 10 (14 d), 12 (16 d), 14 (8 d)
    "lead_mqls_30d": Expected(
        7, "select count(*) from leads where status not in ('duplicate', 'disqualified') and mql_at is not null "
           "and cast(mql_at as date) >= cast(created_at as date) and cast(mql_at as date) <= "
           "cast(created_at as date) + 30"),
    # MQL days 2025-01-01..10-31 (duplicate 4 in, disqualified 5, 9 out): 2 3 4 6 8 10 12; none became an SQL
    # within 14 days (3 after 17, 6 after 23, 10 after 17). All time it is null: 14's cohort is still open
    "mql_to_sql_14d": Expected(
        0.0, "select sum(case when sql_at is not null and cast(sql_at as date) >= cast(mql_at as date) and "
             "cast(sql_at as date) <= cast(mql_at as date) + 14 then 1 else 0 end) * 1.0 / count(*) from leads "
             "where mql_at is not null and status <> 'disqualified' and mql_at >= date '2025-01-01' "
             "and mql_at < date '2025-11-01'",
        {"time_range": {"from": "2025-01-01", "to": "2025-10-31"}}),
    # created 2025-01-01..07-31 (90 days closed by today): 2 3 5 6 7 8 9 10; 3 (Initech: 105 after 50 d and 106
    # after 81 d -> once) and 10 (Umbrella: 107 after 9 d) convert; 6 (Acme: 111 after 182 d) does not, the
    # others have no contact
    "lead_to_opportunity_90d": Expected(
        2 / 8, "select count(distinct case when o.opportunity_id is not null then l.lead_id end) * 1.0 / "
               "count(distinct l.lead_id) from leads l left join contacts c on c.contact_id = l.contact_id "
               "left join opportunities o on o.account_id = c.account_id and cast(o.created_at as date) >= "
               "cast(l.created_at as date) and cast(o.created_at as date) <= cast(l.created_at as date) + 90 "
               "where l.status <> 'duplicate' and l.created_at >= date '2025-01-01' "
               "and l.created_at < date '2025-08-01'",
        {"time_range": {"from": "2025-01-01", "to": "2025-07-31"}}),
    # entered proposal in 2024: 101 (2024-02-10, won 2024-03-31 after 50 d); 111 (2025-10-01) is out of the
    # range, and its 180 days are still open (all time, the total is null)
    "proposal_to_won": Expected(
        1.0, "select avg(case when exists (select 1 from opportunity_stage_history w where w.opportunity_id = "
             "p.opportunity_id and w.to_stage = 'closed_won' and cast(w.changed_at as date) >= p.entered and "
             "cast(w.changed_at as date) <= p.entered + 180) then 1.0 else 0 end) from (select opportunity_id, "
             "cast(min(changed_at) as date) as entered from opportunity_stage_history where to_stage = 'proposal' "
             "group by opportunity_id) p where p.entered < date '2025-01-01'",
        {"time_range": {"from": "2024-01-01", "to": "2024-12-31"}}),
    "bookings_per_won_deal_check": Expected(
        10_000, "select sum(amount) * 1.0 / count(*) from opportunities where is_won"),
    # Stage spells. ledger_small's history: 101 prospecting -> proposal -> closed_won, 103 prospecting ->
    # closed_lost, 111 prospecting -> proposal -> negotiation, 115 prospecting -> qualification (10 entries);
    # the 11 other deals have no history row: one spell each, in their current stage, from creation.
    "stage_entries": Expected(21, f"select (select count(*) from opportunity_stage_history where from_stage is null "
                                  f"or from_stage <> to_stage) + (select count(*) from opportunities o {_NO_HISTORY})"),
    # every spell but the current one of each of the 4 deals with history: 2 + 1 + 2 + 1
    "stage_exits": Expected(6, "select count(*) from opportunity_stage_history h where exists (select 1 from "
                               "opportunity_stage_history n where n.opportunity_id = h.opportunity_id and "
                               "n.changed_at > h.changed_at)"),
    # completed spells: 101 prospecting 31 days (Jan 10 -> Feb 10 2024), proposal 50 (Feb 10 -> Mar 31, leap
    # year); 103 prospecting 137 (Feb 15 -> Jul 1 2024); 111 prospecting 30, proposal 31; 115 prospecting 21
    "avg_days_in_stage": Expected(300 / 6, "select avg(d) from (select cast(lead(changed_at) over (partition by "
                                           "opportunity_id order by changed_at) as date) - cast(changed_at as date) "
                                           "as d from opportunity_stage_history) x where d is not null"),
    # open deals' current spells up to 2025-11-15: 111 negotiation since Nov 1 (14 days), 112 proposal since
    # its creation Aug 15 (92), 113 discovery since Oct 1 (45), 114 prospecting since Nov 1 (14), 115
    # qualification since Jul 1 (137)
    "avg_days_in_current_stage": Expected(302 / 5, "select avg(date '2025-11-15' - cast(coalesce((select "
                                                   "max(changed_at) from opportunity_stage_history h where "
                                                   "h.opportunity_id = o.opportunity_id), o.created_at) as date)) "
                                                   "from opportunities o where not is_closed"),
    # qualification: only 115, which never got further
    "qualification_to_proposal_cohort": Expected(0.0, _COHORT.format(a="'qualification'", b=_PROPOSAL_OR_BEYOND)),
    # proposal: 101 (won later), 111 (negotiation), 112 (no history, still in proposal)
    "proposal_to_won_cohort": Expected(1 / 3, _COHORT.format(a="'proposal'", b="'closed_won'")),
    # entries into proposal (101, 111, 112) / into qualification (115)
    "qualification_to_proposal_in_period": Expected(3.0, _in_period("'proposal'", "'qualification'")),
    # entries into closed_won: 101 (history) and 102, 104, 105, 107, 109, 110 (no history) / 3 into proposal
    "proposal_to_won_in_period": Expected(7 / 3, _in_period("'closed_won'", "'proposal'")),
    # Hygiene, today 2025-11-15. Open: 111 negotiation (stale after 7 days), last entry Nov 1, last activity
    # Oct 20 -> 14 days: stale; 112 created Aug 15, activity Oct 1 (Dec 1 is after today) -> 45: stale;
    # 113 created Oct 1, activity Oct 15 -> 31: stale; 114 activity Nov 3 -> 12 < 14; 115 activity Nov 10 -> 5
    # open today: 111..115
    "open_deals_by_last_activity": Expected(5, "select count(*) from opportunities where not is_closed"),
    "stale_deals": Expected(3, f"select count(*) from ({_TOUCH}) d where {_STALE}"),
    "stale_pipeline": Expected(70_000, f"select sum(amount) from ({_TOUCH}) d where {_STALE}"),
    # every history row of a deal carries the deal's one close date: nothing was pushed
    "slipped_deals": Expected(0, f"select count(distinct opportunity_id) from ({_PUSHES}) p where "
                                 "extract(year from close_date) * 4 + extract(quarter from close_date) > "
                                 "extract(year from previous) * 4 + extract(quarter from previous)"),
    "pushes": Expected(0, f"select count(*) from ({_PUSHES}) p"),
    # open and expected before Nov 15: 115 (Sep 30)
    "past_due_deals": Expected(1, "select count(*) from opportunities where not is_closed and close_date < "
                                  "date '2025-11-15'"),
    "past_due_pipeline": Expected(6_000, "select sum(amount) from opportunities where not is_closed and "
                                         "close_date < date '2025-11-15'"),
    # Ada 25k + 25k + 25k + 10k + 30k, Bo 20k + 20k + 20k + 10k
    "quota": Expected(185_000, "select sum(amount) from quotas"),
    # bookings 70k over all quotas 185k
    "quota_attainment": Expected(70 / 185, "select (select sum(amount) from opportunities where is_won) * 1.0 "
                                           "/ (select sum(amount) from quotas)"),
    # open 80k over what remains of the quota: 185k - 70k
    "pipeline_coverage": Expected(80 / 115, "select (select sum(amount) from opportunities where not is_closed) * 1.0"
                                            " / ((select sum(amount) from quotas) - (select sum(amount) "
                                            "from opportunities where is_won))"),
}


def test_every_starter_metric_is_covered(layer: SemanticLayer) -> None:
    """The table above lists exactly the metrics of the starter metrics.yaml (a new metric needs a check)."""
    assert set(EXPECTED) == set(layer.definitions.metrics)


@pytest.mark.parametrize("metric", sorted(EXPECTED))
def test_total_matches_hand_count_and_hand_sql(layer: SemanticLayer, metric: str) -> None:
    """With no grain, dimension or range, a metric is one row equal to the hand count and to hand SQL."""
    expected = EXPECTED[metric]
    assert hand_sql(layer, expected.sql) == pytest.approx(expected.hand_count)
    assert total(layer, metric, **expected.question) == pytest.approx(expected.hand_count)


def test_forecast_call_for_this_quarter(layer: SemanticLayer) -> None:
    """Q4 2025 (today 2025-11-15): won 107 (2k, Oct 5) and 109 (12k, Nov 3); commit 111 (40k, closes Dec 15);
    best case 112 (10k, closes Nov 30). Each part is placed in time by its own date."""
    row = layer.query(Question.from_saved(layer.saved_query("forecast_call"))).rows[0]
    assert row == {"bookings": 14_000, "commit_pipeline": 40_000, "best_case_pipeline": 10_000,
                   "forecast_commit": 54_000, "forecast_best_case": 64_000}


def test_activities_per_open_opportunity_in_a_quarter(layer: SemanticLayer) -> None:
    """Q4 2025 holds the expected close dates of open deals 111 (Dec 15: activities 15, 16, 23) and 112
    (Nov 30: activities 17, 24), whenever those activities happened (24 is on Dec 1): 5 / 2."""
    rows = ask(layer, "activities_per_open_opportunity",
               time_range={"from": "2025-10-01", "to": "2025-12-31"})
    assert rows == [{"activities_per_open_opportunity": pytest.approx(2.5)}]


def test_count_metrics_are_integers(layer: SemanticLayer) -> None:
    """Counts come back as whole numbers, not floats of a different value."""
    row = ask(layer, "won_deals", "activities", "leads")[0]
    assert row == {"won_deals": 7, "activities": 30, "leads": 13}
