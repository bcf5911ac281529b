"""Numbers as people read them (terminal tables, slides): currency with separators, percentages, whole counts."""
from __future__ import annotations

from typing import Any


def format_value(value: Any, fmt: str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if fmt == "currency":
            return f"{value:,.2f}"
        if fmt == "percent":
            return f"{value:.1%}"
        if fmt == "integer":
            return f"{value:,.0f}"
        if fmt in ("days", "number"):
            return f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
    return str(value)
