"""The `freshness:` column of an entity must be one of its rows' columns, so the probe that stamps every answer
with its data's age (semantic/freshness.py) can never fail at query time on a typo."""
from __future__ import annotations

from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.errors import IssueList


def check_freshness_column(defs: Definitions, issues: IssueList) -> None:
    raw_columns = context(defs).raw_columns
    for name, entity in defs.entities.items():
        column = entity.freshness
        known = raw_columns.get(name)
        if column is None or known is None or column in known:
            continue
        report_unknown(issues, "E_UNKNOWN_COLUMN", "column", f"entity '{name}' freshness", column, sorted(known),
                       defs.where_value("entities", name, "freshness"),
                       "name a raw column holding a load or change time (a time dimension without `expr`, or a "
                       "column listed under `columns:`)")


RULES = (check_freshness_column,)
