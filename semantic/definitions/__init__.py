"""Definitions stage: YAML files -> typed, merged, validated `Definitions` plus every issue found."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from semantic.definitions.project import Definitions, load_definitions
from semantic.definitions.validate import validate
from semantic.errors import DefinitionsInvalid, Issue, IssueList


@dataclass(frozen=True)
class LoadedProject:
    definitions: Definitions
    issues: tuple[Issue, ...]

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "error")

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.severity == "warning")


def load_project(project_dir: str | Path) -> LoadedProject:
    """Load and validate a project; never raises for bad definitions (they are issues)."""
    issues = IssueList()
    defs = load_definitions(project_dir, issues)
    validate(defs, issues)
    if not issues.errors and not defs.metrics:
        issues.add("E_EMPTY_PROJECT", f"no metrics are defined in {', '.join(defs.files)}", None,
                   "define at least one metric under `metrics:`; served as it is, the catalogue would be empty "
                   "(was a file emptied or saved half-written?)")
    return LoadedProject(defs, tuple(issues.sorted()))


def require_valid(project_dir: str | Path) -> Definitions:
    """Load a project for use; raise DefinitionsInvalid when it has errors."""
    loaded = load_project(project_dir)
    if loaded.errors:
        raise DefinitionsInvalid(list(loaded.issues))
    return loaded.definitions


__all__ = ["Definitions", "LoadedProject", "load_project", "require_valid"]
