"""A question's cost, estimated before it runs and refused when over the limits (E_QUERY_TOO_COSTLY).

Two numbers bound the work a question can cause:
- periods: the length of its date spine at its grain (the plan's own spine when the range has both ends;
  an open side is bounded by the earliest/latest value of the time dimension in the data);
- cells: periods x dimension value combinations x metrics. The combinations are an upper bound: the product
  of each dimension's distinct values (+1 for null; an `eq`/`in` filter on the dimension caps it at its
  values), never more than the rows of the entities measured. Distinct counts, row counts and time extents
  come from small probe queries over each entity's own table, cached per data version.
A refusal says the estimate, the limit and the setting, and how to narrow the question.
"""
from __future__ import annotations

import math
import threading
import time
from datetime import date, datetime
from typing import Any, Callable

import sqlalchemy as sa

from semantic.definitions.models import Calendar
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.calendar import GRAIN_STEP, period_start, resolve_range
from semantic.plan.entity_metric import EntityValues
from semantic.plan.steps import Aggregate, Filter, Plan, Spine, Step
from semantic.plan.model import FilterUse
from semantic.plan.conversion import Conversion
from semantic.plan.window import Window
from semantic.question import Question
from semantic.sql.steps import entity_source  # the entity's FROM exactly as questions read it
from semantic.dialects import normalize
from semantic.sql.render import render

NO_STAMP_TTL_S = 600.0  # databases without a data stamp (PostgreSQL) are probed again this often
NARROW_PERIODS = "use a coarser grain (e.g. month instead of day) or a shorter time range"
NARROW_CELLS = "drop a dimension, filter it to fewer values, use a coarser grain or a shorter time range"

Probe = Callable[[sa.Select], list[Any]]  # runs a small statement on the layer's database: its rows


def count_periods(start: date, end: date, grain: str, calendar: Calendar) -> int:
    """How many periods of `grain` overlap [start, end]: the length of the spine `periods()` would build."""
    if end < start:
        return 0
    first, last = period_start(start, grain, calendar), period_start(end, grain, calendar)
    amount, unit = GRAIN_STEP[grain]
    if unit == "day":
        return (last - first).days // amount + 1
    return ((last.year - first.year) * 12 + last.month - first.month) // amount + 1


def too_costly(what: str, estimate: int, limit: int, setting: str, hint: str) -> SemanticError:
    """`what` holds `{n}`, the estimate: 'span {n} day periods'."""
    return SemanticError("E_QUERY_TOO_COSTLY", f"this question would {what.format(n=f'{estimate:,}')}, over the "
                         f"limit of {limit:,} (setting {setting})", f"{hint}; or raise {setting}",
                         estimate=estimate, limit=limit, setting=setting)


def check_spine(question: Question, today: date, calendar: Calendar, max_periods: int) -> None:
    """Refuse a too-long spine from the question alone, before the plan builds it."""
    bounds = resolve_range(question.time_range, today, calendar)
    if question.grain and bounds is not None and None not in bounds:
        count = count_periods(bounds[0], bounds[1], question.grain, calendar)
        if count > max_periods:
            raise too_costly(f"span {{n}} {question.grain} periods", count, max_periods, "max_periods", NARROW_PERIODS)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


