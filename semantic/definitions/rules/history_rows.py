"""History-rows rule: an entity declared `from_history:` names a change log its rows can be generated from.

Stage spells and hygiene rows are only as right as the history they come from: a missing stage mapping
would turn every amount edit into a stage entry, so the declaration is refused rather than guessed at.
"""
from __future__ import annotations

from semantic.definitions.history_rows import declaration_problems
from semantic.definitions.project import Definitions
from semantic.errors import IssueList


def check_history_rows(defs: Definitions, issues: IssueList) -> None:
    """The history exists and tracks the stage; `activity` names one time dimension linked to the tracked row."""
    for name, ent in defs.entities.items():
        if ent.from_history is None:
            continue
        for key, message, hint in declaration_problems(defs.entities, defs.stages, ent.from_history):
            issues.add("E_HISTORY_ROWS", f"entity '{name}' from_history: {message}",
                       defs.where_value("entities", name, "from_history", key), hint)


RULES = (check_history_rows,)
