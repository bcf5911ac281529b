"""What each slide shows, as text and numbers, before anything is drawn: KPI tiles, chart series, table cells
and the footnotes under them. Kept apart from python-pptx so the reading of an answer is one small, testable
step and the drawing another.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from semantic.formatting import format_value
from semantic.deck.answers import Answer, MetricNote
from semantic.freshness import as_of_text

CHANGE_SUFFIX = "__change_pct"
PREVIOUS_SUFFIX = "__previous"
AXIS_FORMATS = {"currency": "#,##0", "percent": "0%", "integer": "#,##0", "number": "#,##0.0", "days": "#,##0.0"}


@dataclass(frozen=True)
class Tile:
    metric: str
    label: str
    value: str
    change: str | None  # "+12.5% vs <label of the previous column>", when the question compares


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartContent:
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number_format: str


@dataclass(frozen=True)
class TableContent:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns (metrics)
    note: str | None  # rows left out, when any


@dataclass
class Footnotes:
    """Numbered metric definitions of one slide, then the definitions version and data freshness."""

    notes: list[MetricNote] = field(default_factory=list)

    def mark(self, note: MetricNote) -> str:
        """The superscript-style marker of a metric on this slide, numbering it on first use."""
        if note not in self.notes:
            self.notes.append(note)
        return f"[{self.notes.index(note) + 1}]"

    def lines(self, answer: Answer | None, version: str) -> list[str]:
        out = [f"[{i}] {_metric_line(n)}" for i, n in enumerate(self.notes, start=1)]
        out.append(stamp_line(answer.version if answer else version, answer.freshness if answer else None))
        return out


def _metric_line(note: MetricNote) -> str:
    meaning = (note.description or "").strip().replace("\n", " ")
    first = meaning.split(". ")[0].rstrip(".") + "." if meaning else "no description."
    return f"{note.label or note.name} ({note.name}): {first} Formula: {note.formula}."


def stamp_line(version: str, freshness: dict[str, Any] | None) -> str:
    """Definitions version and data freshness, as every slide states them."""
    return f"Definitions version {version}; {as_of_text(freshness)}."


def metric_columns(answer: Answer) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in answer.columns if c.get("format")}


def kpi_tiles(answer: Answer, shown: tuple[str, ...], notes: dict[str, MetricNote], foot: Footnotes) -> list[Tile]:
    row = answer.rows[0] if answer.rows else {}
    columns = metric_columns(answer)
    tiles = []
    for metric in shown:
        note = notes[metric]
        change = None
        if metric + CHANGE_SUFFIX in columns:
            previous = columns[metric + PREVIOUS_SUFFIX]
            pct = row.get(metric + CHANGE_SUFFIX)
            before = (f"{previous.get('label') or previous['name']}: "
                      f"{format_value(row.get(metric + PREVIOUS_SUFFIX), previous['format'])}")
            change = before if pct is None else f"{'+' if pct > 0 else ''}{format_value(pct, 'percent')} vs {before}"
        tiles.append(Tile(metric, f"{note.label or metric} {foot.mark(note)}",
                          format_value(row.get(metric), columns[metric]["format"]), change))
    return tiles


def _category_columns(answer: Answer, exclude: str | None) -> list[str]:
    """Columns naming a row's place: the period and the dimensions (not metrics), except `exclude`."""
    return [c["name"] for c in answer.columns if not c.get("format") and c["name"] != exclude]


def _category(row: dict[str, Any], names: list[str]) -> str:
    return " / ".join("-" if row.get(n) is None else str(row[n]) for n in names)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def chart_content(answer: Answer, shown: tuple[str, ...], series_by: str | None,
                  notes: dict[str, MetricNote], foot: Footnotes) -> ChartContent:
    """One series per metric, or (series_by) one series per value of that dimension for the one metric."""
    names = _category_columns(answer, series_by)
    categories = list(dict.fromkeys(_category(row, names) for row in answer.rows))
    axis = AXIS_FORMATS.get(metric_columns(answer)[shown[0]]["format"] or "", "General")
    for metric in shown:
        foot.mark(notes[metric])
    if series_by is None:
        by_category = {_category(row, names): row for row in answer.rows}
        series = [Series(notes[m].label or m, tuple(_number(by_category[c].get(m)) for c in categories))
                  for m in shown]
        return ChartContent(tuple(categories), tuple(series), axis)
    metric = shown[0]
    cells = {(_category(row, names), _category(row, [series_by])): _number(row.get(metric)) for row in answer.rows}
    values = list(dict.fromkeys(_category(row, [series_by]) for row in answer.rows))
    series = [Series(v, tuple(cells.get((c, v)) for c in categories)) for v in values]
    return ChartContent(tuple(categories), tuple(series), axis)


def table_content(answer: Answer, shown: tuple[str, ...], max_rows: int, notes: dict[str, MetricNote],
                  foot: Footnotes) -> TableContent:
    """The period and dimension columns, then each shown metric with its comparison columns, if any."""
    names = _category_columns(answer, None)
    metrics = metric_columns(answer)
    for metric in shown:
        names += [n for n in (metric, metric + PREVIOUS_SUFFIX, metric + CHANGE_SUFFIX) if n in metrics]
    by_name = {c["name"]: c for c in answer.columns}
    headers = []
    for name in names:
        base = name.split("__")[0]
        label = by_name[name].get("label") or name
        headers.append(f"{label} {foot.mark(notes[base])}" if name == base and name in metrics else label)
    kept = answer.rows[:max_rows]
    rows = tuple(tuple(format_value(row.get(n), by_name[n].get("format")) for n in names) for row in kept)
    left_out = len(answer.rows) - len(kept)
    note = f"{left_out} more rows are not shown" if left_out else None
    if answer.truncated:
        note = (note + "; " if note else "") + "the answer itself was cut at the server's row limit"
    return TableContent(tuple(headers), rows, tuple(n in metrics for n in names), note)
