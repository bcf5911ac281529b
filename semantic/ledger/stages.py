"""The ordered opportunity stages of the canonical demo ledger.

The generator needs the stage list as plain data (it must not depend on a project's YAML being loadable),
but it has to agree with the starter glossary.yaml; a test compares the two so they cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerStage:
    name: str
    probability: float
    forecast_category: str
    is_closed: bool = False
    is_won: bool = False


STAGES: tuple[LedgerStage, ...] = (
    LedgerStage("prospecting", 0.05, "pipeline"),
    LedgerStage("qualification", 0.10, "pipeline"),
    LedgerStage("discovery", 0.25, "pipeline"),
    LedgerStage("proposal", 0.50, "best_case"),
    LedgerStage("negotiation", 0.80, "commit"),
    LedgerStage("closed_won", 1.0, "closed", is_closed=True, is_won=True),
    LedgerStage("closed_lost", 0.0, "omitted", is_closed=True),
)

STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
OPEN_STAGE_COUNT = sum(not s.is_closed for s in STAGES)
WON = STAGE_NAMES.index("closed_won")
LOST = STAGE_NAMES.index("closed_lost")
