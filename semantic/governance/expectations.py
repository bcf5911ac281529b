"""Judging an answer: expected rows (counted by hand) and invariants (true of any ledger).

Rows are matched by their keys (the period and dimension columns), never by position, so a test does not
depend on row order; every answer row must be expected, so a row that appears from nowhere fails too.
Expected numbers may be written as a fraction (`2/3`), the way a hand count is done.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction
from typing import Any, Callable

from semantic.errors import Position
from semantic.question import Question
from semantic.result import Result

FRACTION = re.compile(r"^\s*-?\d+(\.\d+)?\s*/\s*\d+(\.\d+)?\s*$")
Where = Callable[..., Position]


class Verdict(str, Enum):
    passed = "PASSED"
    failed = "FAILED"
    error = "ERROR"


@dataclass(frozen=True)
class Outcome:
    test: str
    position: Position
    verdict: Verdict
    message: str

    def render(self) -> str:
        return f"{self.position}: {self.verdict.value} {self.test}" + (f": {self.message}" if self.message else "")


def _plain(value: Any) -> Any:
    """A YAML value as the answer carries it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and FRACTION.match(value):
        top, bottom = (Fraction(part.strip()) for part in value.split("/"))
        return float(top / bottom) if bottom else None
    return None


def shown(value: Any) -> str:
    """A value as the test's author wrote it: 45000, not 45000.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(_plain(value))


def same(expected: Any, got: Any, tolerance: float) -> bool:
    wanted = _number(expected)
    if wanted is not None and isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(float(got), wanted, rel_tol=1e-9, abs_tol=tolerance)
    return _plain(expected) == got


def _keys(answer: Result) -> list[str]:
    """Period and dimension columns: the ones without a metric format."""
    return [c.name for c in answer.columns if c.format is None]


def _label(key: tuple, names: list[str]) -> str:
    return ", ".join(f"{n}={v}" for n, v in zip(names, key))


def check_expected_rows(test: str, answer: Result, expected: tuple[dict[str, Any], ...], tolerance: float,
                        at: Where) -> list[Outcome]:
    """Failures of the answer against the expected rows (empty when it matches)."""
    keys, columns = _keys(answer), {c.name for c in answer.columns}
    got = {tuple(row[k] for k in keys): row for row in answer.rows}
    failures, seen = [], set()
    for i, row in enumerate(expected):
        unknown = [name for name in row if name not in columns]
        missing = [k for k in keys if k not in row]
        if unknown or missing:
            problem = (f"no column {', '.join(unknown)} in the answer" if unknown
                       else f"the row must give {', '.join(missing)}")
            failures.append(Outcome(test, at("expect", i), Verdict.failed,
                                    f"{problem} (its columns: {', '.join(c.name for c in answer.columns)})"))
            continue
        key = tuple(_plain(row[k]) for k in keys)
        seen.add(key)
        actual = got.get(key)
        if actual is None:
            failures.append(Outcome(test, at("expect", i), Verdict.failed,
                                    f"the answer has no row {_label(key, keys)}"))
            continue
        for name, value in row.items():
            if name not in keys and not same(value, actual[name], tolerance):
                where = f" ({_label(key, keys)})" if keys else ""
                failures.append(Outcome(test, at("expect", i, name), Verdict.failed,
                                        f"{name} expected {shown(value)}, got {shown(actual[name])}{where}"))
    for key, row in got.items():
        if key not in seen:
            values = ", ".join(f"{n}={shown(row[n])}" for n in row if n not in keys)
            failures.append(Outcome(test, at("expect"), Verdict.failed,
                                    f"unexpected row {_label(key, keys) or '(total)'}: {values}"))
    return failures


def check_invariants(test: str, answer: Result, question: Question, invariants: Any, tolerance: float,
                     ask: Callable[[Question], Result], at: Where) -> list[Outcome]:
    """Failures of the invariants; `ask` answers the question again without dimensions for sums_to_total."""
    failures: list[Outcome] = []
    columns = {c.name for c in answer.columns}
    bounds = {"between_0_and_1": (0.0, 1.0), "non_negative": (0.0, math.inf)}
    for rule, (low, high) in bounds.items():
        for i, metric in enumerate(getattr(invariants, rule)):
            if metric not in columns:
                failures.append(Outcome(test, at("invariants", rule, i), Verdict.failed,
                                        f"'{metric}' is not a column of the answer"))
                continue
            outside = [row[metric] for row in answer.rows if row[metric] is not None
                       and not low - tolerance <= row[metric] <= high + tolerance]
            if outside:
                failures.append(Outcome(test, at("invariants", rule, i), Verdict.failed,
                                        f"{rule}: {metric} is {shown(outside[0])} in {len(outside)} row(s)"))
    if invariants.sums_to_total:
        failures += _sums_to_total(test, answer, question, invariants.sums_to_total, tolerance, ask, at)
    return failures


def _sums_to_total(test: str, answer: Result, question: Question, metrics: tuple[str, ...], tolerance: float,
                   ask: Callable[[Question], Result], at: Where) -> list[Outcome]:
    """Each period's values by dimension, summed (an empty cell counts 0), against the same question asked
    without its dimensions."""
    if not question.dimensions:
        return [Outcome(test, at("invariants", "sums_to_total"), Verdict.error,
                        "sums_to_total needs a question with dimensions to add up")]
    total = ask(question.model_copy(update={"dimensions": (), "order_by": (), "limit": None}))
    by_period = "period" in {c.name for c in answer.columns}
    failures = []
    for i, metric in enumerate(metrics):
        if metric not in {c.name for c in answer.columns}:
            failures.append(Outcome(test, at("invariants", "sums_to_total", i), Verdict.failed,
                                    f"'{metric}' is not a column of the answer"))
            continue
        sums: dict[Any, float] = {}
        for row in answer.rows:
            period = row["period"] if by_period else None
            sums[period] = sums.get(period, 0.0) + (row[metric] or 0)
        for row in total.rows:
            period = row["period"] if by_period else None
            whole, parts = row[metric] or 0, sums.get(period, 0.0)
            if not math.isclose(parts, whole, rel_tol=1e-9, abs_tol=tolerance):
                when = f" in {period}" if by_period else ""
                failures.append(Outcome(test, at("invariants", "sums_to_total", i), Verdict.failed,
                                        f"sums_to_total: {metric} by {', '.join(question.dimensions)} adds up to "
                                        f"{shown(parts)}{when}, the total is {shown(whole)}"))
    return failures
