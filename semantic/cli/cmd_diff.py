"""`semantic diff`: the preview a definitions pull request needs: what changed, which numbers move, why.

As text for a terminal, JSON for a script, or GitHub-flavoured Markdown for a pull-request comment (the same
rows; Markdown cells are escaped, since an error message may hold `|` or a newline).
"""
from __future__ import annotations

import json
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from semantic.cli.app import (DatabaseOption, ProjectOption, SettingOption, TodayOption, app, database_url, err,
                              execution_settings, fail, out)
from semantic.cli.preview import AsRoleOption, ClaimOption, preview_caller
from semantic.formatting import format_value
from semantic.errors import DefinitionsInvalid, SemanticError
from semantic.governance.diff import DefinitionChange, MetricChange, definition_changes, metric_changes
from semantic.governance.revisions import checkout_definitions
from semantic.layer import SemanticLayer


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


Row = tuple[str, str, str, str, str]  # metric, base, new, change, why


def cell(text: str) -> str:
    """One Markdown table cell: one line, `|` escaped, backticks made quotes (no code span opens)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")


def markdown_report(base: str, base_version: str, new_version: str, changes: list[DefinitionChange],
                    rows: list[Row] | None, period: str, moved: int, compared: int) -> str:
    """`rows` is None when numbers were not computed (--no-numbers)."""
    lines = [f"### Definitions: `{cell(base)}` ({base_version}) → this branch ({new_version})", ""]
    if changes:
        lines += [f"- {cell(change.describe())}" for change in changes]
    else:
        lines.append("No definition changed.")
    if rows is None:
        return "\n".join(lines) + "\n"
    lines.append("")
    if not rows:
        lines.append(f"No metric value moves ({compared} compared, {cell(period)}).")
        return "\n".join(lines) + "\n"
    lines += [f"**Metric values, base → new** ({cell(period)})", "",
              "| metric | base | new | change | why |", "| --- | ---: | ---: | ---: | --- |"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    lines += ["", f"{moved} of {compared} metrics move."]
    return "\n".join(lines) + "\n"


def _change_text(base: Any, new: Any, fmt: str) -> str:
    if not isinstance(base, (int, float)) or not isinstance(new, (int, float)):
        return "-"
    delta = new - base
    if fmt == "percent":
        return f"{delta * 100:+.1f} pts"
    relative = f" ({delta / base:+.1%})" if base else ""
    return ("+" if delta >= 0 else "-") + format_value(abs(delta), fmt) + relative


@app.command("diff")
def diff_command(base: str = typer.Option("HEAD", "--base", help="Git revision to compare with (e.g. main)."),
                 start: Optional[str] = typer.Option(None, "--from", help="Start date (inclusive) of the numbers."),
                 end: Optional[str] = typer.Option(None, "--to", help="End date (inclusive) of the numbers."),
                 relative: Optional[str] = typer.Option(None, "--range", "-r", help="Relative range, e.g. "
                                                                                    "this_fiscal_year."),
                 today: Optional[str] = TodayOption,
                 show_all: bool = typer.Option(False, "--all", help="List unchanged metrics too."),
                 numbers: bool = typer.Option(True, "--numbers/--no-numbers", help="Compute metric values."),
                 output: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f"),
                 setting: list[str] = SettingOption,
                 as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption,
                 project: Path = ProjectOption, database: Optional[str] = DatabaseOption) -> None:
    """Compare the definitions with a git revision: changed definitions, and metric numbers before/after
    (with --as-role: the numbers that role sees, each version under its own roles)."""
    caller = preview_caller(as_role, claim)
    settings, url = execution_settings(setting, today), database_url(database, project)
    try:
        new = SemanticLayer.open(project, url, settings)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail("the changed definitions are invalid", "fix the issues above (semantic validate)") from None
    scratch: Path | None = None
    try:
        scratch = checkout_definitions(project, base)
        old = SemanticLayer.open(scratch, url, settings)
        changes = definition_changes(old.definitions, new.definitions)
        question: dict[str, Any] = {}
        if start or end or relative:
            question["time_range"] = {"from": start, "to": end, "relative": relative}
        metrics = metric_changes(old, new, question, changes, caller) if numbers else []
    except DefinitionsInvalid:
        raise fail(f"the definitions at {base} are invalid, so there is nothing sound to compare with",
                   "compare with another revision (--base)") from None
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    moved = [m for m in metrics if m.moved]
    if output is DiffFormat.json:
        payload = {
            "base": {"revision": base, "version": str(old.version)}, "new": {"version": str(new.version)},
            "definitions": [{"section": c.section, "name": c.name, "change": c.change, "fields": list(c.fields)}
                            for c in changes],
            "metrics": [{"name": m.name, "base": m.base, "new": m.new, "delta": m.delta, "moved": m.moved,
                         "reasons": list(m.reasons), "error": m.error} for m in (metrics if show_all else moved)],
        }
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    period = relative or (f"{start or '...'} to {end or '...'}" if start or end else "all time")
    rows = [_row(m, new.definitions.metrics[m.name].format) for m in (metrics if show_all else moved)]
    if output is DiffFormat.markdown:
        sys.stdout.write(markdown_report(base, old.version.content, new.version.content, changes,
                                         rows if numbers else None, period, len(moved), len(metrics)))
        return
    out.print(f"definitions: {base} ({old.version.content}) -> working tree ({new.version.content})",
              highlight=False)
    for change in changes:
        out.print(f"  {change.describe()}", highlight=False, markup=False)
    if not changes:
        out.print("  no definition changed", highlight=False)
    if not numbers:
        return
    if not rows:
        out.print(f"no metric value moves ({len(metrics)} compared)", highlight=False)
        return
    table = Table(title=f"metric values, base -> new ({period})", title_justify="left")
    for column in ("metric", "base", "new", "change", "why"):
        table.add_column(column, justify="right" if column in ("base", "new", "change") else "left")
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(f"{len(moved)} of {len(metrics)} metrics move", highlight=False)


def _row(change: MetricChange, fmt: str) -> Row:
    """One metric's line of the report: name, both values, the change, and the definitions behind it."""
    return (change.name, format_value(change.base, fmt), format_value(change.new, fmt),
            _change_text(change.base, change.new, fmt), change.error or "; ".join(change.reasons) or "data only")
