"""The two versions a report needs: the package's, and that of the definitions its numbers came from."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from semantic.definitions import load_project
from semantic.layer import VersionInfo, git_version

DISTRIBUTION = "revenue-semantic-layer"


def package_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source checkout that was never installed
        return "unknown (not installed)"


def versions_text(project: Path) -> str:
    """`semantic X.Y.Z`, then the definitions version stamp of `project` (as answers carry it) or why none."""
    loaded = load_project(project)
    defs = loaded.definitions
    if not defs.files:
        return f"semantic {package_version()}\ndefinitions: none in {project.resolve()}"
    commit, dirty = git_version(project, defs.files)
    stamp = str(VersionInfo(defs.version, commit, dirty))
    state = f" (invalid: {len(loaded.errors)} errors, run semantic validate)" if loaded.errors else ""
    return f"semantic {package_version()}\ndefinitions {stamp}{state} in {project.resolve()}"
