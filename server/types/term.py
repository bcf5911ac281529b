"""Glossary terms and the ordered opportunity stages: the business's words, defined once."""
from __future__ import annotations

import strawberry

from semantic.definitions import Definitions
from semantic.definitions.lineage import lineages
from semantic.definitions.models import Stage as StageModel
from semantic.definitions.models import Term as TermModel


@strawberry.type(description="A glossary term; its filter is the very one every metric using it applies.")
class Term:
    name: str
    label: str | None
    definition: str
    owner: str | None
    synonyms: list[str]
    status: str = strawberry.field(description="draft or certified.")
    entity: str | None = strawberry.field(description="Entity the term's filter applies to.")
    filter: str | None = strawberry.field(description="SQL condition over the entity's columns.")
    metrics: list[str] = strawberry.field(description="Metrics that use this term, directly or through "
                                                      "their measures.")

    @classmethod
    def from_domain(cls, name: str, term: TermModel, defs: Definitions) -> "Term":
        users = [m for m in defs.metrics if name in lineages(defs).of(m).terms]
        return cls(name=name, label=term.label, definition=term.definition.strip(), owner=term.owner,
                   synonyms=list(term.synonyms), status=term.status, entity=term.entity, filter=term.filter,
                   metrics=users)


@strawberry.type(description="An opportunity stage, in pipeline order.")
class Stage:
    name: str = strawberry.field(description="Value stored in the opportunity's stage column.")
    position: int = strawberry.field(description="1 for the first stage.")
    label: str | None
    definition: str
    entry_criteria: str | None
    probability: float = strawberry.field(description="Chance of winning from this stage (0..1).")
    forecast_category: str
    is_closed: bool
    is_won: bool

    @classmethod
    def from_domain(cls, position: int, stage: StageModel) -> "Stage":
        return cls(name=stage.name, position=position, label=stage.label, definition=stage.definition.strip(),
                   entry_criteria=stage.entry_criteria, probability=stage.probability,
                   forecast_category=stage.forecast_category, is_closed=stage.is_closed, is_won=stage.is_won)
