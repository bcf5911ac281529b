"""The step of a cumulative metric: daily totals summed over a reach for each period shown.

See steps.py for what a step is; semantic/plan/sources.py builds this one for metric_types/cumulative.py
and semantic/sql/steps.py renders it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from semantic.plan.steps import Aggregate, AggregateMeasure, Spine, Step


@dataclass(frozen=True)
class Reach:
    """How far back a cumulative value reaches from the day it is read on (that day included)."""

    count: int | None = None  # with unit: a trailing window of this many units
    unit: str | None = None  # day | week | month
    grain_to_date: str | None = None  # since the start of the period of this grain
    # neither: all time

    @property
    def slug(self) -> str:
        if self.count:
            return f"{self.count}_{self.unit}s"
        return f"{self.grain_to_date}_to_date" if self.grain_to_date else "all_time"

    def describe(self) -> str:
        return f"the trailing {self.count} {self.unit}s" if self.count else self.slug.replace("_", " ")


@dataclass(frozen=True)
class Window(Step):
    """Daily totals summed, for each period shown, over the days its reach covers up to the day it is read on:
    the period's last day, or the range's last day if that is earlier; compared with an earlier period, the
    day that period is read on. Days before the range are read when the reach needs them."""

    input: Aggregate  # the measures per day (grain day) and dimensions
    spine: Spine | None  # the periods shown (their dates, not the spine's rows); None: the data's periods
    grain: str | None  # None: one value, read on the range's last day (or the data's)
    reach: Reach
    first_period: date | None  # without a spine, periods before this are not shown
    last_day: date | None  # the range's last day: no value is read after it
    read_on: tuple[date, ...] = ()  # the day each period shown is read on (one without a grain); (): in SQL
    earlier: str = ""  # the comparison whose earlier values these are (read on the earlier periods' days)

    @property
    def inputs(self) -> tuple[Step, ...]:
        return (self.input,)  # each period's reading days are computed from the spine's dates, not read from it

    @property
    def measures(self) -> tuple[AggregateMeasure, ...]:
        return self.input.measures

    @property
    def keys(self) -> tuple[str, ...]:
        return (("period",) if self.grain else ()) + tuple(k for k in self.input.keys if k != "period")

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.keys + tuple(m.column for m in self.measures)

    def describe(self) -> str:
        per = f"each {self.grain} period on its last day" if self.grain else "one value on the last day"
        per = f"each {self.grain} period" if self.grain and self.earlier else per
        per += f" on the day its period {self.earlier} is read on" if self.earlier else ""
        return f"sum {', '.join(m.column for m in self.measures)} over {self.reach.describe()}, for {per}"
