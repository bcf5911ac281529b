"""Date SQL shared by the dialects that write it the standard way (`date_trunc('unit', x)`, `x + INTERVAL`),
so a dialect module names only what it spells differently."""
from __future__ import annotations


def trunc(expr: str, unit: str) -> str:
    if unit == "day":
        return f"CAST({expr} AS DATE)"
    return f"CAST(date_trunc('{unit}', {expr}) AS DATE)"


def shift(expr: str, amount: int, unit: str) -> str:
    return f"CAST({expr} + INTERVAL '{int(amount)} {unit}' AS DATE)"


def shift_by(expr: str, amount: str, unit: str) -> str:
    return f"CAST({expr} + ({amount}) * INTERVAL '1 {unit}' AS DATE)"


def days_between(first: str, second: str) -> str:
    """DATE - DATE is an integer of days (DuckDB, PostgreSQL)."""
    return f"({second} - {first})"
