"""Query benchmark: the layer's SQL against hand-written SQL for the same question, same database, same run.

The design's speed bar is a ratio, not a wall-clock number: for each representative question, the SQL the
layer compiles and an equivalent query a careful analyst would write run on ONE DuckDB connection to a
demo ledger (after asserting both return the same numbers), warm-up first, then the median of repeats.
Compile time is reported separately: a full compile (plan, statement, SQL text) and the memoised
`layer.compile` a repeated question costs.

    .venv/bin/python -m bench.bench_queries [--scale 50] [--repeat 5] [--only NAME]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa

from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.ledger.load import demo_ledger_present, write_demo
from semantic.question import FunnelQuestion, Question
from semantic.plan.funnel import build_funnel_plan
from semantic.plan.resolve import build_plan
from semantic.plan.waterfall import build_waterfall_plan
from semantic.sql.compiler import compile_plan
from semantic.waterfall import WaterfallQuestion

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
AS_OF = date(2025, 11, 15)  # the ledger's 'today' and the layer's: relative ranges below assume it
SEED = 42

# (name, question, hand-written DuckDB SQL returning the same rows in the same order -- the layer's output
# is ordered by period then dimensions, so a fair hand-written report query orders too; dates spelt out
# for AS_OF)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("totals", {"metrics": ["bookings", "won_deals", "win_rate"]}, """
        select sum(amount) filter (where is_won), count(*) filter (where is_won),
               count(*) filter (where is_won)::double / nullif(count(*) filter (where is_closed), 0)
        from opportunities"""),
    ("segment_by_quarter_spine", {
        "metrics": ["bookings", "open_pipeline"], "dimensions": ["account.segment"], "grain": "quarter",
        "time_range": {"from": "2024-01-01", "to": "2025-12-31"}}, """
        with won as (select date_trunc('quarter', o.closed_at)::date as p, a.segment, sum(o.amount) as v
                     from opportunities o left join accounts a on a.account_id = o.account_id
                     where o.is_won and o.closed_at >= date '2024-01-01' and o.closed_at < date '2026-01-01'
                     group by all),
             open as (select date_trunc('quarter', o.close_date)::date as p, a.segment, sum(o.amount) as v
                      from opportunities o left join accounts a on a.account_id = o.account_id
                      where not o.is_closed and o.close_date >= date '2024-01-01'
                        and o.close_date < date '2026-01-01' group by all),
             segments as (select segment from won union select segment from open)
        select q.p, s.segment, coalesce(won.v, 0), coalesce(open.v, 0)
        from (select unnest(generate_series(date '2024-01-01', date '2025-10-01', interval 3 month))::date as p) q
        cross join segments s
        left join won on won.p = q.p and won.segment is not distinct from s.segment
        left join open on open.p = q.p and open.segment is not distinct from s.segment
        order by 1, 2"""),
    ("two_entities_by_segment", {"metrics": ["bookings", "activities"], "dimensions": ["account.segment"]}, """
        with b as (select a.segment, sum(o.amount) as v from opportunities o
                   left join accounts a on a.account_id = o.account_id where o.is_won group by 1),
             n as (select a.segment, count(*) as v from activities x
                   left join accounts a on a.account_id = x.account_id group by 1)
        select coalesce(b.segment, n.segment), coalesce(b.v, 0), coalesce(n.v, 0)
        from b full join n on b.segment is not distinct from n.segment
        order by 1"""),
    ("filters_on_joined_entities", {
        "metrics": ["bookings", "won_deals"], "dimensions": ["opportunity.product"],
        "time_range": {"from": "2025-01-01", "to": "2025-12-31"},
        "filters": [{"dimension": "account.segment", "op": "in", "values": ["Enterprise", "Mid-Market"]},
                    {"dimension": "account.region", "op": "neq", "value": "EMEA"}]}, """
        select o.product, sum(o.amount), count(*) from opportunities o
        join accounts a on a.account_id = o.account_id
        where o.is_won and o.closed_at >= date '2025-01-01' and o.closed_at < date '2026-01-01'
          and a.segment in ('Enterprise', 'Mid-Market') and a.region is distinct from 'EMEA'
        group by 1 order by 1"""),
    ("win_rate_by_product_fiscal_quarter", {
        "metrics": ["win_rate", "bookings"], "dimensions": ["opportunity.product"], "grain": "fiscal_quarter",
        "time_range": {"relative": "this_fiscal_year"}}, """
        with agg as (select date_trunc('quarter', closed_at)::date as p, product,
                            count(*) filter (where is_won) as won, count(*) filter (where is_closed) as closed,
                            sum(amount) filter (where is_won) as booked
                     from opportunities
                     where closed_at >= date '2025-01-01' and closed_at < date '2026-01-01' group by all)
        select q.p, d.product, coalesce(agg.won, 0)::double / nullif(coalesce(agg.closed, 0), 0),
               coalesce(agg.booked, 0)
        from (select unnest(generate_series(date '2025-01-01', date '2025-10-01', interval 3 month))::date as p) q
        cross join (select distinct product from agg) d
        left join agg on agg.p = q.p and agg.product is not distinct from d.product
        order by 1, 2"""),
    ("new_logos_per_year", {
        "metrics": ["new_logos"], "grain": "year", "time_range": {"from": "2023-01-01", "to": "2025-12-31"}}, """
        with first_win as (select account_id, min(closed_at) as f from opportunities
                           where is_won and account_id is not null group by 1)
        select y.p, count(first_win.account_id)
        from (select unnest(generate_series(date '2023-01-01', date '2025-01-01', interval 1 year))::date as p) y
        left join first_win on date_trunc('year', first_win.f)::date = y.p
        group by 1 order by 1"""),
    ("weighted_pipeline_by_forecast_category", {
        "metrics": ["open_pipeline", "weighted_pipeline"], "dimensions": ["opportunity.forecast_category"],
        "time_range": {"relative": "this_quarter"}}, """
        select forecast_category, sum(amount),
               sum(amount * case stage when 'prospecting' then 0.05 when 'qualification' then 0.10
                   when 'discovery' then 0.25 when 'proposal' then 0.50 when 'negotiation' then 0.80 end)
        from opportunities
        where not is_closed and close_date >= date '2025-10-01' and close_date < date '2026-01-01'
        group by 1 order by 1"""),
    ("activity_coverage_by_source", {
        "metrics": ["activities", "activity_opportunity_coverage"], "dimensions": ["activity.source_system"],
        "time_range": {"relative": "last_90_days"}}, """
        select source_system, count(*), count(opportunity_id)::double / count(*)
        from activities where occurred_at >= date '2025-08-18' and occurred_at < date '2025-11-16'
        group by 1 order by 1"""),
    ("derived_metric_by_team", {
        "metrics": ["bookings_per_won_deal_check", "avg_deal_size"], "dimensions": ["rep.team"],
        "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}, """
        select r.team, sum(o.amount)::double / nullif(count(*), 0), avg(o.amount)
        from opportunities o left join reps r on r.rep_id = o.owner_rep_id
        where o.is_won and o.closed_at >= date '2025-01-01' and o.closed_at < date '2026-01-01'
        group by 1 order by 1"""),
    ("activity_trend_by_week", {
        "metrics": ["activities", "meetings"], "grain": "week", "time_range": {"relative": "last_12_weeks"}}, """
        with w as (select date_trunc('week', occurred_at)::date as p, count(*) as n,
                          count(*) filter (where activity_type = 'meeting') as m
                   from activities where occurred_at >= date '2025-08-24' and occurred_at < date '2025-11-16'
                   group by 1)
        select s.p, coalesce(w.n, 0), coalesce(w.m, 0)
        from (select unnest(generate_series(date '2025-08-18', date '2025-11-10', interval 7 day))::date as p) s
        left join w on w.p = s.p
        order by 1"""),
    ("bookings_qtd_by_month", {
        "metrics": ["bookings_qtd"], "grain": "month", "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}, """
        with m as (select date_trunc('month', closed_at)::date as p, sum(amount) as v from opportunities
                   where is_won and closed_at >= date '2025-01-01' and closed_at < date '2026-01-01' group by 1)
        select s.p, sum(coalesce(m.v, 0)) over (partition by date_trunc('quarter', s.p) order by s.p)
        from (select unnest(generate_series(date '2025-01-01', date '2025-12-01', interval 1 month))::date as p) s
        left join m on m.p = s.p
        order by 1"""),
    ("pipeline_created_90d_by_week", {  # weeks of Q3 2025; each week's 90 days end on its Sunday (Sep 30 at most)
        "metrics": ["pipeline_created_90d"], "grain": "week",
        "time_range": {"from": "2025-07-01", "to": "2025-09-30"}}, """
        with d as (select created_at::date as d, sum(amount) as v from opportunities
                   where created_at >= date '2025-04-08' and created_at < date '2025-10-01' group by 1),
             w as (select p, least(p + 6, date '2025-09-30') as e from (select unnest(generate_series(
                       date '2025-06-30', date '2025-09-29', interval 7 day))::date as p))
        select w.p, coalesce(sum(d.v), 0) from w left join d on d.d between w.e - 89 and w.e
        group by 1 order by 1"""),
    ("bookings_growth_yoy_by_quarter", {  # Q4 2025 holds today: like for like, Oct 1 - Nov 15 of both years
        "metrics": ["bookings", "bookings_growth_yoy"], "grain": "quarter",
        "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}, """
        with cur as (select date_trunc('quarter', closed_at)::date as p, sum(amount) as v from opportunities
                     where is_won and closed_at >= date '2025-01-01' and closed_at < date '2025-11-16' group by 1),
             prev as (select (date_trunc('quarter', closed_at) + interval 1 year)::date as p, sum(amount) as v
                      from opportunities
                      where is_won and closed_at >= date '2024-01-01' and closed_at < date '2024-11-16' group by 1)
        select q.p, coalesce(cur.v, 0), (coalesce(cur.v, 0) - coalesce(prev.v, 0))::double / nullif(prev.v, 0)
        from (select unnest(generate_series(date '2025-01-01', date '2025-10-01', interval 3 month))::date as p) q
        left join cur on cur.p = q.p left join prev on prev.p = q.p
        order by 1"""),
    ("pipeline_share_by_type_per_quarter", {  # every deal type has pipeline in every quarter: no empty cells
        "metrics": ["pipeline_created"], "dimensions": ["opportunity.type"], "grain": "quarter", "share_of": [],
        "time_range": {"from": "2024-01-01", "to": "2025-09-30"}}, """
        with t as (select date_trunc('quarter', created_at)::date as p, type, sum(amount) as v from opportunities
                   where created_at >= date '2024-01-01' and created_at < date '2025-10-01' group by 1, 2)
        select p, type, v, v::double / sum(v) over (partition by p) from t order by 1, 2"""),
    ("pipeline_by_forecast_category_as_of", {  # ties on changed_at broken by stage order, as the layer does;
        # arg_max(to_stage, changed_at) is ~2.5x faster but picks any of the changes at a tied instant
        "metrics": ["open_pipeline", "weighted_pipeline"], "dimensions": ["opportunity.forecast_category"],
        "as_of": "2025-10-01"}, """
        with ranked as (select opportunity_id, to_stage, amount, row_number() over (partition by opportunity_id
                          order by changed_at desc, case to_stage when 'prospecting' then 1 when 'qualification'
                          then 2 when 'discovery' then 3 when 'proposal' then 4 when 'negotiation' then 5
                          when 'closed_won' then 6 when 'closed_lost' then 7 end desc) as rn
                        from opportunity_stage_history where changed_at < timestamp '2025-10-02')
        select case l.to_stage when 'proposal' then 'best_case' when 'negotiation' then 'commit' else 'pipeline' end,
               sum(l.amount),
               sum(l.amount * case l.to_stage when 'prospecting' then 0.05 when 'qualification' then 0.10
                   when 'discovery' then 0.25 when 'proposal' then 0.5 when 'negotiation' then 0.8 end)
        from ranked l join opportunities o on o.opportunity_id = l.opportunity_id and l.rn = 1
        where o.created_at < timestamp '2025-10-02' and l.to_stage not in ('closed_won', 'closed_lost')
        group by 1 order by 1"""),
    ("open_pipeline_each_week_end", {  # weeks of Q3 2025, each read at its Sunday's end; ties as above
        "metrics": ["open_pipeline"], "grain": "week", "time_range": {"from": "2025-07-01", "to": "2025-09-30"},
        "as_of_each": "end"}, """
        with spans as (select to_stage, amount, changed_at as valid_from,
                              lead(changed_at) over (partition by opportunity_id order by changed_at,
                                  case to_stage when 'prospecting' then 1 when 'qualification' then 2
                                  when 'discovery' then 3 when 'proposal' then 4 when 'negotiation' then 5
                                  when 'closed_won' then 6 when 'closed_lost' then 7 end) as valid_to
                       from opportunity_stage_history),
             w as (select unnest(generate_series(date '2025-06-30', date '2025-09-29', interval 7 day))::date as p)
        select w.p, coalesce(sum(s.amount), 0) from w
        left join spans s on s.valid_from < w.p + 7 and (s.valid_to is null or s.valid_to >= w.p + 7)
                         and s.to_stage not in ('closed_won', 'closed_lost')
        group by 1 order by 1"""),
    ("pipeline_waterfall_this_quarter", {"waterfall": {}}, """
        with s0 as (select opportunity_id as id, arg_max(to_stage, changed_at) as stage,
                           arg_max(amount, changed_at) as amount, arg_max(close_date, changed_at) as cd
                    from opportunity_stage_history where changed_at < timestamp '2025-10-01' group by 1),
             s1 as (select opportunity_id as id, arg_max(to_stage, changed_at) as stage,
                           arg_max(amount, changed_at) as amount, arg_max(close_date, changed_at) as cd
                    from opportunity_stage_history where changed_at < timestamp '2025-11-16' group by 1),
             spans as (select opportunity_id as id, to_stage as stage, close_date as cd, changed_at,
                              lead(changed_at) over (partition by opportunity_id order by changed_at) as until
                       from opportunity_stage_history),
             passed as (select distinct id from spans
                        where changed_at < timestamp '2025-11-16'
                          and (until is null or until > timestamp '2025-10-01')
                          and stage not in ('closed_won', 'closed_lost')
                          and cd between date '2025-10-01' and date '2025-12-31'),
             d as (select o.opportunity_id as id,
                          s0.id is not null and o.created_at < timestamp '2025-10-01' as existed,
                          s0.stage as stage0, s0.amount as a0, s0.cd as cd0, s1.stage as stage1,
                          s1.amount as a1, s1.cd as cd1, p.id is not null as passed
                   from opportunities o join s1 on s1.id = o.opportunity_id
                   left join s0 on s0.id = o.opportunity_id left join passed p on p.id = o.opportunity_id
                   where o.created_at < timestamp '2025-11-16'),
             f as (select *, coalesce(existed and stage0 not in ('closed_won', 'closed_lost')
                                      and cd0 between date '2025-10-01' and date '2025-12-31', false) as in0,
                          coalesce(stage1 not in ('closed_won', 'closed_lost')
                                   and cd1 between date '2025-10-01' and date '2025-12-31', false) as in1,
                          coalesce(a0, 0) as x0, coalesce(a1, 0) as x1 from d),
             b as (select *, case when not in0 and (in1 or passed) then
                                  case when not existed then 'created'
                                       when stage0 in ('closed_won', 'closed_lost') then 'reopened'
                                       when cd0 < date '2025-10-01' then 'pushed_in' else 'pulled_in' end end as b_in,
                             case when not in1 and (in0 or passed) then
                                  case when stage1 = 'closed_won' then 'won'
                                       when stage1 = 'closed_lost' then 'lost'
                                       when cd1 < date '2025-10-01' then 'pulled_out' else 'pushed_out' end end as b_out
                   from f)
        select 'start', 1, count(*) filter (where in0), count(*) filter (where in0),
               coalesce(sum(x0) filter (where in0), 0) from b
        union all select k, o, count(*) filter (where b_in = k), count(*) filter (where b_in = k),
               coalesce(sum(x1) filter (where b_in = k), 0)
            from b, (values ('created', 2), ('reopened', 3), ('pulled_in', 4), ('pushed_in', 5)) v(k, o) group by k, o
        union all select 'increased', 6, count(*) filter (where in0 and x1 > x0), 0,
               coalesce(sum(x1 - x0) filter (where in0 and x1 > x0), 0) from b
        union all select 'decreased', 7, count(*) filter (where in0 and x1 < x0), 0,
               coalesce(sum(x1 - x0) filter (where in0 and x1 < x0), 0) from b
        union all select k, o, count(*) filter (where b_out = k), -count(*) filter (where b_out = k),
               -coalesce(sum(x1) filter (where b_out = k), 0)
            from b, (values ('won', 8), ('lost', 9), ('pushed_out', 10), ('pulled_out', 11)) v(k, o) group by k, o
        union all select 'end', 12, count(*) filter (where in1), count(*) filter (where in1),
               coalesce(sum(x1) filter (where in1), 0) from b
        order by 2"""),
    ("lead_to_mql_30d_by_month", {  # cohorts from October on: their 30 days end on or after today (null rate)
        "metrics": ["lead_to_mql_30d", "lead_mqls_30d"], "grain": "month",
        "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}, """
        with c as (select date_trunc('month', created_at)::date as p, count(*) as n,
                          count(*) filter (where status <> 'disqualified' and mql_at is not null
                                           and mql_at::date >= created_at::date
                                           and mql_at::date <= created_at::date + 30) as k
                   from leads where status <> 'duplicate' and created_at >= date '2025-01-01'
                     and created_at < date '2026-01-01' group by 1)
        select s.p, case when s.p < date '2025-10-01' then coalesce(c.k, 0)::double / nullif(c.n, 0) end,
               coalesce(c.k, 0)
        from (select unnest(generate_series(date '2025-01-01', date '2025-12-01', interval 1 month))::date as p) s
        left join c on c.p = s.p
        order by 1"""),
    ("lead_to_opportunity_90d_by_segment", {  # through the lead's contact's account; Q3 and Q4 are still open
        "metrics": ["lead_to_opportunity_90d"], "dimensions": ["account.segment"], "grain": "quarter",
        "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}, """
        with l as (select l.lead_id, date_trunc('quarter', l.created_at)::date as p, l.created_at::date as d,
                          c.account_id, a.segment
                   from leads l left join contacts c on c.contact_id = l.contact_id
                   left join accounts a on a.account_id = c.account_id
                   where l.status <> 'duplicate' and l.created_at >= date '2025-01-01'
                     and l.created_at < date '2026-01-01'),
             hits as (select distinct l.lead_id from l join opportunities o on o.account_id = l.account_id
                      and o.created_at::date >= l.d and o.created_at::date <= l.d + 90)
        select l.p, l.segment,
               case when l.p < date '2025-07-01' then count(hits.lead_id)::double / count(*) end
        from l left join hits on hits.lead_id = l.lead_id
        group by 1, 2 order by 1, 2 nulls last"""),
    ("proposal_to_won_by_quarter", {  # first entry into proposal, won within 180 days; open from Q2 2025 on
        "metrics": ["proposal_to_won"], "grain": "quarter",
        "time_range": {"from": "2024-01-01", "to": "2025-12-31"}}, """
        with f as (select opportunity_id, min(changed_at)::date as d from opportunity_stage_history
                   where to_stage = 'proposal' group by 1),
             w as (select distinct f.opportunity_id from f join opportunity_stage_history h
                   on h.opportunity_id = f.opportunity_id and h.to_stage = 'closed_won'
                   and h.changed_at::date >= f.d and h.changed_at::date <= f.d + 180)
        select date_trunc('quarter', f.d)::date,
               case when max(f.d) < date '2025-04-01' then count(w.opportunity_id)::double / count(*) end
        from f left join w on w.opportunity_id = f.opportunity_id
        where f.d >= date '2024-01-01' and f.d < date '2026-01-01'
        group by 1 order by 1"""),
    ("bookings_over_threshold_by_product_quarter", {  # a metric-value filter: kept after aggregation
        "metrics": ["bookings", "win_rate"], "dimensions": ["opportunity.product"], "grain": "quarter",
        "time_range": {"from": "2024-01-01", "to": "2025-12-31"},
        "filters": [{"metric": "bookings", "op": "gt", "value": 40_000_000}]}, """
        select date_trunc('quarter', closed_at)::date, product, sum(amount) filter (where is_won),
               count(*) filter (where is_won)::double / nullif(count(*) filter (where is_closed), 0)
        from opportunities where closed_at >= date '2024-01-01' and closed_at < date '2026-01-01'
        group by all having sum(amount) filter (where is_won) > 40000000 order by 1, 2"""),
    ("big_open_deals_without_recent_activity", {  # a metric per entity: no activity in the last 14 days
        "metrics": ["open_pipeline", "open_deals"], "dimensions": ["account.segment"],
        "filters": [{"metric": "activities", "by": "opportunity", "op": "eq", "value": 0,
                     "time_range": {"relative": "last_14_days"}},
                    {"dimension": "opportunity.amount", "op": "gt", "value": 100000}]}, """
        select a.segment, sum(o.amount), count(*) from opportunities o
        left join accounts a on a.account_id = o.account_id
        where not o.is_closed and o.amount > 100000 and not exists (
            select 1 from activities x where x.opportunity_id = o.opportunity_id
            and x.occurred_at >= date '2025-11-02' and x.occurred_at < date '2025-11-16')
        group by 1 order by 1"""),
    ("lead_funnel_2025", {"funnel": "lead_funnel", "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}, """
        with l as (select *, status <> 'disqualified' and mql_at is not null and mql_at::date >= created_at::date
                             and mql_at::date <= created_at::date + 30 as m
                   from leads where status <> 'duplicate' and created_at >= date '2025-01-01'
                     and created_at < date '2026-01-01'),
             c as (select count(*) as s1, count(*) filter (where m) as s2,
                          count(*) filter (where m and status <> 'disqualified' and sql_at is not null
                                           and sql_at::date >= mql_at::date and sql_at::date <= mql_at::date + 30)
                            as s3 from l)
        select 1, 'Leads', s1, null::double, s1::double / nullif(s1, 0) from c
        union all select 2, 'MQL within 30 days', s2, s2::double / nullif(s1, 0), s2::double / nullif(s1, 0) from c
        union all select 3, 'SQL within 30 days of MQL', s3, s3::double / nullif(s2, 0), s3::double / nullif(s1, 0)
        from c order by 1"""),
]


def ledger(scale: float) -> Path:
    """The scale-N demo ledger, built once under bench/.data/ (written to a temp name, then renamed)."""
    path = DATA / f"ledger-scale{scale:g}-seed{SEED}.duckdb"
    if path.exists() and demo_ledger_present(f"duckdb:///{path}"):
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.duckdb")
    partial.unlink(missing_ok=True)
    print(f"building the scale-{scale:g} demo ledger in {path} (one-off) ...", flush=True)
    counts = write_demo(f"duckdb:///{partial}", scale=scale, seed=SEED, as_of=AS_OF)
    os.replace(partial, path)
    print("  " + ", ".join(f"{name} {rows:,}" for name, rows in counts.items()), flush=True)
    return path


def _normal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()[:10]
    return value


def _rows(result: sa.CursorResult) -> list[tuple]:
    return sorted((tuple(_normal(v) for v in row) for row in result), key=repr)


def same_numbers(left: list[tuple], right: list[tuple]) -> bool:
    """Same rows (order ignored), floats equal to 1e-9 relative (sums in another order round differently)."""
    if len(left) != len(right):
        return False
    for a_row, b_row in zip(left, right):
        for a, b in zip(a_row, b_row, strict=True):
            if isinstance(a, float) or isinstance(b, float):
                if a is None or b is None or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif a != b:
                return False
    return True


def median_ms(run: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def compile_ms(run: Callable[[], Any], budget_s: float = 0.5) -> float:
    """Median time of `run` over as many runs as fit in the budget (at least 20), after one warm-up."""
    run()
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < 20 or time.perf_counter() < deadline:
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def compile_times(layer: SemanticLayer, question: Question | FunnelQuestion) -> tuple[float, float]:
    """(full compile, memoised layer.compile): a question the layer has not seen vs one it has.

    `layer.compile` memoises per question, so timing it alone would measure a dict lookup; the full
    compile calls what it calls on a miss (plan, SQLAlchemy statement) and renders the SQL text too.
    """
    funnel = isinstance(question, FunnelQuestion)

    def full() -> str:
        plan = build_funnel_plan(layer.definitions, layer.graph, question, AS_OF) if funnel else \
            build_plan(layer.definitions, layer.graph, question, AS_OF)  # type: ignore[arg-type]
        return compile_plan(layer.definitions, plan, layer.dialect).sql

    memo = (lambda: layer.compile_funnel(question)) if funnel else (lambda: layer.compile(question))
    return compile_ms(full), compile_ms(memo)  # type: ignore[arg-type]


def compiled_case(layer: SemanticLayer, spec: dict[str, Any]) -> tuple[Any, Callable[[], tuple[float, float]]]:
    """A case's compiled SQL and how to time its compile (full, memoised): a metric question, a funnel
    (`{"funnel": ...}`, a FunnelQuestion) or a pipeline waterfall (`{"waterfall": {...}}`, a WaterfallQuestion)."""
    if "waterfall" in spec:
        question = WaterfallQuestion.model_validate(spec["waterfall"])

        def full() -> str:
            plan = build_waterfall_plan(layer.definitions, layer.graph, question, AS_OF)
            return compile_plan(layer.definitions, plan, layer.dialect).sql

        return layer.compile_waterfall(question), \
            lambda: (compile_ms(full), compile_ms(lambda: layer.compile_waterfall(question)))
    if "funnel" in spec:
        funnel_question = FunnelQuestion.model_validate(spec)
        return layer.compile_funnel(funnel_question), lambda: compile_times(layer, funnel_question)
    metric_question = Question.model_validate(spec)
    return layer.compile(metric_question), lambda: compile_times(layer, metric_question)


Row = tuple[str, float, float, float, float, float]  # name, layer ms, hand ms, ratio, compile ms, memo ms


def bench(scale: float, repeat: int, only: str | None) -> list[Row]:
    path = ledger(scale)
    layer = SemanticLayer.open(REPO, f"duckdb:///{path}", ExecutionSettings(today=AS_OF))
    engine = sa.create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
    table = []
    with engine.connect() as conn:
        for name, spec, hand_sql in CASES:
            if only and only not in name:
                continue
            compiled, compile_both = compiled_case(layer, spec)
            text, args = compiled.driver_sql(conn.dialect)  # exactly what semantic/execute.py sends

            def run_layer() -> list[tuple]:
                return _rows(conn.exec_driver_sql(text, args))

            def run_hand() -> list[tuple]:
                return _rows(conn.exec_driver_sql(hand_sql))

            layer_rows, hand_rows = run_layer(), run_hand()  # also the warm-up run of each
            if not layer_rows or not same_numbers(layer_rows, hand_rows):
                raise SystemExit(f"{name}: the layer and the hand-written SQL disagree (or return nothing)\n"
                                 f"layer: {layer_rows[:5]}\nhand:  {hand_rows[:5]}")
            layer_ms, hand_ms = [], []
            for _ in range(repeat):  # interleaved, so drift (caches, turbo) hits both sides alike
                layer_ms.append(median_ms(run_layer, 1))
                hand_ms.append(median_ms(run_hand, 1))
            lm, hm = statistics.median(layer_ms), statistics.median(hand_ms)
            table.append((name, lm, hm, lm / hm, *compile_both()))
            print(f"  {name}: done", flush=True)
    engine.dispose()
    return table


def report(table: list[Row], scale: float, repeat: int) -> None:
    print(f"\nscale {scale:g}, median of {repeat} runs after a warm-up, DuckDB, one connection "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: a busy machine blurs small ratios)")
    print(f"{'question':<40} {'layer ms':>9} {'hand ms':>9} {'ratio':>6} {'compile ms':>11} {'memo ms':>8}")
    for name, lm, hm, ratio, cm, mm in table:
        print(f"{name:<40} {lm:>9.1f} {hm:>9.1f} {ratio:>6.2f} {cm:>11.2f} {mm:>8.3f}")
    ratios = [row[3] for row in table]
    compiles = [row[4] for row in table]
    print(f"\nmedian ratio {statistics.median(ratios):.2f} (goal < 1.10); worst {max(ratios):.2f}; "
          f"compile median {statistics.median(compiles):.2f} ms, worst {max(compiles):.2f} ms (goal < 5 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=50.0, help="demo ledger scale (50: 2.5M activities)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query after the warm-up")
    parser.add_argument("--only", help="run only the questions whose name contains this text")
    args = parser.parse_args()
    report(bench(args.scale, args.repeat, args.only), args.scale, args.repeat)


if __name__ == "__main__":
    main()
