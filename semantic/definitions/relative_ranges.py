"""The names of relative time ranges (`this_quarter`, `last_90_days`, ...), so a saved query's range is
checked when the definitions load rather than on its first request.

The grammar lives here, once (the definitions stage must not import the planner); the planner's calendar
imports it to resolve the same names to dates.
"""
from __future__ import annotations

import re
from datetime import date

GRAINS = ("week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year")
RELATIVE = re.compile(r"^(this|last|next)_(week|month|quarter|year|fiscal_quarter|fiscal_year)$")
TO_DATE = re.compile(r"^(week|month|quarter|year|fiscal_quarter|fiscal_year)_to_date$")
LAST_N = re.compile(r"^last_(\d{1,5})_(days|weeks|months)$")
LAST_N_LIMITS = {"days": 36_500, "weeks": 5_200, "months": 1_200}
NAMES: tuple[str, ...] = ("today", "yesterday", *(f"{w}_{g}" for w in ("this", "last", "next") for g in GRAINS),
                          *(f"{g}_to_date" for g in GRAINS), "last_7_days", "last_30_days", "last_90_days",
                          "last_4_weeks", "last_12_months")
HELP = ("today, yesterday, this_/last_/next_ + week|month|quarter|year|fiscal_quarter|fiscal_year, "
        "week|month|quarter|year|fiscal_quarter|fiscal_year + _to_date, last_N_days, last_N_weeks, last_N_months")


def normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def relative_problem(name: str) -> str | None:
    """Why `name` is not a relative range the planner resolves, or None when it is one."""
    key = normalise(name)
    if key in ("today", "yesterday") or RELATIVE.match(key) or TO_DATE.match(key):
        return None
    last_n = LAST_N.match(key)
    if last_n:
        n, unit = int(last_n.group(1)), last_n.group(2)
        return None if 1 <= n <= LAST_N_LIMITS[unit] else f"N must be between 1 and {LAST_N_LIMITS[unit]}"
    return "unknown relative time range"


def bound_problem(text: str) -> str | None:
    """Why a `from`/`to` bound is neither an ISO date nor a relative range name, or None when it is fine."""
    if re.match(r"^\d{4}-", text.strip()):
        try:
            date.fromisoformat(text.strip())
        except ValueError:
            return "not a date (write YYYY-MM-DD)"
        return None
    return relative_problem(text)
