"""The definitions files as they were at a git revision, written to a scratch folder to load from there.

Only the definitions files are taken (glossary.yaml, metrics.yaml, definitions/**), so a pull request's
base (or any commit of a metric's history) is loaded with exactly the same code as the working tree.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from semantic.definitions.project import ROOT_FILES
from semantic.errors import SemanticError

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's tree with nothing in it: "before the first commit"


def git_output(project: Path, *args: str) -> bytes:
    """Standard output of a git command run in `project`; any failure is E_GIT with the first line of git's."""
    try:
        done = subprocess.run(["git", "-C", str(project), *args], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SemanticError("E_GIT", f"cannot run git: {exc}", "install git, or compare two folders instead") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise SemanticError("E_GIT", f"git {' '.join(args[:2])} failed: {detail[0] if detail else 'unknown error'}",
                            "check that --project is inside a git repository and that --base names a commit, "
                            "branch or tag (e.g. HEAD, main, origin/main)")
    return done.stdout


def git_top(project: Path) -> Path:
    """The top folder of the repository holding `project`; E_NOT_GIT when there is none."""
    try:
        return Path(git_output(project, "rev-parse", "--show-toplevel").decode().strip())
    except SemanticError as exc:
        if "not a git repository" not in exc.message:
            raise
        raise SemanticError("E_NOT_GIT", f"{project} is not in a git repository, so it has no history to read",
                            "keep the definitions in git (git init; git add glossary.yaml metrics.yaml; "
                            "git commit) and changes will be traced from then on") from None


def checkout_definitions(project: Path, revision: str) -> Path:
    """A temporary folder holding the project's definitions files as of `revision`."""
    project = project.resolve()
    top = git_top(project)
    prefix = project.relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    listing = git_output(top, "ls-tree", "-r", "--name-only", revision, "--", f"{prefix}.").decode().splitlines()
    wanted = [p for p in listing if p[len(prefix):] in ROOT_FILES
              or (p[len(prefix):].startswith("definitions/") and p.endswith((".yaml", ".yml")))]
    target = Path(tempfile.mkdtemp(prefix="semantic-base-"))
    for path in wanted:
        dest = target / path[len(prefix):]
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(git_output(top, "show", f"{revision}:{path}"))
    return target
