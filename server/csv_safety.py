"""CSV injection guard: text cells that a spreadsheet would run as a formula are written as plain text.

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return can hide one), so a CRM text such as `=HYPERLINK(...)` in an export would run
when the file is opened. Following the OWASP rule, such text gets a leading single quote, which spreadsheets
show as text. Only text is touched: numbers are written by the CSV writer as numbers, so `-1200.5` stays a
negative number. The guard is on by default (the `csv_escape_formulas` setting); a request may choose with
`escape_formulas=true|false` when its consumer is a program that wants the raw text.
"""
from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request

from semantic.errors import SemanticError

PARAMETER = "escape_formulas"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """`'=1+1` for the text `=1+1`; every other value (numbers included) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_choice(request: Request) -> tuple[QueryParams, bool]:
    """This CSV request's parameters without `escape_formulas`, and whether it escapes formulas.

    The default is the server's `csv_escape_formulas` setting; the parameter overrides it for one request.
    """
    params = request.query_params
    default = bool(getattr(request.app.state.settings, "csv_escape_formulas", True))
    values = {v.strip() for v in params.getlist(PARAMETER)}
    if not values:
        return params, default
    if len(values) > 1 or not values <= {"true", "false"}:
        raise SemanticError("E_BAD_REQUEST", f"{PARAMETER} must be given once, as true or false",
                            f"{PARAMETER}=false writes text cells exactly as stored (for programs, not "
                            "spreadsheets)")
    rest = QueryParams([(k, v) for k, v in params.multi_items() if k != PARAMETER])
    return rest, values == {"true"}
