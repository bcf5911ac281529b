"""The pipeline waterfall: the question (two instants, a close-date window, slices) and its buckets.

The buckets and their one precedence are the contract of docs/waterfall.md: every deal in the pipeline at
some instant from t0 to t1 lands in buckets whose signed counts and amounts add up from `start` to `end`
exactly. The plan (semantic/plan/waterfall.py) and the SQL (semantic/sql/waterfall.py) read this table;
nothing else names a bucket.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal

from pydantic import Field, field_validator

from semantic.definitions.models import DimensionRef, Filter, Model, Name, TimeRange
from semantic.errors import SemanticError
from semantic.filter_tree import only_dimension_filters
from semantic.question import MAX_DIMENSIONS, MAX_FILTERS, parse_where

Side = Literal["state", "in", "change", "out"]


@dataclass(frozen=True)
class Bucket:
    name: str
    order: int
    side: Side  # state: start/end totals; in: +; out: -; change: the signed amount difference
    label: str
    meaning: str


BUCKETS: tuple[Bucket, ...] = (
    Bucket("start", 1, "state", "Start", "in the pipeline at t0, at its t0 amount"),
    Bucket("created", 2, "in", "Created", "did not exist at t0; in the pipeline at t1 or in between"),
    Bucket("reopened", 3, "in", "Reopened", "closed at t0; in the pipeline at t1 or in between"),
    Bucket("pulled_in", 4, "in", "Pulled in", "open at t0 with a close date after the window"),
    Bucket("pushed_in", 5, "in", "Pushed in", "open at t0 with a close date before the window"),
    Bucket("increased", 6, "change", "Increased", "in at t0, amount higher at t1"),
    Bucket("decreased", 7, "change", "Decreased", "in at t0, amount lower at t1"),
    Bucket("won", 8, "out", "Won", "closed won at t1"),
    Bucket("lost", 9, "out", "Lost", "closed, not won, at t1"),
    Bucket("pushed_out", 10, "out", "Pushed out", "open at t1 with a close date after the window"),
    Bucket("pulled_out", 11, "out", "Pulled out", "open at t1 with a close date before the window"),
    Bucket("end", 12, "state", "End", "in the pipeline at t1, at its t1 amount"),
)
BUCKET_NAMES = tuple(b.name for b in BUCKETS)
BucketName = Literal["start", "created", "reopened", "pulled_in", "pushed_in", "increased", "decreased", "won",
                     "lost", "pushed_out", "pulled_out", "end"]
assert BUCKET_NAMES == BucketName.__args__  # type: ignore[attr-defined]


class WaterfallQuestion(Model):
    history: Name | None = Field(None, description="The history entity to read (default: the only one).")
    start: date | datetime | None = Field(
        None, alias="from", description="t0. A date means the start of that day (default: the window's start).")
    end: date | datetime | None = Field(
        None, alias="to", description="t1. A date means the end of that day (default: the end of today, or of "
                                      "the window's last day if earlier).")
    close_range: TimeRange = Field(TimeRange(relative="this_quarter"),
                                   description="The close-date window (default: this quarter).")
    dimensions: tuple[DimensionRef, ...] = Field((), max_length=MAX_DIMENSIONS)
    filters: tuple[Filter, ...] = Field((), max_length=MAX_FILTERS)
    deals: BucketName | None = Field(None, description="List the deals of this bucket instead of the totals.")
    amount: Name = Field("amount", description="Column of the deal entity holding its amount.")
    close_date: Name = Field("close_date", description="Column of the deal entity holding its close date.")
    model_config = Model.model_config | {"populate_by_name": True}

    @field_validator("filters", mode="before")
    @classmethod
    def _dimension_leaves(cls, value: Any) -> Any:
        return only_dimension_filters(value, "a waterfall")


@dataclass(frozen=True)
class Instants:
    """t0 and t1 as the exclusive upper bounds of the changes each state includes: a change counts at t0 if
    it happened strictly before `t0`, at t1 if strictly before `t1`."""

    t0: datetime
    t1: datetime

    def describe(self, window: tuple[date, date]) -> str:
        """The instants and window in words, for the answer's note (a reader must see what defaults chose)."""
        def moment(bound: datetime, side: str) -> str:
            if bound.time() == time.min:
                return f"the {side} of {bound.date() - timedelta(days=1 if side == 'end' else 0)}"
            return f"{bound - timedelta(microseconds=1 if side == 'end' else 0):%Y-%m-%d %H:%M:%S}"

        return (f"from {moment(self.t0, 'start')} to {moment(self.t1, 'end')}, close dates "
                f"{window[0]} to {window[1]}")


def instants(question: WaterfallQuestion, window: tuple[date, date], today: date) -> Instants:
    """Resolve t0 and t1 (docs/waterfall.md: a date for t0 is the start of its day, for t1 the end of it)."""
    def begin(day: date) -> datetime:
        return datetime.combine(day, time.min)

    def naive(moment: datetime) -> datetime:  # the ledger's timestamps are UTC without a zone
        return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment

    try:
        t0 = naive(question.start) if isinstance(question.start, datetime) else begin(question.start or window[0])
        if isinstance(question.end, datetime):
            t1 = naive(question.end) + timedelta(microseconds=1)  # a change at exactly t1 counts
        else:
            t1 = begin((question.end or min(today, window[1])) + timedelta(days=1))
    except OverflowError:
        raise SemanticError("E_BAD_TIME_RANGE", "the waterfall's instants run past the calendar (year 9999)",
                            "give --from and --to before 9999-12-31") from None
    at = Instants(t0, t1)
    if t1 <= t0:
        raise SemanticError("E_BAD_TIME_RANGE", f"the waterfall would run backwards ({at.describe(window)})",
                            "give --from earlier than --to; t1 defaults to today (the window's last day when the "
                            "window is past), so a window starting after today needs an earlier --from")
    return at


def waterfall_question(start: str | None, end: str | None, close_range: str | None, close_from: str | None,
                       close_to: str | None, by: list[str], where: list[str], deals: str | None = None,
                       history: str | None = None, amount: str | None = None,
                       close_date: str | None = None) -> WaterfallQuestion:
    """The question from text as typed (CLI flags, URL parameters); `where` goes through `parse_where`."""
    if close_range and (close_from or close_to):
        raise SemanticError("E_BAD_REQUEST", "give the close-date window as a relative range or as first/last "
                            "close dates, not both", "example: this_quarter, or 2025-10-01 .. 2025-12-31")
    data: dict[str, Any] = {"from": start, "to": end, "history": history, "deals": deals, "amount": amount,
                            "close_date": close_date, "dimensions": by,
                            "filters": [f.model_dump() for text in where for f in parse_where(text)]}
    if close_range or close_from or close_to:
        data["close_range"] = {"relative": close_range} if close_range else {"from": close_from, "to": close_to}
    return WaterfallQuestion.model_validate({k: v for k, v in data.items() if v is not None})
