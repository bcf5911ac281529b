"""A cheap token scan that bounds how deeply a SQL text nests, run before sqlglot parses it.

sqlglot parses and generates nested constructs (parentheses, `not not ...`, `- - a`, `a::int::int`,
nested CASE, `a.b.c...`) recursively, so a few hundred levels end in a RecursionError and a traceback
per request. Chains of binary operators (`a and b and ...`) are built in loops and cost only time, which
the length limit bounds. The scan over-estimates real nesting a little, never under-estimates it.
"""
from __future__ import annotations

import re

MAX_EXPRESSION_DEPTH = 64  # real definitions nest under ten levels; the parser survives about 300
MAX_EXPRESSION_LENGTH = 20_000  # characters; the longest derived entity SELECT we know is about 1,500

_TOKEN = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d*)?|::|<=|>=|<>|!=|\|\||.",
                    re.DOTALL)
_OPEN = frozenset({"(", "[", "{", "case"})
_CLOSE = frozenset({")", "]", "}", "end"})
# after one of these, the next expression starts afresh at the same level (siblings, not nesting)
_SEPARATORS = frozenset({",", ";", "and", "or", "when", "then", "else", "select", "from", "where", "on", "by",
                         "having", "as", "=", "<", ">", "<=", ">=", "<>", "!=", "*", "/", "%", "||", "in", "like",
                         "ilike", "is", "between", "over", "filter", "partition", "order", "group", "join"})
_OPERANDS_END = frozenset({")", "]", "}", "end"})  # a '-' or '+' after these is binary


class TooDeep(ValueError):
    """The text nests or runs past a limit; the message names the limit."""


def check_sql_size(text: str, limit: int = MAX_EXPRESSION_DEPTH, length: int = MAX_EXPRESSION_LENGTH) -> None:
    """Raise TooDeep when `text` is longer than `length` or may nest deeper than `limit` levels."""
    if len(text) > length:
        raise TooDeep(f"the expression is {len(text):,} characters long; the limit is {length:,}")
    levels = [0]  # per open bracket: how many prefix/suffix operators currently nest inside it
    previous = ""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.isspace():
            continue
        word = token.lower()
        if word in _OPEN:
            levels.append(0)
        elif word in _CLOSE:
            if len(levels) > 1:
                levels.pop()
        elif word in _SEPARATORS or (token in "+-" and _is_operand_end(previous)):
            levels[-1] = 0
        elif word in ("not", "::", ".", "-", "+", "~", "!"):
            levels[-1] += 1
        if len(levels) + sum(levels) > limit:
            raise TooDeep(f"the expression nests more than {limit} levels deep (brackets, CASE, NOT, casts)")
        previous = word


def _is_operand_end(previous: str) -> bool:
    return bool(previous) and (previous in _OPERANDS_END or previous[0].isalnum() or previous[0] in "_'\"")
