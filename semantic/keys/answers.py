"""The keys an answer rests on, and the coded warnings it carries when one of them failed or is unverified.

An answer depends on the primary key of every entity its plan reads rows of (a repeated key multiplies
whatever is counted over it, or over rows joined to it) and on every join it follows (orphan rows land in
the null value of the joined dimensions). The warnings say so in the answer itself, in the CLI, GraphQL,
JSON and CSV alike, instead of letting multiplied numbers pass silently.
"""
from __future__ import annotations

import threading
from typing import Any

from semantic.definitions.project import Definitions
from semantic.errors import Issue
from semantic.keys.probe import Target, checkable
from semantic.keys.registry import KEY_CHECKS
from semantic.plan.steps import Join, Plan
from semantic.result import AnswerWarning


def depends_on(defs: Definitions, plan: Plan) -> tuple[Target, ...]:
    """Primary keys of the entities the plan reads, then the joins it follows (each once, in plan order)."""
    keys: dict[Target, None] = {}
    joins: dict[Target, None] = {}
    for step in plan.steps:
        entity = getattr(step, "entity", None)
        if isinstance(entity, str) and checkable(defs, entity):
            keys[(entity, None)] = None
        if isinstance(step, Join):
            alias_entity = {step.base.alias: step.base.entity}
            alias_entity.update({e.target.alias: e.target.entity for e in step.edges})
            for edge in step.edges:
                source = alias_entity.get(edge.source_alias)
                if source is not None and checkable(defs, edge.target.entity):
                    joins[(source, edge.role)] = None
    return tuple(keys) + tuple(joins)


def _warning(finding: Issue) -> AnswerWarning:
    code = "W_" + finding.code[2:] if finding.code.startswith("E_") else finding.code
    effect = {"W_KEY_NOT_UNIQUE": "counts and sums over it, or over rows joined to it, may be multiplied",
              "W_KEY_NULL": "rows without a key are never reached through a join"}
    tail = effect.get(code)
    return AnswerWarning(code, finding.message + (f"; in this answer {tail}" if tail else ""), finding.hint)


def answer_warnings(defs: Definitions, url: str | None, settings: Any, plan: Plan,
                    cancel: threading.Event | None = None) -> tuple[AnswerWarning, ...]:
    """Warnings of the keys `plan` depends on: checked first when unverified (unless checks are off)."""
    wanted = depends_on(defs, plan)
    if not url or not wanted:
        return ()
    if settings.key_check_max_age_s > 0:
        findings, unverified = KEY_CHECKS.check(defs, url, settings, wanted, cancel=cancel).findings, ()
    else:
        findings, unverified = (), wanted
    warnings = [_warning(f) for f in findings]
    if unverified:
        names = ", ".join(f"{e}.{r}" if r else f"{e} primary key" for e, r in unverified)
        warnings.append(AnswerWarning(
            "W_KEYS_UNVERIFIED", f"this answer rests on keys not checked against this data: {names}; a key "
            "that repeats would multiply its numbers",
            "run `semantic validate --database URL`, or set key_check_max_age_s above 0 so answers check them"))
    return tuple(warnings)
