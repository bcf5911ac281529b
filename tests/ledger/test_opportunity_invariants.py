"""Opportunities and their stage history, checked with SQL over the DuckDB-loaded small ledger."""
from __future__ import annotations

import duckdb

from tests.ledger.conftest import AS_OF, scalar

ORDERED = """
    select h.*, row_number() over w as pos, count(*) over (partition by h.opportunity_id) as n,
           lag(h.to_stage) over w as prev_to, lag(h.changed_at) over w as prev_at
    from opportunity_stage_history h
    window w as (partition by h.opportunity_id order by h.changed_at)
"""


def test_history_replays_to_the_current_stage(duck: duckdb.DuckDBPyConnection) -> None:
    sql = f"with o as ({ORDERED}) select count(*) from o where (pos = 1) <> (from_stage is null)" \
          " or (pos > 1 and from_stage <> prev_to)"
    assert scalar(duck, sql) == 0
    last = f"with o as ({ORDERED}) select count(*) from opportunities p left join o" \
           " on o.opportunity_id = p.opportunity_id and o.pos = o.n where o.to_stage is distinct from p.stage"
    assert scalar(duck, last) == 0


def test_transitions_follow_the_glossary_order(duck: duckdb.DuckDBPyConnection) -> None:
    kinds = dict(duck.execute("""
        select case
          when f.name is null then 'start'
          when f.is_won then 'from_won'
          when f.name = t.name then 'self'
          when t.is_closed then 'close'
          when f.is_closed then 'reopen'
          when t.ord = f.ord + 1 then 'next'
          when t.ord > f.ord + 1 then 'skip'
          else 'slip' end as kind, count(*)
        from opportunity_stage_history h
        join stage_list t on t.name = h.to_stage
        left join stage_list f on f.name = h.from_stage
        group by 1""").fetchall())
    assert "from_won" not in kinds
    moves = sum(kinds.values()) - kinds["start"] - kinds["self"]  # self: amount or close date, no stage move
    assert kinds["next"] > 0.5 * (moves - kinds["close"])
    assert 0 < kinds["skip"] < kinds["next"] and 0 < kinds["slip"] < 0.15 * moves and kinds.get("reopen", 0) > 0
    assert scalar(duck, "select count(*) from opportunity_stage_history where from_stage = 'closed_lost'"
                        " and to_stage in (select name from stage_list where is_closed)") == 0


def test_change_times_increase_within_the_deal(duck: duckdb.DuckDBPyConnection) -> None:
    sql = f"""with o as ({ORDERED})
        select count(*) from o join opportunities p using (opportunity_id)
        where o.changed_at <= o.prev_at or o.changed_at < p.created_at
           or o.changed_at > coalesce(p.closed_at, ?::timestamp)
           or (o.pos = 1 and o.changed_at <> p.created_at)
           or (o.pos = o.n and p.is_closed and o.changed_at <> p.closed_at)
           or o.changed_by not in (select rep_id from reps)"""
    assert scalar(duck, sql, AS_OF) == 0


def test_flags_match_the_stage_list(duck: duckdb.DuckDBPyConnection) -> None:
    sql = """select count(*) from opportunities o left join stage_list s on s.name = o.stage
             where s.name is null or o.is_closed <> s.is_closed or o.is_won <> s.is_won
                or o.forecast_category <> s.forecast_category"""
    assert scalar(duck, sql) == 0
    assert scalar(duck, "select count(distinct stage) from opportunities") == 7


def test_closing_fields(duck: duckdb.DuckDBPyConnection) -> None:
    bad = """select count(*) from opportunities where (closed_at is null) = is_closed
               or (is_closed and close_date <> cast(closed_at as date))
               or (loss_reason is not null) <> (is_closed and not is_won)
               or loss_reason not in ('price','competitor','no_decision','timing','product_fit')
               or (loss_reason = 'competitor' and competitor is null)
               or type not in ('new_business','expansion','renewal')
               or product not in ('Core Platform','Analytics','Integrations','Premium Support')
               or lead_source not in ('inbound','outbound','partner','event','referral')
               or amount <= 0"""
    assert scalar(duck, bad) == 0
    assert 0.2 < scalar(duck, "select avg((competitor is not null)::int) from opportunities") < 0.8
    open_soon = """select avg((close_date > ? and close_date <= ?::date + interval 183 day)::int)
                   from opportunities where not is_closed"""
    assert scalar(duck, open_soon, AS_OF, AS_OF) > 0.6


def test_expansions_only_after_a_win_and_new_logos_exist(duck: duckdb.DuckDBPyConnection) -> None:
    prior_win = """exists (select 1 from opportunities w where w.account_id = o.account_id and w.is_won
                   and w.closed_at < o.created_at)"""
    assert scalar(duck, f"select count(*) from opportunities o where (type <> 'new_business') <> ({prior_win})") == 0
    assert scalar(duck, "select count(distinct account_id) from opportunities where is_won") > 20
    assert scalar(duck, "select count(*) from opportunities where type = 'expansion' and is_won") > 5
    assert scalar(duck, "select count(*) from opportunities where type = 'renewal'") > 5


def test_segment_drives_size_and_cycle(duck: duckdb.DuckDBPyConnection) -> None:
    rows = duck.execute("""
        select a.segment, median(o.amount), median(date_diff('day', o.created_at, o.closed_at))
        from opportunities o join accounts a using (account_id)
        where o.is_closed and o.type = 'new_business' group by 1""").fetchall()
    by = {segment: (amount, days) for segment, amount, days in rows}
    assert by["SMB"][0] < by["Mid-Market"][0] < by["Enterprise"][0]
    assert by["SMB"][1] < by["Mid-Market"][1] < by["Enterprise"][1]


def test_wins_spike_at_quarter_end(duck: duckdb.DuckDBPyConnection) -> None:
    share = scalar(duck, """select avg((date_diff('day', cast(closed_at as date),
                             last_day(date_trunc('quarter', closed_at) + interval 2 month)) < 10)::int)
                            from opportunities where is_won""")
    assert share > 0.25  # ten days out of ~91 would be 0.11 without the spike


def test_history_amounts_and_close_dates_end_at_the_current_values(duck: duckdb.DuckDBPyConnection) -> None:
    sql = f"""with o as ({ORDERED}) select count(*) from o join opportunities p using (opportunity_id)
              where o.pos = o.n and (o.amount <> p.amount or o.close_date <> p.close_date)"""
    assert scalar(duck, sql) == 0
    assert scalar(duck, "select count(*) from opportunities where opportunity_id not in"
                        " (select opportunity_id from opportunity_stage_history)") == 0
