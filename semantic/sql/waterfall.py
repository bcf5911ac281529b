"""SQL of the waterfall steps (semantic/plan/waterfall.py; the buckets are docs/waterfall.md's).

`deal_states` joins each deal's current row to its state at t0 and at t1 (the as-of steps' CTEs) and to
the spans it held in between, and decides its in- and out-bucket once, with CASE in the documented
precedence. The totals read that CTE once: one conditional count and sum per bucket in a single pass,
then one row per bucket (UNION ALL of the few aggregated rows), so the identity is a plain sum.
Bucket names are fixed words, written as SQL literals; every date and instant is a bound parameter.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.history import VALID_FROM, VALID_TO
from semantic.plan.steps import internal_name
from semantic.plan.waterfall import KEY, BucketDeals, DealStates, WaterfallTotals
from semantic.dialects import facts
from semantic.sql.filters import within_days
from semantic.sql.render import render
from semantic.waterfall import BUCKETS, Bucket

if TYPE_CHECKING:
    from semantic.sql.steps import Context

SPAN, NOW = "deal_span", "deal_now"  # the aliases of the spans (terms are rendered for it) and current rows


ONE, ZERO = sa.literal_column("1"), sa.literal_column("0")  # constants written in the SQL, not parameters


def _word(text: str) -> ColumnElement:
    return sa.literal_column(f"'{text}'")


def _holds(spans: sa.TableClause, bound: ColumnElement) -> ColumnElement:
    """Whether the span [valid_from, valid_to) holds the state just before `bound`: of a deal's spans
    (plan/history.py's `Intervals`) exactly one does, the one after its last change before the bound."""
    vf, vt = spans.c[VALID_FROM], spans.c[VALID_TO]
    return sa.and_(sa.or_(vf.is_(None), vf < bound), sa.or_(vt.is_(None), vt >= bound))


def _any(condition: ColumnElement, dialect: str) -> ColumnElement:
    """Whether any span of the deal meets the condition: `count(*) FILTER (WHERE c) > 0` where the dialect
    has FILTER (DuckDB plans it faster than CASE), else `max(CASE ...) = 1` (no bool_or on every engine)."""
    if facts(dialect).filter_clause:
        return sa.func.count().filter(condition) > ZERO
    return sa.func.max(sa.case((condition, ONE), else_=ZERO)) == ONE


def _value_at(condition: ColumnElement, value: ColumnElement, dialect: str) -> ColumnElement:
    """The value of the one span meeting `condition` (NULL when none does)."""
    if facts(dialect).filter_clause:
        return sa.func.max(value).filter(condition)
    return sa.func.max(sa.case((condition, value)))


def deal_states(ctx: Context, step: DealStates) -> sa.Select:
    """Per deal, one pass over its spans: which spans hold t0 and t1 (and their values) and whether a span
    inside the pipeline overlaps the flow; then its current row's dimensions and its two buckets."""
    defs, dialect, terms = ctx.defs, ctx.dialect, step.terms
    pk = defs.entities[step.entity].primary_key or ""
    spans = ctx.table(step.spans).alias(SPAN)
    start, end = sa.literal(step.t0, sa.DateTime), sa.literal(step.t1, sa.DateTime)
    vf, vt, created = spans.c[VALID_FROM], spans.c[VALID_TO], spans.c[step.spans.log.history.created_at]

    def over(text: str) -> ColumnElement:
        return render(text, SPAN, step.entity, defs, dialect)

    close = over(terms.close_date)
    inside = sa.and_(over(terms.open), within_days(close, *step.window, dialect))
    at0 = sa.and_(_holds(spans, start), sa.or_(created.is_(None), created < start))
    at1 = _holds(spans, end)
    flow = sa.and_(  # the span [vf, vt) meets [max(t0, created), t1): the deal had these values in the flow
        sa.or_(vf.is_(None), vf < end), sa.or_(vf.is_(None), vt.is_(None), vf < vt),
        sa.or_(vt.is_(None), sa.and_(vt > start, sa.or_(created.is_(None), vt > created))))
    stage = over(terms.stage) if terms.stage else sa.null()
    states = sa.select(
        spans.c[pk].label(KEY),
        _any(at0, dialect).label("existed"), _any(sa.and_(at0, inside), dialect).label("in_start"),
        _any(sa.and_(at1, inside), dialect).label("in_end"), _any(sa.and_(flow, inside), dialect).label("passed"),
        _any(sa.and_(at0, over(terms.open)), dialect).label("open_before"),
        _any(sa.and_(at1, over(terms.open)), dialect).label("open_after"),
        _any(sa.and_(at1, over(terms.won)), dialect).label("won_after"),
        _any(sa.and_(at0, close < step.window[0]), dialect).label("early_before"),
        _any(sa.and_(at1, close < step.window[0]), dialect).label("early_after"),
        _value_at(at0, over(terms.amount), dialect).label("amount_before"),
        _value_at(at1, over(terms.amount), dialect).label("amount_after"),
        _value_at(at0, close, dialect).label("close_date_before"),
        _value_at(at1, close, dialect).label("close_date_after"),
        _value_at(at0, stage, dialect).label("stage_before"), _value_at(at1, stage, dialect).label("stage_after"),
    ).where(sa.or_(created.is_(None), created < end), sa.or_(vt.is_(None), vt >= start),
            sa.or_(vf.is_(None), vf < end)).group_by(spans.c[pk]).subquery("deal_spans")  # spans meeting [t0, t1]

    rows = ctx.rows(step.current)
    dims = [internal_name(d.ref) for d in step.dimensions]
    now = sa.select(*[rows.columns[c].label(c) for c in [KEY] + dims]).select_from(rows.source) \
        .where(*rows.where).subquery(NOW)
    f = states.c
    entered = sa.and_(sa.not_(f.in_start), sa.or_(f.in_end, f.passed))
    left = sa.and_(sa.not_(f.in_end), sa.or_(f.in_start, f.passed))
    in_bucket = sa.case((entered, sa.case((sa.not_(f.existed), _word("created")),
                                          (sa.not_(f.open_before), _word("reopened")),
                                          (f.early_before, _word("pushed_in")), else_=_word("pulled_in"))))
    out_bucket = sa.case((left, sa.case((f.won_after, _word("won")), (sa.not_(f.open_after), _word("lost")),
                                        (f.early_after, _word("pulled_out")), else_=_word("pushed_out"))))
    return sa.select(now.c[KEY], *[now.c[c] for c in dims], f.in_start, f.in_end, in_bucket.label("in_bucket"),
                     out_bucket.label("out_bucket"), f.amount_before, f.amount_after, f.close_date_before,
                     f.close_date_after, f.stage_before, f.stage_after) \
        .select_from(now.join(states, states.c[KEY] == now.c[KEY])).where(sa.or_(f.in_start, f.in_end, f.passed))


def _member(deals: sa.TableClause, bucket: Bucket) -> ColumnElement:
    """Whether a deal row is in the bucket."""
    d = deals.c
    a0, a1 = sa.func.coalesce(d.amount_before, ZERO), sa.func.coalesce(d.amount_after, ZERO)
    if bucket.name == "start":
        return d.in_start
    if bucket.name == "end":
        return d.in_end
    if bucket.side == "change":
        return sa.and_(d.in_start, a1 > a0 if bucket.name == "increased" else a1 < a0)
    return (d.in_bucket if bucket.side == "in" else d.out_bucket) == _word(bucket.name)


def _signed_amount(deals: sa.TableClause, bucket: Bucket) -> ColumnElement:
    a0, a1 = sa.func.coalesce(deals.c.amount_before, ZERO), sa.func.coalesce(deals.c.amount_after, ZERO)
    return {"state": a0 if bucket.name == "start" else a1, "in": a1, "change": a1 - a0, "out": -a1}[bucket.side]


def waterfall_totals(ctx: Context, step: WaterfallTotals) -> sa.Select:
    """One pass over the deals counts and sums every bucket per slice (a CTE of a dozen columns per slice);
    one row per bucket is then read from it, in bucket order within each slice."""
    deals = ctx.table(step.input)
    dims = [internal_name(d.ref) for d in step.dimensions]
    sums = []
    for b in BUCKETS:
        member = _member(deals, b)
        sums += [sa.func.count(sa.case((member, ONE))).label(f"{b.name}__deals"),
                 sa.func.coalesce(sa.func.sum(sa.case((member, _signed_amount(deals, b)))), ZERO)
                 .label(f"{b.name}__amount")]
    wide = sa.select(*[deals.c[c] for c in dims], *sums).select_from(deals)
    if dims:
        wide = wide.group_by(*[sa.literal_column(str(i + 1)) for i in range(len(dims))])
    wide_cte = wide.cte("waterfall__by_bucket").prefix_with("/* deals and amount of every bucket, one pass */")
    sign = {"state": 1, "in": 1, "change": 0, "out": -1}
    rows = [sa.select(*[wide_cte.c[c].label(c) for c in dims], _word(b.name).label("bucket"),
                      sa.literal_column(str(b.order)).label("order"), wide_cte.c[f"{b.name}__deals"].label("deals"),
                      (wide_cte.c[f"{b.name}__deals"] * sign[b.side]).label("count"),
                      wide_cte.c[f"{b.name}__amount"].label("amount")) for b in BUCKETS]
    every = sa.union_all(*rows).subquery("buckets")
    names = dict(zip(dims, (d.ref for d in step.dimensions)))
    stmt = sa.select(*[every.c[c].label(names[c]) for c in dims], every.c.bucket, every.c.order, every.c.deals,
                     every.c["count"], every.c.amount).select_from(every)
    return stmt.order_by(*[every.c[c].asc().nulls_last() for c in dims], every.c.order)


def bucket_deals(ctx: Context, step: BucketDeals) -> sa.Select:
    """The deals of one bucket by key (as text: keys may be numbers or strings), with before/after values."""
    deals = ctx.table(step.input)
    bucket = next(b for b in BUCKETS if b.name == step.bucket)
    dims = [(internal_name(d.ref), d.ref) for d in step.dimensions]
    return sa.select(sa.cast(deals.c[KEY], sa.String).label("id"), *[deals.c[c].label(ref) for c, ref in dims],
                     _word(bucket.name).label("bucket"),
                     *[deals.c[c] for c in ("amount_before", "amount_after", "close_date_before",
                                            "close_date_after", "stage_before", "stage_after")]) \
        .select_from(deals).where(_member(deals, bucket)).order_by(deals.c[KEY])


WATERFALL_RENDERERS = {DealStates: deal_states, WaterfallTotals: waterfall_totals, BucketDeals: bucket_deals}
