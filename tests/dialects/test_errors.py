"""A warehouse's own time limit or bytes cap ending a statement is the layer's coded error, recognised from
the text each vendor documents for it, as the driver raises it through SQLAlchemy."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from semantic.dberrors import query_error
from semantic.settings import ExecutionSettings

SETTINGS = ExecutionSettings(statement_timeout_s=30, max_bytes_billed=1_000_000)


class DriverError(Exception):
    pass


def _raised(message: str) -> DBAPIError:
    return DBAPIError("SELECT ...", None, DriverError(message))


@pytest.mark.parametrize("message", [
    "000630 (57014): Statement reached its statement or warehouse timeout of 30 second(s) and was canceled.",
    'TrinoUserError(type=USER_ERROR, name=EXCEEDED_TIME_LIMIT, message="Query exceeded the maximum execution '
    'time limit of 30.00s", query_id=20251115_000000_00001_abcde)',
    "canceling statement due to statement timeout",
    "INTERRUPT Error: Interrupted!",
], ids=["snowflake", "trino", "postgresql", "duckdb"])
def test_a_server_side_time_limit_is_a_timeout(message: str) -> None:
    error = query_error(_raised(message), None, SETTINGS)
    assert error.code == "E_QUERY_TIMEOUT"
    assert "30 s" in error.message


def test_the_bigquery_bytes_cap_is_too_costly_and_names_the_setting() -> None:
    message = ("400 Query exceeded limit for bytes billed: 1000000. 10485760 or higher required.; "
               "reason: bytesBilledLimitExceeded")
    error = query_error(_raised(message), None, SETTINGS)
    assert error.code == "E_QUERY_TOO_COSTLY"
    assert "1,000,000 (setting max_bytes_billed)" in error.message and "max_bytes_billed" in error.hint


def test_without_the_setting_the_cap_is_the_projects() -> None:
    error = query_error(_raised("Query exceeded limit for bytes billed: 5."), None, ExecutionSettings())
    assert error.code == "E_QUERY_TOO_COSTLY"
    assert "project's default limit" in error.message and "setting" not in error.message


def test_other_refusals_stay_query_failures() -> None:
    error = query_error(_raised("SQL compilation error: invalid identifier 'SEGMENTT'"), None, SETTINGS)
    assert error.code == "E_QUERY_FAILED"
