"""The one grammar for a length of time written in definitions: `90 days`, `12 weeks`, `3 months`.

A cumulative metric's `window` and a conversion's or funnel step's `within` use it; validation reports a bad
one at its position and the planner reads the same parse, so the two can never disagree.
"""
from __future__ import annotations

import re

from semantic.errors import SemanticError

DURATION = re.compile(r"^\s*([1-9][0-9]{0,4})\s+(day|week|month)s?\s*$")
LIMITS = {"day": 36_500, "week": 5_200, "month": 1_200}  # a century in each unit
HINT = "write a whole number and a unit: `90 days`, `12 weeks` or `3 months` (at most a century)"


def parse_duration(text: str) -> tuple[int, str]:
    """(count, unit) of `text`; E_INVALID_VALUE when it is not a whole number of days, weeks or months."""
    m = DURATION.match(text)
    if m is None or int(m.group(1)) > LIMITS[m.group(2)]:
        raise SemanticError("E_INVALID_VALUE", f"window '{text}' is not a valid window", HINT)
    return int(m.group(1)), m.group(2)
