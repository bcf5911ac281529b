"""One commit of a metric's history (semantic/governance/history.py): who changed its number's definition,
when, why (the commit message) and what (the definitions changed, with a short diff)."""
from __future__ import annotations

import strawberry

from semantic.governance.history import HistoryEntry


@strawberry.type(description="A commit that changed a metric's definition or something it depends on.")
class MetricChange:
    commit: str = strawberry.field(description="The full commit id.")
    date: str = strawberry.field(description="Author date, ISO 8601 with the author's UTC offset.")
    author: str
    message: str = strawberry.field(description="The commit's subject line.")
    changes: list[str] = strawberry.field(description="Definitions changed that the metric depends on, e.g. "
                                                      "`changed term 'mql' (filter)`.")
    diff: list[str] = strawberry.field(description="A short diff: each change's heading, then `- path: old` and "
                                                   "`+ path: new` lines.")

    @classmethod
    def from_domain(cls, entry: HistoryEntry) -> "MetricChange":
        return cls(commit=entry.commit, date=entry.date, author=entry.author, message=entry.message,
                   changes=list(entry.changes), diff=list(entry.diff))