class CostBudget:
    """Checks plans against max_periods and max_cells; holds the probe results for one layer."""

    def __init__(self, defs: Definitions, dialect: str, settings: Any) -> None:
        self.defs = defs
        self.dialect = normalize(dialect)
        self.settings = settings
        self._facts: dict[tuple, Any] = {}
        self._stamp: object = None
        self._lock = threading.Lock()

    def check(self, plan: Plan, probe: Probe, stamp: str | None) -> None:
        metrics = len(plan.final.metrics)
        steps = _shown_steps(plan)
        aggregates = [s for s in steps if isinstance(s, Aggregate)]
        grain = _shown_grain(steps, aggregates)
        periods = self._periods(steps, aggregates, probe, stamp)
        if periods > self.settings.max_periods:
            raise too_costly(f"span {{n}} {grain} periods", periods, self.settings.max_periods, "max_periods",
                             NARROW_PERIODS)
        if periods * metrics > self.settings.max_cells or not aggregates or not aggregates[0].dimensions:
            self._check_cells(periods * metrics)
            return
        self._check_cells(periods * self._combinations(steps, aggregates, probe, stamp) * metrics)

    def _check_cells(self, cells: int) -> None:
        if cells > self.settings.max_cells:
            raise too_costly("produce an estimated {n} result cells (periods x dimension values x metrics)", cells,
                             self.settings.max_cells, "max_cells", NARROW_CELLS)

    def _periods(self, steps: tuple[Step, ...], aggregates: list[Aggregate], probe: Probe,
                 stamp: str | None) -> int:
        grain = _shown_grain(steps, aggregates)
        if grain is None:
            return 1
        spine = next((s for s in steps if isinstance(s, Spine)), None) or \
            next((s.spine for s in steps if isinstance(s, Window) and s.spine), None)  # a lone window's
        if spine is not None:
            return len(spine.periods)
        # an open side of the range (or none): the question's window, completed by the data's extent
        window = next((s.window for s in steps if isinstance(s, Filter) and s.window and not s.moved_back),
                      (None, None))
        lows, highs = [], []
        for aggregate in aggregates:
            tdim = aggregate.time_dimension
            if tdim is not None:
                low, high = self._fact(("extent", tdim.entity, tdim.name), probe, stamp)
                lows.append(low)
                highs.append(high)
        start = window[0] or min((d for d in lows if d), default=None)
        end = window[1] or max((d for d in highs if d), default=None)
        return count_periods(start, end, grain, self.defs.calendar) if start and end else 0

    def _combinations(self, steps: tuple[Step, ...], aggregates: list[Aggregate], probe: Probe,
                      stamp: str | None) -> int:
        filters = [f for s in steps if isinstance(s, Filter) for f in s.filters
                   if isinstance(f, FilterUse)]  # a condition under `or` or `not` caps nothing
        capped = {f.dimension.ref: len(f.values) for f in filters if f.op in ("eq", "in")}
        product = 1
        for dim in aggregates[0].dimensions:
            values = self._fact(("distinct", dim.entity, dim.name), probe, stamp) + 1  # +1: null
            product *= min(values, capped.get(dim.ref, values))
        rows = sum(self._fact(("rows", entity, ""), probe, stamp) for entity in {a.entity for a in aggregates})
        return min(product, rows)

    def _fact(self, key: tuple[str, str, str], probe: Probe, stamp: str | None) -> Any:
        current = stamp if stamp is not None else math.floor(time.monotonic() / NO_STAMP_TTL_S)
        with self._lock:
            if current != self._stamp:
                self._facts, self._stamp = {}, current
            if key in self._facts:
                return self._facts[key]
        value = self._value(key[0], probe(self._statement(*key))[0])
        with self._lock:
            self._facts[key] = value
        return value

    def _statement(self, kind: str, entity: str, name: str) -> sa.Select:
        source = entity_source(self.defs, entity, entity, self.dialect)
        if kind == "rows":
            return sa.select(sa.func.count()).select_from(source)
        dim = self.defs.entities[entity].dimensions[name]
        column = render(dim.expr or name, entity, entity, self.defs, self.dialect, expand_dimensions=False)
        if kind == "distinct":
            return sa.select(sa.func.count(sa.distinct(column))).select_from(source)
        return sa.select(sa.func.min(column), sa.func.max(column)).select_from(source)

    @staticmethod
    def _value(kind: str, row: Any) -> Any:
        if kind == "extent":
            return _as_date(row[0]), _as_date(row[1])
        return int(row[0] or 0)


def _shown_steps(plan: Plan) -> tuple[Step, ...]:
    """The steps making the answer's rows: those listing the entity rows of a per-entity metric filter (one
    row per entity row, no grain, not shown) are left out."""
    hidden: set[str] = set()
    stack: list[Step] = [s for s in plan.steps if isinstance(s, EntityValues)]
    while stack:
        step = stack.pop()
        hidden.add(step.name)
        stack += step.inputs
    return tuple(s for s in plan.steps if s.name not in hidden)


def _shown_grain(steps: tuple[Step, ...], aggregates: list[Aggregate]) -> str | None:
    """The grain of the answer's periods: a cumulative metric's daily totals (under its Window) are not shown;
    a question of conversions alone has its periods on its Conversion steps."""
    window = next((s for s in steps if isinstance(s, (Window, Conversion))), None)
    if window is not None:
        return window.grain
    return aggregates[0].grain if aggregates else None
