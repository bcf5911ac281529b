"""GraphQL documents parsed once per process, not once per request.

BI tools and dashboards send a handful of document texts over and over (with variables); parsing one is
about as costly as answering a catalogue question from memory. Only successful parses are remembered, so a
syntax error is still raised by strawberry's own parse, inside the operation, where ApiErrors gives it its
code (strawberry's ParserCache would raise it from the hook, outside that handling).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

DOCUMENTS_REMEMBERED = 512


@lru_cache(maxsize=DOCUMENTS_REMEMBERED)
def parsed(query: str, max_tokens: int | None = None) -> DocumentNode:
    """The document of `query`; raises GraphQLError for a syntax error or too many tokens (not remembered)."""
    return parse(query, max_tokens=max_tokens)


def parsed_or_none(query: Any, max_tokens: int | None = None) -> DocumentNode | None:
    if not isinstance(query, str) or not query:
        return None
    try:
        return parsed(query, max_tokens)
    except GraphQLError:
        return None


class ParsedDocuments(SchemaExtension):
    """Hands strawberry the remembered document, so its parse step is skipped for a known text."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None:
            context.graphql_document = parsed_or_none(context.query, context.parse_options.get("max_tokens"))
        yield
