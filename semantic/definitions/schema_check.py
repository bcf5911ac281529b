"""Turn raw YAML data into typed objects one named item at a time, reporting pydantic errors at their key.

Validating item by item (not the whole file at once) keeps every good metric usable while a bad one is
reported, so the later reference rules still run and all issues surface in one pass.
"""
from __future__ import annotations

from functools import lru_cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from semantic.definitions import models as m
from semantic.definitions.yaml_source import SourceMap
from semantic.errors import IssueList, SemanticError, did_you_mean

SECTION_TYPES: dict[str, Any] = {
    "terms": m.Term,
    "entities": m.Entity,
    "metrics": m.Metric,
    "saved_queries": m.SavedQuery,
    "funnels": m.Funnel,
    "decks": m.Deck,
    "roles": m.Role,
}
SCALAR_SECTIONS: dict[str, Any] = {"version": int, "calendar": m.Calendar, "stages": tuple[m.Stage, ...],
                                   "linking": m.Linking}


@lru_cache(maxsize=None)
def _adapter(tp: Any) -> TypeAdapter:
    return TypeAdapter(tp)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional so the walk sees the real container or model."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if get_origin(tp) in (Union, UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp


def _step(tp: Any, piece: Any) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, field in tp.model_fields.items():
            if piece in (name, field.alias):
                return field.annotation
        return None
    origin = get_origin(tp)
    if origin is dict:
        return get_args(tp)[1]
    if origin in (tuple, list):
        return get_args(tp)[0]
    if origin in (Union, UnionType):  # a discriminated union: pydantic puts the tag in the loc
        for member in get_args(tp):
            tag = getattr(member, "model_fields", {}).get("type")
            if tag is not None and piece in get_args(tag.annotation):
                return member
    return None


def keys_at(tp: Any, loc: tuple) -> set[str]:
    """The keys allowed where an unknown key was written, for a 'did you mean' from the right model."""
    for piece in loc[:-1]:
        tp = _step(tp, piece)
        if tp is None:
            return set()
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return {field.alias or name for name, field in tp.model_fields.items()}
    return set()


def _real_path(data: Any, loc: tuple) -> tuple:
    """Drop the pieces of a pydantic loc that are not in the data (union tags, '[key]' markers)."""
    path: list[Any] = []
    node = data
    for piece in loc:
        if isinstance(node, dict) and piece in node:
            path.append(piece)
            node = node[piece]
        elif isinstance(node, list) and isinstance(piece, int) and 0 <= piece < len(node):
            path.append(piece)
            node = node[piece]
        elif isinstance(node, dict) and isinstance(piece, str) and piece == "[key]":
            continue
    return tuple(path)


def _describe(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "the file"


def report_errors(exc: ValidationError, data: Any, file: str, base: tuple, smap: SourceMap,
                  issues: IssueList, tp: Any = None) -> None:
    for err in exc.errors():
        loc = tuple(err["loc"])
        real = _real_path(data, loc)
        full = base + real
        kind = err["type"]
        where = _describe(full)
        if kind == "extra_forbidden":
            key = loc[-1]
            allowed = keys_at(tp, loc) if tp is not None else set()
            issues.add("E_UNKNOWN_KEY", f"unknown key '{key}' in {_describe(base + real[:-1]) if real else where}"
                       + did_you_mean(str(key), allowed),
                       smap.key(file, base + real), f"allowed here: {', '.join(sorted(allowed))}" if allowed
                       else "remove it or fix its spelling; see docs/definitions.md")
        elif kind == "missing":
            issues.add("E_MISSING_FIELD", f"{where} is missing required field '{loc[-1]}'",
                       smap.key(file, full), f"add `{loc[-1]}:`")
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            tag = (data if not real else _get(data, real)) or {}
            value = tag.get("type") if isinstance(tag, dict) else None
            planned = value in m.PLANNED_METRIC_TYPES
            issues.add("E_METRIC_TYPE",
                       f"metric type '{value}' is not supported yet" if planned
                       else f"{where} needs `type:` one of {', '.join(m.METRIC_TYPES)}"
                       + (did_you_mean(str(value), m.METRIC_TYPES) if value else ""),
                       smap.value(file, full + ("type",)),
                       f"use one of: {', '.join(m.METRIC_TYPES)}")
        elif kind == "string_pattern_mismatch":
            issues.add("E_INVALID_NAME", f"{where}: '{err.get('input')}' is not a valid reference",
                       smap.value(file, full),
                       "names are snake_case (a-z, 0-9, _); dimensions are written entity.dimension")
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            issues.add("E_INVALID_VALUE", f"{where}: '{err.get('input')}' is not allowed"
                       + did_you_mean(str(err.get("input")), _literals(expected)),
                       smap.value(file, full), f"expected {expected}")
        else:
            issues.add("E_INVALID_VALUE", f"{where}: {err['msg']}", smap.value(file, full),
                       "see docs/definitions.md for the expected shape")


def _literals(expected: str) -> list[str]:
    return [part.strip(" '\"") for part in expected.replace(" or ", ",").split(",") if part.strip()]


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


def parse_item(tp: Any, data: Any, file: str, base: tuple, smap: SourceMap, issues: IssueList) -> Any | None:
    """Validate one item; on failure report every error and return None."""
    try:
        return _adapter(tp).validate_python(data)
    except ValidationError as exc:
        report_errors(exc, data, file, base, smap, issues, tp)
    except SemanticError as exc:  # a model's own coded refusal, e.g. E_VALUE_TOO_DEEP for a filter value
        issues.add(exc.code, exc.message, smap.value(file, base + _refused_value(data)), exc.hint)
    return None


def _refused_value(data: Any) -> tuple:
    """Where in a saved query the filter value a model refused is written (its first refused `value(s)`)."""
    filters = data.get("filters") if isinstance(data, dict) else None
    for i, flt in enumerate(filters if isinstance(filters, list) else ()):
        for key in ("value", "values"):
            if isinstance(flt, dict) and key in flt:
                try:
                    m.check_value_shape(flt[key], key)
                except SemanticError:
                    return ("filters", i, key)
    return ()
