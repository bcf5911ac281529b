"""GraphQL validation rule: at most `max_questions_per_request` questions (query/savedQuery fields) per
document, counted before anything runs.

Aliases make one document ask the same expensive field many times (`a: query(...) b: query(...)`), so
every occurrence counts, including those inside fragments (a fragment definition is counted once, where it
is written). Each operation and fragment of the document counts, even one that will not be executed: the
limit is on what a client may send, and a document is cheap to split.
"""
from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, ValidationContext, ValidationRule

QUESTION_FIELDS = frozenset({"query", "savedQuery"})


def max_questions_rule(limit: int) -> type[ValidationRule]:
    """A rule class for `limit` (graphql-core instantiates rules per validation, with the context only)."""

    class MaxQuestions(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fields: list[FieldNode] = []

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = self.context.get_parent_type()
            if parent is self.context.schema.query_type and node.name.value in QUESTION_FIELDS:
                self.fields.append(node)

        def leave_document(self, *_: Any) -> None:
            if len(self.fields) > limit:  # one error, pointing at the first field over the limit
                self.report_error(GraphQLError(
                    f"{len(self.fields)} questions in one document (query and savedQuery fields, aliases "
                    f"included); at most {limit} are allowed", self.fields[limit]))

    return MaxQuestions
