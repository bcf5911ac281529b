"""The question options `as_of` and `as_of_each`: answer from the rows as they stood at an instant, or at the
end (start) of each period, rebuilt from the entity's change log (semantic/plan/history.py has the rule).

What is read as of: the rows of the entity the measures count (it must have a change log), each column its
log carries. Its other columns, and every column of the entities it joins to (account, owner), are today's;
the answer's column notes name the ones the question reads. Measures of another entity, comparisons and
cumulative metrics are refused: their rows have no past state to read. With `as_of` the time range and
grain apply to the as-of values (open pipeline closing this quarter, as it stood on 1 October). With
`as_of_each` the time range and grain choose the instants instead, so they cannot also filter the measures'
own time axis; a filter on it (`opportunity.close_date between ...`) does, on the as-of values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from semantic.definitions.expressions import parse_scalar
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError
from semantic.plan.calendar import Bounds
from semantic.plan.formulas import MetricFormulas
from semantic.plan.history import (ChangeLog, StateAt, StateEach, bound_of, current_columns, require_log,
                                   validity_intervals)
from semantic.plan.model import DimensionUse
from semantic.plan.steps import Read, Spine, Step
from semantic.question import Question


@dataclass(frozen=True)
class AsOf:
    """The state step the question's rows are read from instead of their table."""

    log: ChangeLog
    state: StateAt | StateEach

    @property
    def each(self) -> str | None:
        return self.state.each if isinstance(self.state, StateEach) else None


def _instant(value: date | datetime) -> date | datetime:
    """A timestamp with a zone as UTC without one (the ledger's timestamps are UTC)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def as_of_log(defs: Definitions, question: Question, formulas: MetricFormulas, today: date) -> ChangeLog | None:
    """The change log the question reads as of, after refusing what cannot be answered as of."""
    if question.as_of is None and question.as_of_each is None:
        return None
    if question.as_of is not None and question.as_of_each is not None:
        raise SemanticError("E_AS_OF", "as_of and as_of_each are given together",
                            "ask as of one instant (as_of) or a series of them (as_of_each with a grain)")
    if question.compare:
        raise SemanticError("E_AS_OF", "a comparison cannot be asked as of an instant",
                            "ask the two instants as two questions, or use as_of_each for a series")
    if formulas.conversions:
        raise SemanticError("E_AS_OF", "a conversion metric counts events as they happened, so it cannot be asked "
                            "as of an instant", "ask it without as_of; its cohorts are placed by the base event's date")
    if question.as_of is not None:
        instant = _instant(question.as_of)
        day = instant.date() if isinstance(instant, datetime) else instant
        if day > today:
            raise SemanticError("E_AS_OF_FUTURE", f"as of {question.as_of} is later than today ({today})",
                                "ask as of today or an earlier instant: the future has no recorded state")
    entities = {defs.measures[need.measure][0] for need in formulas.needs.values()}
    for need in formulas.needs.values():
        if need.shift is not None or need.reach is not None:
            kind = "compares periods" if need.shift is not None else "is cumulative"
            raise SemanticError("E_AS_OF", f"metric '{need.owner_metric}' {kind}, so it cannot be asked as of an "
                                "instant", "ask its simple, ratio or derived parts as of")
    if len(entities) != 1:
        raise SemanticError("E_AS_OF", f"the metrics count rows of {', '.join(sorted(entities))}; as of reads "
                            "one entity's past state", "ask the metrics of each entity in their own question")
    log = require_log(defs, entities.pop())
    if question.as_of_each is not None and (question.grain is None or question.time_range is None):
        raise SemanticError("E_AS_OF", "as_of_each needs a grain and a time range: they choose the instants",
                            "add --grain and --from/--to (or --range), e.g. --grain week --range this_quarter")
    return log


def as_of_state(defs: Definitions, log: ChangeLog, question: Question, spine: Spine | None, today: date,
                name: str) -> AsOf:
    """The state step: at one instant, or at each spine period's end (start), never later than today."""
    if question.as_of is not None:
        return AsOf(log, StateAt(name, log, bound_of(_instant(question.as_of))))
    if spine is None:
        raise SemanticError("E_AS_OF", "as_of_each needs a time range with both ends",
                            "give --from and --to, or a relative range such as this_quarter")
    first = datetime.combine(spine.periods[0], time()) if spine.periods else None  # no instant is earlier
    spans = validity_intervals(defs, log.entity, f"{name}__spans", first)
    return AsOf(log, StateEach(name, spans, spine, question.as_of_each or "end", bound_of(today)))


def series_range(question: Question, time_range: Bounds | None, today: date) -> Bounds | None:
    """A series shows no period starting after today (it has no state yet); other questions keep their range."""
    if question.as_of_each is None or time_range is None or time_range[1] is None:
        return time_range
    first, last = time_range
    if first is not None and first > today:
        raise SemanticError("E_AS_OF_FUTURE", f"the time range starts after today ({today}), so no period of it has "
                            "a recorded state yet", "ask a range that starts today or earlier")
    return first, min(last, today)


def _read_columns(defs: Definitions, read: Read) -> set[str]:
    """Stored columns of the entity a Read's expressions read (dimensions expanded one level)."""
    entity = defs.entities[read.entity]
    out: set[str] = set()
    for column in read.columns:
        if column.key:
            continue
        for text in column.texts:
            for name in parse_scalar(text).identifiers:
                dim = entity.dimensions.get(name)
                out.update(parse_scalar(dim.expr).identifiers if dim is not None and dim.expr else {name})
    return out


def _when(question: Question) -> str:
    if question.as_of is not None:
        value = question.as_of
        return f"as of {value} (end of day)" if not isinstance(value, datetime) else f"as of {value.isoformat()}"
    return f"as of the {question.as_of_each} of each period (not later than today)"


def as_of_notes(defs: Definitions, as_of: AsOf, question: Question, steps: tuple[Step, ...],
                dims: tuple[DimensionUse, ...]) -> tuple[str, dict[str, str]]:
    """The metrics' note (when, from which log, which columns read are today's) and each dimension's note."""
    log = as_of.log
    reads = [s for s in steps if isinstance(s, Read) and s.source is as_of.state]
    used = set().union(*[_read_columns(defs, r) for r in reads]) - {defs.entities[log.entity].primary_key}
    current = [c for c in current_columns(log) if c in used]
    parents = sorted({d.entity for d in dims if d.entity != log.entity})
    now = [f"{log.entity}.{c}" for c in current] + [f"{p} columns" for p in parents]
    note = f"{_when(question)}, rebuilt from {log.log}" + (f"; {', '.join(now)} as of now" if now else "")
    dim_notes = {}
    for d in dims:
        if d.entity != log.entity:
            dim_notes[d.ref] = f"as of now: {d.entity} is not read as of"
            continue
        reads_now = parse_scalar(d.dimension.expr or d.name).identifiers - set(log.history.fields)
        dim_notes[d.ref] = f"as of now: {', '.join(sorted(reads_now))} not in {log.log}" if reads_now else \
            _when(question)
    return note, dim_notes
