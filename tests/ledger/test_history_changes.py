"""Changes of amount and close date in the stage history: they replay to the current row, happen inside the
deal's life, and come at the rates the generator's docstring states (checked with SQL on the small ledger)."""
from __future__ import annotations

import duckdb

from tests.ledger.conftest import AS_OF, scalar

ORDERED = """
    select h.*, row_number() over w as pos, count(*) over (partition by h.opportunity_id) as n,
           lag(h.to_stage) over w as prev_to, lag(h.amount) over w as prev_amount,
           lag(h.close_date) over w as prev_close
    from opportunity_stage_history h
    window w as (partition by h.opportunity_id order by h.changed_at)
"""


def test_changes_without_a_stage_move_change_something(duck: duckdb.DuckDBPyConnection) -> None:
    bad = f"""with o as ({ORDERED}) select count(*) from o where from_stage = to_stage
              and amount = prev_amount and close_date = prev_close"""
    assert scalar(duck, bad) == 0
    closed_then = f"""with o as ({ORDERED}) select count(*) from o
                      where from_stage = to_stage and to_stage in ('closed_won', 'closed_lost')"""
    assert scalar(duck, closed_then) == 0  # nobody edits a deal while it is closed


def test_replaying_values_gives_the_current_row(duck: duckdb.DuckDBPyConnection) -> None:
    """The state after the last change is the opportunity's current stage, amount and close date."""
    sql = f"""with o as ({ORDERED}) select count(*) from opportunities p
              left join o on o.opportunity_id = p.opportunity_id and o.pos = o.n
              where o.to_stage is distinct from p.stage or o.amount is distinct from p.amount
                 or o.close_date is distinct from p.close_date"""
    assert scalar(duck, sql) == 0


def test_changes_happen_while_the_deal_lives(duck: duckdb.DuckDBPyConnection) -> None:
    sql = f"""with o as ({ORDERED}) select count(*) from o join opportunities p using (opportunity_id)
              where o.from_stage = o.to_stage and (o.changed_at <= p.created_at
                 or o.changed_at >= coalesce(p.closed_at, ?::timestamp))"""
    assert scalar(duck, sql, AS_OF) == 0
    assert scalar(duck, "select count(*) from opportunity_stage_history where amount <= 0 or close_date is null") == 0


def test_rates_of_pushes_pull_ins_and_amount_changes(duck: duckdb.DuckDBPyConnection) -> None:
    """Per opportunity: pushed at least once 30-60%, pulled in 8-30%, amount changed 20-50%; pushes outnumber
    pull-ins; some deals are pushed several times; about a third of open deals have been pushed."""
    shares = duck.execute(f"""with o as ({ORDERED}), per as (
            select opportunity_id, count(*) filter (where close_date > prev_close) as pushes,
                   count(*) filter (where close_date < prev_close) as pulls,
                   count(*) filter (where amount <> prev_amount) as amounts
            from o group by 1)
        select avg((pushes > 0)::int), avg((pulls > 0)::int), avg((amounts > 0)::int),
               sum(pushes) / sum(pulls), avg((pushes > 1)::int),
               avg((pushes > 0)::int) filter (where not p.is_closed)
        from per join opportunities p using (opportunity_id)""").fetchone()
    pushed, pulled, amount, pushes_per_pull, several, open_pushed = shares
    assert 0.3 < pushed < 0.6 and 0.08 < pulled < 0.3 and 0.2 < amount < 0.5
    assert pushes_per_pull > 2 and several > 0.05 and 0.2 < open_pushed < 0.45
