"""Every problem the layer reports is a value with a code, a place and a hint.

Definitions problems are collected (all of them in one run, like a compiler); query problems are raised
as `SemanticError` so the CLI and the API can turn them into exit codes and GraphQL errors uniformly.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable, Literal, NamedTuple

Severity = Literal["error", "warning"]


class Position(NamedTuple):
    """file:line:col of a YAML key or value (a tuple: cheap to make by the ten thousand, sorts naturally)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    position: Position | None = None
    hint: str = ""
    severity: Severity = "error"

    def render(self) -> str:
        where = f"{self.position}: " if self.position else ""
        text = f"{where}{self.severity}[{self.code}] {self.message}"
        return f"{text} -- hint: {self.hint}" if self.hint else text

    def to_dict(self) -> dict:
        pos = self.position
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": pos.file if pos else None,
            "line": pos.line if pos else None,
            "col": pos.col if pos else None,
            "hint": self.hint,
        }


class SemanticError(Exception):
    """A question or request that cannot be answered; carries a stable code and a hint for the fix."""

    def __init__(self, code: str, message: str, hint: str = "", **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.details = details

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


class DefinitionsInvalid(SemanticError):
    """Raised when a project cannot be used because its definitions have errors."""

    def __init__(self, issues: list[Issue]) -> None:
        errors = [i for i in issues if i.severity == "error"]
        first = errors[0].render() if errors else "invalid definitions"
        super().__init__(
            "E_INVALID_DEFINITIONS",
            f"{len(errors)} error(s) in the definitions; first: {first}",
            "run `semantic validate` for the full list",
        )
        self.issues = issues


@dataclass
class IssueList:
    """Collector passed through the validation passes."""

    items: list[Issue] = field(default_factory=list)

    def add(self, code: str, message: str, position: Position | None = None, hint: str = "",
            severity: Severity = "error") -> None:
        self.items.append(Issue(code, message, position, hint, severity))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.severity == "error"]

    def sorted(self) -> list[Issue]:
        far = Position("~", 1 << 30, 0)
        return sorted(self.items, key=lambda i: (i.position or far, i.code))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A 'did you mean' suffix for an unknown name, or a list of valid names when nothing is close."""
    names = sorted(set(candidates))
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return ""


def did_you_mean_value(value: str, candidates: Iterable[str]) -> str:
    """did_you_mean for stored values such as stages, which people write in another case or spacing, or by one
    word of the name: 'Closed Won' and 'won' both suggest closed_won."""
    names = sorted(set(candidates))

    def key(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")

    wanted = key(value)
    same = [n for n in names if key(n) == wanted]
    by_word = [n for n in names if wanted and wanted in key(n).split("_")]
    pick = same or (by_word if len(by_word) == 1 else [])
    return f" (did you mean '{pick[0]}'?)" if pick else did_you_mean(value, names)


def known_names_hint(kind: str, candidates: Iterable[str], limit: int = 12) -> str:
    names = sorted(set(candidates))
    if not names:
        return f"no {kind} defined yet"
    shown = ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")
    return f"known {kind}: {shown}"


def first_line(exc: BaseException, limit: int = 300) -> str:
    """A driver error in one line (the DBAPI's own message when SQLAlchemy wrapped it)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:limit] if text else type(exc).__name__
