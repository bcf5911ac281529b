"""YAML's implicit typing: unquoted dates in a time range are taken as written; a filter value YAML turned
into another type (the "Norway problem": NO -> false) is a warning, never a silent change."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from semantic.definitions import load_project
from semantic.definitions.models import TimeRange
from tests.definitions.cases import FIXTURES


def test_time_range_accepts_unquoted_dates() -> None:
    assert TimeRange.model_validate({"from": date(2025, 1, 1), "to": date(2025, 3, 31)}) == TimeRange(
        start="2025-01-01", end="2025-03-31")


def test_time_range_still_refuses_a_timestamp() -> None:
    from datetime import datetime

    with pytest.raises(ValidationError):
        TimeRange.model_validate({"from": datetime(2025, 1, 1, 9, 30)})


def test_unquoted_dates_load_as_iso_text() -> None:
    loaded = load_project(FIXTURES / "filter_value_type")
    assert not loaded.errors
    time_range = loaded.definitions.saved_queries["norway"].time_range
    assert (time_range.start, time_range.end) == ("2025-01-01", "2025-03-31")


def test_norway_problem_is_a_warning_with_the_fix() -> None:
    issues = [i for i in load_project(FIXTURES / "filter_value_type").issues if i.code == "W_FILTER_VALUE_TYPE"]
    first = issues[0]
    assert first.severity == "warning" and "account.region" in first.message and "boolean" in first.message
    assert first.hint == "quote it as written, e.g. 'NO'"
    assert "'2025-01-01'" in issues[1].hint


def test_quoted_values_and_fitting_types_are_quiet(tmp_path: Path) -> None:
    text = (FIXTURES / "filter_value_type" / "metrics.yaml").read_text()
    fixed = text.replace("value: NO}", "value: 'NO'}").replace("2025-01-01, 0123]", "'x', '0123']")
    fixed = fixed.replace("value: true}", "value: 5}")
    (tmp_path / "metrics.yaml").write_text(fixed)
    assert [i.render() for i in load_project(tmp_path).issues] == []
