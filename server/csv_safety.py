"""Whether one CSV answer escapes formula-like text (the rule itself: semantic/csv_safety.py).

On by default (the `csv_escape_formulas` setting), because CSV answers are made to be opened in
spreadsheets; a request may choose with `escape_formulas=true|false` when its consumer is a program that
wants the text exactly as stored.
"""
from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.requests import Request

from semantic.errors import SemanticError

PARAMETER = "escape_formulas"


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
