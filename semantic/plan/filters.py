"""Question filters checked and typed against their dimension, so the database receives proper values.

Values are converted here (a date string for a time dimension becomes a `date`, '42' for a number becomes
42) and later bound as parameters; nothing a user types is ever pasted into SQL text.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from semantic.definitions.models import Filter
from semantic.definitions.project import Definitions
from semantic.errors import SemanticError, did_you_mean_value, known_names_hint
from semantic.plan.model import DimensionUse, FilterUse

MAX_FILTER_VALUES = 1_000
MAX_INT = 2**63 - 1
MAX_VALUE_LENGTH = 1_000
NO_VALUE = ("is_null", "not_null")
MANY_VALUES = ("in", "not_in")
STAGE_OPS = ("eq", "neq", "in", "not_in")  # the ops whose values name a stage (contains 'closed' is a pattern)


def _convert(dim: DimensionUse, value: Any) -> Any:
    kind = dim.dimension.type
    if value is None:
        raise SemanticError("E_BAD_FILTER", f"filter on '{dim.ref}' has an empty value",
                            "use op is_null / not_null to test for missing values")
    if isinstance(value, (list, dict, tuple)):
        raise SemanticError("E_BAD_FILTER", f"filter on '{dim.ref}': a value must be a single string, number or "
                            "boolean", "use op `in` with `values` for several values")
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        raise SemanticError("E_BAD_FILTER", f"filter value for '{dim.ref}' is longer than {MAX_VALUE_LENGTH} "
                            "characters", "shorten the value")
    if kind == "time":
        if isinstance(value, (date, datetime)):
            return value
        try:
            text = str(value).strip()
            return datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        except ValueError:
            raise SemanticError("E_BAD_FILTER", f"'{value}' is not a date for time dimension '{dim.ref}'",
                                "write dates as YYYY-MM-DD") from None
    if kind == "number":
        if isinstance(value, bool):
            raise SemanticError("E_BAD_FILTER", f"'{dim.ref}' is a number, not a boolean", "compare with a number")
        if not isinstance(value, (int, float)):
            try:
                value = float(value) if any(c in str(value) for c in ".eE") else int(value)
            except ValueError:
                raise SemanticError("E_BAD_FILTER", f"'{value}' is not a number for '{dim.ref}'",
                                    "compare number dimensions with numbers") from None
        if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT or \
                isinstance(value, float) and not math.isfinite(value):
            raise SemanticError("E_BAD_FILTER", f"{value} is out of range for '{dim.ref}'",
                                "use a number a database can hold (64-bit integers, finite decimals)")
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "false"):
            return text == "true"
        raise SemanticError("E_BAD_FILTER", f"'{value}' is not true/false for '{dim.ref}'", "use true or false")
    return value if isinstance(value, str) else str(value)


def stage_names(defs: Definitions, dim: DimensionUse) -> tuple[str, ...]:
    """The glossary's stage names when `dim` is its entity's declared `stage_dimension`, else ()."""
    if defs.entities[dim.entity].stage_dimension != dim.name:
        return ()
    return tuple(s.name for s in defs.stages)


def _check_stages(dim: DimensionUse, op: str, values: tuple[Any, ...], stages: tuple[str, ...]) -> None:
    """A misspelt stage matches no row and returns a plausible zero: refuse it, as validation does."""
    if not stages or op not in STAGE_OPS:
        return
    for value in values:
        if value not in stages:
            raise SemanticError("E_UNKNOWN_STAGE", f"filter on '{dim.ref}' uses unknown stage '{value}'"
                                + did_you_mean_value(str(value), stages), known_names_hint("stages", stages))


def resolve_filter(dim: DimensionUse, flt: Filter, stages: tuple[str, ...] = ()) -> FilterUse:
    """Check and type one question filter; `stages` (see stage_names) are the values a stage filter may use."""
    use = _resolve(dim, flt)
    _check_stages(dim, use.op, use.values, stages)
    return use


def _resolve(dim: DimensionUse, flt: Filter) -> FilterUse:
    op = flt.op
    if op in NO_VALUE:
        if flt.value is not None or flt.values:
            raise SemanticError("E_BAD_FILTER", f"op '{op}' on '{dim.ref}' takes no value", "remove the value")
        return FilterUse(dim, op, ())
    if op in MANY_VALUES or op == "between":
        raw = tuple(flt.values or ()) or ((flt.value,) if flt.value is not None and op != "between" else ())
        if op == "between" and len(raw) != 2:
            raise SemanticError("E_BAD_FILTER", f"'between' on '{dim.ref}' needs exactly two values",
                                "give values: [low, high]")
        if not raw:
            raise SemanticError("E_BAD_FILTER", f"op '{op}' on '{dim.ref}' needs at least one value",
                                "give values: [...]")
        if len(raw) > MAX_FILTER_VALUES:
            raise SemanticError("E_BAD_FILTER", f"op '{op}' on '{dim.ref}' has more than {MAX_FILTER_VALUES} "
                                "values", "filter on a coarser dimension")
        return FilterUse(dim, op, tuple(_convert(dim, v) for v in raw))
    if flt.values:
        raise SemanticError("E_BAD_FILTER", f"op '{op}' on '{dim.ref}' takes one `value`, not `values`",
                            "use op `in` for several values")
    value = _convert(dim, flt.value)
    if op == "contains" and not isinstance(value, str):
        raise SemanticError("E_BAD_FILTER", f"'contains' needs text for '{dim.ref}'", "give a string value")
    return FilterUse(dim, op, (value,))
