"""`semantic validate` and `semantic schema`: the commands an analyst runs on every definitions change.

Output is one line per issue (file:line:col first, so editors and CI annotate the right line) and a
summary; the exit code is the contract CI relies on: 0 valid, 1 invalid, 2 bad usage.
"""
from __future__ import annotations

import json
from enum import Enum
from pathlib import Path

import typer

from semantic.cli.app import DatabaseOption, ProjectOption, app, err, fail, out
from semantic.definitions import load_project
from semantic.definitions.jsonschema import schema_text
from semantic.definitions.rules.database import check_database
from semantic.errors import Issue, IssueList
from semantic.keys.registry import key_issues


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@app.command()
def validate(
    project: Path = ProjectOption,
    output_format: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors (exit 1)."),
    database: str | None = DatabaseOption,
) -> None:
    """Check the definitions (and, with --database, that every table and column they use exists, that primary
    keys are unique and set, and how many foreign keys find no row)."""
    loaded = load_project(project)
    issues: list[Issue] = list(loaded.issues)
    if database:
        extra = IssueList()
        check_database(loaded.definitions, database, extra)
        if not extra.errors and not loaded.errors:  # keys are read only from tables known to exist
            extra.items += key_issues(loaded.definitions, database)
        issues += extra.sorted()
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    valid = not errors and not (strict and warnings)
    version = loaded.definitions.version
    if output_format is OutputFormat.json:
        typer.echo(json.dumps({"valid": valid, "version": version, "issues": [i.to_dict() for i in issues]},
                              indent=2))
    else:
        for issue in issues:
            out.print(issue.render(), markup=False, highlight=False)
        verdict = "valid" if valid else ("invalid (--strict: warnings count)" if not errors else "invalid")
        files = _plural(len(loaded.definitions.files), "file")
        out.print(f"{verdict}: {_plural(len(errors), 'error')}, {_plural(len(warnings), 'warning')} in {files} "
                  f"(definitions version {version})", markup=False, highlight=False)
    if not valid:
        raise typer.Exit(1)


@app.command()
def schema(
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the schema to FILE instead of stdout.",
                                       dir_okay=False),
) -> None:
    """Print the JSON Schema of definitions files (editors use it for completion and checks)."""
    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc}", "check the path and permissions")
    err.print(f"wrote {output}", markup=False, highlight=False)
