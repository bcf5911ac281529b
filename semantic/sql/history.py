"""SQL of the history steps (semantic/plan/history.py has the rule they implement).

The latest change per key before an instant: its time by a GROUP BY, the changes at that time joined back
and ranked by the tie-break, the first LEFT JOINed to the current rows (measurements in docs/architecture.md,
"As of"). A value a change carries is taken when a change matched (`CASE WHEN key IS NOT NULL`), never with
COALESCE: a change may set a column to NULL (a close date removed), and that NULL is the value as of then.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from semantic.plan.calendar import GRAIN_STEP
from semantic.plan.history import (AS_OF_PERIOD, KEY, RANK, VALID_FROM, VALID_TO, ChangeLog, Changes, Intervals,
                                   StateAt, StateEach)
from semantic.sql.render import render
from semantic.sql.tables import qualified
from semantic.sql.timefns import ShiftDate

if TYPE_CHECKING:
    from semantic.sql.steps import Context

LOG, ROW, EDGE = "change_row", "now_row", "edge_row"  # aliases: the change log, the current rows, the log again
INSTANT = "as_of__instant"  # a series period's instant: the exclusive bound its state is read before


def _log_sql(ctx: Context, log: ChangeLog, text: str) -> ColumnElement:
    return render(text, LOG, log.log, ctx.defs, ctx.dialect)


def _order(ctx: Context, log: ChangeLog, latest_first: bool, with_time: bool = True) -> list[ColumnElement]:
    """changed_at (unless left out) then the tie-break, NULL lowest, so every engine orders ties alike."""
    keys = [qualified(LOG, log.history.changed_at, ctx.dialect)] * with_time + \
        [_log_sql(ctx, log, t) for t in log.ordering]
    return [k.desc().nulls_last() if latest_first else k.asc().nulls_first() for k in keys]


def _at_edge(ctx: Context, log: ChangeLog, values: dict[str, str], bound: ColumnElement, latest: bool,
             name: str) -> sa.Subquery:
    """Per key, the changes at its last changed_at before `bound` (latest) or, for keys with no change before
    it, at its first changed_at, each with `values` (name -> SQL) and its rank among them by the tie-break.

    The edge time comes from a GROUP BY and the tie-break sorts only the changes at it (ties are rare):
    ranking every change by changed_at and all the tie-break keys measured 2-3 times slower (scale 50)."""
    history = log.history
    edge_key, edge_at = qualified(EDGE, history.key, ctx.dialect), qualified(EDGE, history.changed_at, ctx.dialect)
    edge = sa.select(edge_key.label(KEY), (sa.func.max if latest else sa.func.min)(edge_at).label("edge_at")) \
        .select_from(ctx.source(log.log, EDGE)).group_by(edge_key)
    edge = edge.where(edge_at < bound) if latest else edge.having(sa.func.min(edge_at) >= bound)
    edges = edge.subquery(f"{name}_at")
    key, changed = qualified(LOG, history.key, ctx.dialect), qualified(LOG, history.changed_at, ctx.dialect)
    rank = sa.func.row_number().over(partition_by=key, order_by=_order(ctx, log, latest, with_time=False))
    cols = [key.label(KEY)] + [_log_sql(ctx, log, text).label(n) for n, text in values.items()]
    frame = ctx.source(log.log, LOG) \
        .join(edges, sa.and_(edges.c[KEY] == key, edges.c.edge_at == changed))
    return sa.select(*cols, rank.label(RANK)).select_from(frame).subquery(name)


def _exists_at(ctx: Context, log: ChangeLog, bound: ColumnElement) -> ColumnElement:
    created = qualified(ROW, log.history.created_at, ctx.dialect)
    return sa.or_(created < bound, created.is_(None))


def state_at(ctx: Context, step: StateAt) -> sa.Select:
    log, history = step.log, step.log.history
    bound = sa.literal(step.before, sa.DateTime)
    latest = _at_edge(ctx, log, dict(history.fields), bound, True, "latest")
    rows = ctx.source(log.entity, ROW)
    pk = qualified(ROW, ctx.defs.entities[log.entity].primary_key or "", ctx.dialect)
    frame = rows.outerjoin(latest, sa.and_(latest.c[KEY] == pk, latest.c[RANK] == 1))
    following = None
    if history.before:
        following = _at_edge(ctx, log, dict(history.before), bound, False, "following")
        frame = frame.outerjoin(following, sa.and_(following.c[KEY] == pk, following.c[RANK] == 1))
    outputs = []
    for column in log.columns:
        value: ColumnElement = qualified(ROW, column, ctx.dialect)
        if following is not None and column in history.before:
            value = sa.case((following.c[KEY].is_not(None), following.c[column]), else_=value)
        if column in history.fields:
            value = sa.case((latest.c[KEY].is_not(None), latest.c[column]), else_=value)
        outputs.append(value.label(column))
    return sa.select(*outputs).select_from(frame).where(_exists_at(ctx, log, bound))


def _since_edge(ctx: Context, log: ChangeLog, since: datetime) -> sa.Subquery:
    """Per key with a change before `since`, the time of its last one: its earlier changes are left out."""
    key, changed = qualified(EDGE, log.history.key, ctx.dialect), qualified(EDGE, log.history.changed_at, ctx.dialect)
    return sa.select(key.label(KEY), sa.func.max(changed).label("edge_at")) \
        .select_from(ctx.source(log.log, EDGE)) \
        .where(changed < sa.literal(since, sa.DateTime)).group_by(key).subquery("earlier")


def changes(ctx: Context, step: Changes) -> sa.Select:
    """Every change with its span: valid_to is the next change's changed_at in the same order. With `since`,
    a GROUP BY finds each key's last change time before it and the window sorts only the changes from then
    on (the sort of every change was most of a series' time: docs/architecture.md, "As of")."""
    log, history = step.log, step.log.history
    key = qualified(LOG, history.key, ctx.dialect)
    order = _order(ctx, log, False)
    values = [_log_sql(ctx, log, t).label(f"after__{c}") for c, t in history.fields.items()]
    values += [_log_sql(ctx, log, t).label(f"before__{c}") for c, t in history.before.items()]
    changed = qualified(LOG, history.changed_at, ctx.dialect)
    frame: sa.FromClause = ctx.source(log.log, LOG)
    recent: list[ColumnElement] = []
    if step.since is not None:
        earlier = _since_edge(ctx, log, step.since)
        frame = frame.outerjoin(earlier, earlier.c[KEY] == key)
        recent = [sa.or_(earlier.c.edge_at.is_(None), changed >= earlier.c.edge_at)]
    return sa.select(key.label(KEY), changed.label(VALID_FROM),
                     sa.func.lead(changed).over(partition_by=key, order_by=order).label(VALID_TO),
                     sa.func.row_number().over(partition_by=key, order_by=order).label(RANK),
                     *values).select_from(frame).where(*recent)


def intervals(ctx: Context, step: Intervals) -> sa.CompoundSelect:
    """The span before each row's first change (the `before` values, else the current ones) and one span per
    change (the fields' values after it), every other column from the current row."""
    log, history = step.log, step.log.history
    spans = ctx.table(step.input)
    pk = qualified(ROW, ctx.defs.entities[log.entity].primary_key or "", ctx.dialect)

    def columns(first: bool) -> list[ColumnElement]:
        out = []
        for column in log.columns:
            value: ColumnElement = qualified(ROW, column, ctx.dialect)
            if first and column in history.before:
                value = sa.case((spans.c[KEY].is_not(None), spans.c[f"before__{column}"]), else_=value)
            elif not first and column in history.fields:
                value = spans.c[f"after__{column}"]
            out.append(value.label(column))
        return out

    rows = ctx.source(log.entity, ROW)
    initial = sa.select(*columns(True), sa.cast(sa.null(), sa.DateTime).label(VALID_FROM),
                        spans.c[VALID_FROM].label(VALID_TO)) \
        .select_from(rows.outerjoin(spans, sa.and_(spans.c[KEY] == pk, spans.c[RANK] == 1)))
    if step.input.since is not None:  # a first change kept before `since` is a row's last one before it
        initial = initial.where(sa.or_(spans.c[KEY].is_(None), spans.c[VALID_FROM] >= sa.literal(step.input.since,
                                                                                                  sa.DateTime)))
    rows = ctx.source(log.entity, ROW)
    later = sa.select(*columns(False), spans.c[VALID_FROM], spans.c[VALID_TO]) \
        .select_from(rows.join(spans, spans.c[KEY] == pk))
    return sa.union_all(initial, later)


def state_each(ctx: Context, step: StateEach) -> sa.Select:
    """Each spine period's instant (its end, or its start: the end of the day before) joined to the span
    holding it; rows not created by then are left out.

    The instants are computed once per period in a subquery, so the range join compares plain columns
    (the bound expression repeated in the join condition was evaluated for every span and period pair)."""
    spans, periods = ctx.table(step.input), ctx.table(step.spine)
    log = step.input.log
    if step.each == "end":
        amount, unit = GRAIN_STEP[step.spine.grain]
        bound: ColumnElement = sa.func.least(ShiftDate(periods.c.period, amount, unit),
                                             sa.literal(step.cap.date(), sa.Date))
    else:
        bound = periods.c.period
    instants = sa.select(periods.c.period, sa.cast(bound, sa.DateTime).label(INSTANT)).subquery("instant")
    at = instants.c[INSTANT]
    holds = sa.and_(sa.or_(spans.c[VALID_FROM] < at, spans.c[VALID_FROM].is_(None)),
                    sa.or_(spans.c[VALID_TO] >= at, spans.c[VALID_TO].is_(None)))
    created = spans.c[log.history.created_at]
    exists = sa.or_(created < at, created.is_(None))
    return sa.select(*[spans.c[c] for c in log.columns], instants.c.period.label(AS_OF_PERIOD)) \
        .select_from(instants.join(spans, sa.and_(holds, exists)))
