"""A question as `/query.json` and `/query.csv` parameters, which mirror the `semantic query` flags.

The server parses `where` (the CLI's filter syntax) into bound parameters, so this client needs neither
GraphQL nor the schema to ask any question, and the sync and async clients build identical requests.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence, TypedDict


class Options(TypedDict, total=False):
    """Everything a question may add to its metrics and dimensions (docs/api.md, "CSV and JSON")."""

    grain: str  # day, week, month, quarter, year, fiscal_quarter, fiscal_year: adds the `period` column
    start: str | date  # inclusive first day
    end: str | date  # inclusive last day
    relative: str  # this_quarter, last_fiscal_year, last_90_days, ...
    where: str | Sequence[str]  # filters in the CLI's syntax, ANDed
    order_by: Sequence[str]  # output columns, `name` or `name:desc`
    limit: int
    time_dimension: str
    compare: str  # previous_period or same_period_last_year
    like_for_like: bool
    as_of: str | date
    saved: str  # start from a saved query; the other options override it


PARAMETER_OF = {"grain": "grain", "start": "from", "end": "to", "relative": "range", "limit": "limit",
                "time_dimension": "time_dimension", "compare": "compare", "like_for_like": "like_for_like",
                "as_of": "as_of", "saved": "saved"}
REPEATED = {"where": "where", "order_by": "order_by"}


def query_params(metrics: Sequence[str], by: Sequence[str], options: Options) -> list[tuple[str, str]]:
    """URL parameters for the question; raises TypeError for an option this client does not know."""
    unknown = set(options) - set(PARAMETER_OF) - set(REPEATED)
    if unknown:
        raise TypeError(f"unknown question option(s) {sorted(unknown)}; known: "
                        f"{', '.join(sorted({*PARAMETER_OF, *REPEATED}))}")
    if isinstance(metrics, str) or isinstance(by, str):
        raise TypeError("metrics and by are lists of names, e.g. ['bookings'] and ['account.segment']")
    params = [("metrics", ",".join(metrics))] if metrics else []
    params += [("by", name) for name in by]
    for option, value in options.items():
        if value is None:
            continue
        if option in REPEATED:
            values = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
            params += [(REPEATED[option], str(v)) for v in values]
        elif isinstance(value, bool):
            params.append((PARAMETER_OF[option], "true" if value else "false"))
        else:
            params.append((PARAMETER_OF[option], value.isoformat() if isinstance(value, date) else str(value)))
    return params
