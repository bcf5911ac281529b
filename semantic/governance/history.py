"""A metric's history from git: the commits that changed its number's definition, and what they changed.

"Changed" means what `semantic diff` means: the metric itself or anything its number depends on (the
metrics it derives from, its measures' entities, terms, stages, calendar: `dependencies` in diff.py,
built on the one lineage module). Each commit that touched a definitions file is compared with its parent,
both loaded with the same code, so a history entry says "changed term 'mql' (filter)" with the lines that
changed, not just "metrics.yaml modified". The history starts with the commit that added the metric (what
its dependencies went through before it existed is theirs). A revision's definitions never change, so they
are loaded once per commit and remembered.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


from semantic.definitions import load_project
from semantic.definitions.project import ROOT_FILES, Definitions
from semantic.governance.diff import DefinitionChange, definition_changes, dependencies
from semantic.governance.revisions import EMPTY_TREE, checkout_definitions, git_output, git_top

FIELD_SEPARATOR = "\x1f"
MAX_DIFF_LINES = 12  # a short diff: the full one is `git show`
MAX_VALUE = 100  # characters of one value shown


@dataclass(frozen=True)
class HistoryEntry:
    commit: str
    date: str  # ISO 8601 with the author's offset
    author: str
    message: str  # the subject line
    changes: tuple[str, ...]  # "changed term 'mql' (filter)"
    diff: tuple[str, ...]  # "- filter: ...", "+ filter: ..." under a "term mql" heading


def _commits(project: Path) -> list[tuple[str, str, str, str]]:
    """(sha, date, author, subject) of every commit touching a definitions file, newest first; merges are
    left out (the commits they bring are listed themselves)."""
    top = git_top(project)
    prefix = project.resolve().relative_to(top).as_posix()
    paths = [f"{'' if prefix == '.' else prefix + '/'}{name}" for name in (*ROOT_FILES, "definitions")]
    fields = FIELD_SEPARATOR.join(("%H", "%aI", "%an", "%s"))
    text = git_output(top, "log", "--no-merges", f"--format={fields}", "--", *paths).decode(errors="replace")
    return [tuple(line.split(FIELD_SEPARATOR, 3)) for line in text.splitlines() if line]  # type: ignore[misc]


@lru_cache(maxsize=32)
def _definitions_at(project: Path, commit: str) -> Definitions:
    scratch = checkout_definitions(project, commit)
    try:
        return load_project(scratch).definitions  # an invalid old version still has the items it parsed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _parent(project: Path, commit: str) -> str | None:
    text = git_output(git_top(project), "rev-list", "--parents", "-n", "1", commit).decode().split()
    return text[1] if len(text) > 1 else None


def _flat(value: Any, prefix: str = "") -> list[str]:
    """`path: value` lines, one per leaf (`measures.mql_count.terms: [mql]`): a change reads in one line."""
    if isinstance(value, dict):
        return [line for key, item in value.items() for line in _flat(item, f"{prefix}{key}.")]
    if isinstance(value, list) and value and all(isinstance(v, dict) and "name" in v for v in value):
        return [line for item in value for line in _flat(item, f"{prefix}{item['name']}.")]  # stages, by name
    text = json.dumps(value) if isinstance(value, list) else " ".join(str(value).split())
    return [f"{prefix.rstrip('.')}: {text[:MAX_VALUE] + '...' if len(text) > MAX_VALUE else text}"]


def _text(defs: Definitions, section: str, name: str) -> list[str]:
    """One definition as `path: value` lines, or nothing when it does not exist."""
    item: Any
    if section == "stages":
        item = [s.model_dump(mode="json", exclude_defaults=True) for s in defs.stages]
    elif section == "calendar":
        item = defs.calendar.model_dump(mode="json")
    else:
        found = getattr(defs, section).get(name)
        if found is None:
            return []
        item = found.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return _flat(item)


def _short_diff(before: Definitions, after: Definitions, changes: list[DefinitionChange]) -> tuple[str, ...]:
    lines: list[str] = []
    for change in changes:
        old, new = _text(before, change.section, change.name), _text(after, change.section, change.name)
        lines.append(change.describe())
        lines += [f"- {line}" for line in old if line not in new] + [f"+ {line}" for line in new if line not in old]
    return tuple(lines[:MAX_DIFF_LINES] + (["..."] if len(lines) > MAX_DIFF_LINES else []))


def metric_history(project: Path, metric: str, limit: int = 10) -> list[HistoryEntry]:
    """Up to `limit` commits, newest first, that changed the metric or what it depends on."""
    project = project.resolve()
    entries: list[HistoryEntry] = []
    for sha, when, author, subject in _commits(project):
        after = _definitions_at(project, sha)
        before = _definitions_at(project, _parent(project, sha) or EMPTY_TREE)  # a first commit adds all
        deps = dependencies(before, metric) | dependencies(after, metric)
        if not deps:
            continue
        changes = [c for c in definition_changes(before, after) if (c.section, c.name) in deps]
        if changes:
            entries.append(HistoryEntry(sha, when, author, subject, tuple(c.describe() for c in changes),
                                        _short_diff(before, after, changes)))
            if len(entries) >= limit:
                break
    return entries
