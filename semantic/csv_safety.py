"""CSV injection guard: text a spreadsheet would run as a formula is written as plain text.

Excel, LibreOffice and Google Sheets treat a cell starting with `=`, `+`, `-` or `@` as a formula (and a
leading tab or carriage return can hide one), so a CRM text such as `=HYPERLINK(...)` in an export would run
when the file is opened. Following the OWASP rule, such text gets a leading single quote, which spreadsheets
show as text. Only text is touched: numbers are written by the CSV writer as numbers, so `-1200.5` stays a
negative number. One rule for every CSV the project writes: the API's (server/plain_http.py chooses per
request) and `semantic query|funnel|waterfall --format csv`.
"""
from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """`'=1+1` for the text `=1+1`; every other value (numbers included) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
