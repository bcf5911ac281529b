"""`semantic history METRIC`: the commits that changed a metric's number, from git, with what they changed."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import Enum
from pathlib import Path

import typer

from semantic.cli.app import ProjectOption, app, fail, out
from semantic.cli.cmd_catalogue import valid_definitions
from semantic.errors import SemanticError
from semantic.governance.history import metric_history
from semantic.plan.formulas import lookup_metric


class HistoryFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("history")
def history_command(metric: str = typer.Argument(..., help="Metric name, e.g. win_rate."),
                    limit: int = typer.Option(10, "--limit", "-n", min=1, max=1000, help="Most commits shown."),
                    output: HistoryFormat = typer.Option(HistoryFormat.text, "--format", "-f", help="text or json."),
                    project: Path = ProjectOption) -> None:
    """Commits (newest first) that changed the metric or anything its number depends on, with a short diff."""
    defs = valid_definitions(project)
    try:
        lookup_metric(defs, metric)
        entries = metric_history(project, metric, limit)
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    if output is HistoryFormat.json:
        sys.stdout.write(json.dumps([asdict(e) for e in entries], indent=2) + "\n")
        return
    if not entries:
        out.print(f"no commit changed '{metric}' or what it depends on", highlight=False, markup=False)
    for entry in entries:
        out.print(f"{entry.commit[:12]} {entry.date[:10]} {entry.author}: {entry.message}", highlight=False,
                  markup=False)
        for line in entry.diff:
            out.print(f"  {line}" if line[:2] in ("- ", "+ ", "..") else f" {line}", highlight=False, markup=False)
