"""A metric question from URL query parameters, for `/query.csv` and `/query.json`.

The parameters mirror `semantic query`'s flags so a curl line reads like the CLI line it replaces. The
`where` text goes through `parse_where` (the CLI's own parser) into structured filters whose values are
bound parameters; nothing from the URL is ever pasted into SQL. Every refusal is a `SemanticError` with a
code and a hint, and no parameter is silently ignored: an unknown or doubled one is an error, not a guess.
"""
from __future__ import annotations

import typing
from typing import Any

from starlette.datastructures import QueryParams

from semantic.access import Caller
from semantic.definitions.models import Grain
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.layer import SemanticLayer
from semantic.question import AsOfEach, Compare, FunnelQuestion, Question, metric_range_from_text, parse_where

LISTS = ("metrics", "by", "order_by", "share_of", "rank_within")  # repeatable, and comma-separated within one value
REPEATED = ("where", "metric_range")  # repeatable only: a filter's values may themselves contain commas
SINGLE = ("grain", "from", "to", "range", "limit", "time_dimension", "saved", "compare", "like_for_like", "as_of",
          "as_of_each", "rank_by", "top")
WHOLE_ANSWER = "total"  # share_of=total: the share of the whole answer (of each period)
PARAMETERS = LISTS + REPEATED + SINGLE
GRAINS = typing.get_args(Grain)
COMPARES = typing.get_args(Compare)
AS_OF_EACH = typing.get_args(AsOfEach)
EXAMPLE = "/query.csv?metrics=bookings,win_rate&by=account.segment&grain=quarter&from=2024-01-01"
WHERE_EXAMPLE = ("example: where=account.segment = 'Enterprise' or opportunity.amount > 1000 "
                 "(URL-encoded; curl -G --data-urlencode does it)")


def _bad(message: str, hint: str, code: str = "E_BAD_REQUEST") -> SemanticError:
    return SemanticError(code, message, hint)


def _values(params: QueryParams, name: str) -> list[str]:
    """Non-blank values of a parameter, list parameters split on commas."""
    raw = params.getlist(name)
    parts = [p for v in raw for p in v.split(",")] if name in LISTS else raw
    return [p.strip() for p in parts if p.strip()]


def _single(params: QueryParams, name: str) -> str | None:
    values = set(_values(params, name))
    if len(values) > 1:
        raise _bad(f"parameter '{name}' was given {len(values)} different values", f"give '{name}' once")
    return values.pop() if values else None


def _check_names(params: QueryParams) -> None:
    for name in params.keys():
        if name not in PARAMETERS:
            raise _bad(f"unknown parameter '{name}'" + did_you_mean(name, PARAMETERS),
                       known_names_hint("parameters", PARAMETERS))


def _limit(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise _bad(f"limit must be a whole number of 1 or more, not '{text}'",
                   "leave limit out to get every row (up to the max_rows setting)")
    return int(text)


def _choice(text: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if text is not None and text not in allowed:
        raise _bad(f"unsupported {name} '{text}'" + did_you_mean(text, allowed), f"use one of: {', '.join(allowed)}")
    return text


def _flag(text: str | None, name: str) -> bool | None:
    if text is not None and text not in ("true", "false"):
        raise _bad(f"{name} must be true or false, not '{text}'", f"{name}=false compares whole periods")
    return None if text is None else text == "true"


def _grain(text: str | None) -> str | None:
    if text is not None and text not in GRAINS:
        raise _bad(f"unsupported grain '{text}'" + did_you_mean(text, GRAINS),
                   f"supported grains: {', '.join(GRAINS)}", "E_BAD_GRAIN")
    return text


def _order(text: str) -> dict[str, Any]:
    column, _, direction = text.partition(":")
    if direction.lower() not in ("", "asc", "desc"):
        raise _bad(f"order_by '{text}': the direction must be asc or desc", "example: order_by=bookings:desc",
                   "E_BAD_ORDER_BY")
    return {"column": column, "descending": direction.lower() == "desc"}


def _filters(texts: list[str]) -> list[dict[str, Any]]:
    """Each `where` value through the CLI's parser; the parser's own hint speaks of `--where`, so a
    refusal here gets one in URL terms."""
    filters = []
    for text in texts:
        try:
            filters += [f.model_dump() for f in parse_where(text)]
        except SemanticError as exc:
            hint = WHERE_EXAMPLE if "--where" in exc.hint else exc.hint
            raise SemanticError(exc.code, exc.message, hint) from None
    return filters


def _standings(params: QueryParams) -> dict[str, Any]:
    """share_of (dimensions, or `total`), rank_by, rank_within and top, as the CLI's flags of the same names."""
    share_of = _values(params, "share_of")
    if WHOLE_ANSWER in share_of and len(share_of) > 1:
        raise _bad(f"share_of={WHOLE_ANSWER} cannot be combined with dimensions", "give one or the other")
    top = _single(params, "top")
    if top is not None and (not top.isdigit() or int(top) < 1):
        raise _bad(f"top must be a whole number of 1 or more, not '{top}'", "example: rank_by=bookings&top=5")
    return {"share_of": [] if share_of == [WHOLE_ANSWER] else share_of or None,
            "rank_by": _single(params, "rank_by"), "rank_within": _values(params, "rank_within") or None,
            "top": int(top) if top is not None else None}


def question_from_params(layer: SemanticLayer, params: QueryParams, caller: Caller | None = None
                         ) -> Question | FunnelQuestion:
    """The question the parameters ask; `saved` starts from a saved query and the others override it.

    As with `semantic query --saved`, a time range replaces the saved one and `where` filters are ANDed
    to the saved filters. Raises SemanticError (or pydantic's ValidationError for a malformed question).
    """
    _check_names(params)
    metrics = _values(params, "metrics")
    for name in metrics:
        layer.metric(name, caller)  # E_UNKNOWN_METRIC with did-you-mean, before anything else is looked at
    filters = _filters(_values(params, "where"))
    start, end, relative = _single(params, "from"), _single(params, "to"), _single(params, "range")
    overrides: dict[str, Any] = {
        "metrics": metrics or None,
        "dimensions": _values(params, "by") or None,
        "grain": _grain(_single(params, "grain")),
        "time_range": {"from": start, "to": end, "relative": relative} if (start or end or relative) else None,
        "time_dimension": _single(params, "time_dimension"),
        "order_by": [_order(o) for o in _values(params, "order_by")] or None,
        "limit": _limit(_single(params, "limit")),
        "compare": _choice(_single(params, "compare"), "compare", COMPARES),
        "like_for_like": _flag(_single(params, "like_for_like"), "like_for_like"),
        "as_of": _single(params, "as_of"),
        "as_of_each": _choice(_single(params, "as_of_each"), "as_of_each", AS_OF_EACH),
        **_standings(params),
        "metric_ranges": [metric_range_from_text(t) for t in _values(params, "metric_range")] or None,
    }
    saved_name = _single(params, "saved")
    if saved_name is not None:
        saved = layer.saved_query(saved_name, caller)
        if filters:
            overrides["filters"] = [f.model_dump() for f in saved.filters] + filters
        if saved.funnel:  # its rows are the funnel's steps: only the range and filters apply
            return FunnelQuestion.from_saved(saved, time_range=overrides["time_range"],
                                             filters=overrides.get("filters"))
        return Question.from_saved(saved, **overrides)
    if not metrics:
        raise _bad("name at least one metric (or saved=NAME)", f"example: {EXAMPLE}")
    return Question.model_validate({"filters": filters, **{k: v for k, v in overrides.items() if v is not None}})
