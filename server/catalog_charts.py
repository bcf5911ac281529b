"""The catalog's small charts: each metric over its recent months, drawn server-side as inline SVG.

Bounded cost: every metric that can be asked per month is asked in one batched question (a question holds
at most MAX_METRICS metrics, so a larger project takes one question per MAX_METRICS), and the answer is kept
per definitions version and day for CHART_MAX_AGE_S, so reloading the page runs nothing. A metric that
cannot be cut by month (a quota recorded per fiscal quarter, say) is left out of the batch with the reason
the compiler gives, found by compiling it alone first (no database work), so one such metric cannot sink
the others' charts. A batch that fails to run (database down, timeout, cancelled) is shown as such and not
kept, so the next visit asks again.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from html import escape

from semantic.formatting import format_value
from semantic.dberrors import sanitize
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.plan.calendar import today_in
from semantic.question import MAX_METRICS, Question
from semantic.result import Result
from server.failures import DATABASE_CODES

CHART_GRAIN = "month"
CHART_RANGE = "last_6_months"  # the current month (so far) and the six before it
CHART_MAX_AGE_S = 600.0
WIDTH, HEIGHT, PAD = 140, 36, 3


@dataclass(frozen=True)
class Series:
    """One metric's recent periods, or why it has none."""

    periods: tuple[str, ...] = ()
    values: tuple[float | None, ...] = ()
    format: str | None = None
    unavailable: str | None = None  # the compiler's or database's reason, with its code


def _reason(exc: SemanticError) -> str:
    """The refusal as shown on hover: database messages without server paths, like every API error."""
    return f"{exc.code}: {sanitize(exc.message) if exc.code in DATABASE_CODES else exc.message}"


def _question(metrics: tuple[str, ...]) -> Question:
    return Question(metrics=metrics, grain=CHART_GRAIN, time_range={"relative": CHART_RANGE})


def _chartable(layer: SemanticLayer) -> tuple[list[str], dict[str, Series]]:
    """Metrics whose monthly question compiles, and a Series naming the reason for each that does not."""
    chartable, refused = [], {}
    for name in layer.definitions.metrics:
        try:
            layer.compile(_question((name,)))
        except SemanticError as exc:
            refused[name] = Series(unavailable=_reason(exc))
        else:
            chartable.append(name)
    return chartable, refused


def _series(result: Result, metrics: tuple[str, ...]) -> dict[str, Series]:
    formats = {c.name: c.format for c in result.columns}
    periods = tuple(str(row["period"]) for row in result.rows)
    return {name: Series(periods, tuple(_number(row.get(name)) for row in result.rows), formats.get(name))
            for name in metrics}


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # Decimal from some drivers; the chart only needs floats


def recent_series(layer: SemanticLayer, cancel: threading.Event | None = None) -> tuple[dict[str, Series], bool]:
    """Every metric's recent months (blocking: the batched questions run now), and whether every batch ran."""
    chartable, series = _chartable(layer)
    ran_all = True
    for start in range(0, len(chartable), MAX_METRICS):
        batch = tuple(chartable[start:start + MAX_METRICS])
        try:
            layer.compile(_question(batch))  # memoised: the query below reuses it
        except SemanticError as exc:  # metrics fine alone but not together: as lasting as a refusal of one
            series.update({name: Series(unavailable=_reason(exc)) for name in batch})
            continue
        try:
            series.update(_series(layer.query(_question(batch), cancel=cancel), batch))
        except SemanticError as exc:
            series.update({name: Series(unavailable=_reason(exc)) for name in batch})
            ran_all = False
    return series, ran_all


class ChartCache:
    """The last computed charts, reused while the definitions version and the day are the same and the
    answer is younger than CHART_MAX_AGE_S; one computation at a time."""

    def __init__(self, max_age_s: float = CHART_MAX_AGE_S) -> None:
        self.max_age_s = max_age_s
        self._lock = threading.Lock()
        self._entry: tuple[tuple[str, date], float, dict[str, Series]] | None = None

    def get(self, layer: SemanticLayer, cancel: threading.Event | None = None) -> dict[str, Series]:
        """The charts for this layer's version today (blocking: may run the batched questions)."""
        key = (str(layer.version), layer.settings.today or today_in(layer.definitions.calendar))
        with self._lock:
            entry = self._entry
            if entry is not None and entry[0] == key and time.monotonic() - entry[1] <= self.max_age_s:
                return entry[2]
            series, ran_all = recent_series(layer, cancel)
            if ran_all:
                self._entry = (key, time.monotonic(), series)
            return series


def sparkline(series: Series) -> str:
    """An inline SVG polyline of the values (gaps where a value is null), zero included in the scale, each
    point titled with its period and value; a text note when there is nothing to draw."""
    if series.unavailable is not None:
        return f'<span class="no-chart" title="{escape(series.unavailable)}">no monthly chart</span>'
    known = [v for v in series.values if v is not None]
    if not known:
        return '<span class="no-chart">no values in these months</span>'
    low, high = min(0.0, *known), max(0.0, *known)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(series.values) - 1, 1)
    points: list[list[tuple[float, float]]] = [[]]
    marks = []
    for i, (period, value) in enumerate(zip(series.periods, series.values)):
        if value is None:
            points.append([])
            continue
        x, y = PAD + i * step, HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)
        points[-1].append((x, y))
        marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8"><title>{escape(period)}: '
                     f'{escape(format_value(value, series.format))}</title></circle>')
    lines = "".join(f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in part)}"/>'
                    for part in points if len(part) > 1)
    label = f"{series.periods[0]} to {series.periods[-1]}, by month"
    return (f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(label)}">{lines}{"".join(marks)}</svg>')
