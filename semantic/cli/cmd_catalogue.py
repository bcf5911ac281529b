"""`semantic list KIND` and `semantic explain METRIC`: what exists, and what one metric means, without a server.

Both read the definitions only (no database), so they answer on a laptop with nothing but the YAML; the
rows come from semantic/catalogue.py, the same words the API's catalogue uses.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from rich.table import Table

from semantic.access import access_for
from semantic.cli.preview import AsRoleOption, ClaimOption, preview_caller
from semantic.catalogue import LISTINGS, explanation, listing
from semantic.cli.app import ProjectOption, app, database_url, err, fail, out
from semantic.definitions import Definitions, require_valid
from semantic.errors import DefinitionsInvalid, SemanticError
from semantic.layer import SemanticLayer, VersionInfo

Kind = Enum("Kind", {name.replace("-", "_"): name for name in LISTINGS}, type=str)  # type: ignore[misc]
LIST_COLUMNS = {"metrics": ("name", "type", "format", "owner", "certified", "label"),
                "dimensions": ("name", "type", "label"),
                "terms": ("name", "status", "entity", "filter"),
                "saved-queries": ("name", "metrics", "funnel", "dimensions", "grain"),
                "entities": ("name", "source", "primary_key", "dimensions", "measures")}


class ListFormat(str, Enum):
    table = "table"
    json = "json"


def valid_definitions(project: Path) -> Definitions:
    try:
        return require_valid(project)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail("the definitions are invalid", "fix the issues above (semantic validate)") from None


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(value) or "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@app.command("list")
def list_command(kind: Kind = typer.Argument(..., help="What to list."),
                 output: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="table or json."),
                 as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption,
                 project: Path = ProjectOption) -> None:
    """List the metrics, dimensions, terms, saved queries or entities the definitions hold (with --as-role:
    those the role sees)."""
    caller = preview_caller(as_role, claim)
    defs = valid_definitions(project)
    try:
        rows = listing(defs, kind.value, access_for(defs, caller) if caller else None)
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    if output is ListFormat.json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(caption=f"{len(rows)} {kind.value}", caption_justify="left")
    columns = LIST_COLUMNS[kind.value]
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in columns))
    out.print(table)


@app.command("explain")
def explain_command(metric: str = typer.Argument(..., help="Metric name, e.g. win_rate."),
                    output: ListFormat = typer.Option(ListFormat.table, "--format", "-f", help="table or json."),
                    dialect: Optional[str] = typer.Option(None, help="SQL dialect (default: the database's)."),
                    project: Path = ProjectOption,
                    database: Optional[str] = typer.Option(None, "--database", "-d", help="Database URL; only "
                                                           "its dialect is used (nothing is executed)."),
                    as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption) -> None:
    """What a metric means: description, formula, terms, measures, entities and the SQL it compiles to."""
    caller = preview_caller(as_role, claim)
    defs = valid_definitions(project)
    try:
        about = explanation(defs, metric, access_for(defs, caller) if caller else None)
        layer = SemanticLayer(defs, database_url(database, project), VersionInfo(defs.version))
        about["sql"] = layer.metric_sql(metric, dialect, caller)
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    if output is ListFormat.json:
        sys.stdout.write(json.dumps(about, indent=2) + "\n")
        return
    _print_explanation(about)


def _print_explanation(about: dict[str, Any]) -> None:
    def line(text: str) -> None:
        out.print(text, highlight=False, markup=False, soft_wrap=True)

    certified = ", certified" if about["certified"] else ""
    line(f"{about['name']} ({about['label'] or about['name']}): {about['type']} metric, {about['format']}, "
         f"owner {about['owner'] or '-'}{certified}")
    line(f"  {about['description'] or '(no description)'}")
    line(f"formula: {about['formula']}")
    if about["metrics"]:
        line(f"metrics: {', '.join(about['metrics'])}")
    for measure in about["measures"]:
        default = "*" if measure["agg"] == "count" else measure["name"]  # a count counts rows by default
        parts = [f"{measure['agg']}({measure['expr'] or default})"]
        if measure["filter"]:
            parts.append(f"where {measure['filter']}")
        if measure["terms"]:
            parts.append(f"terms {', '.join(measure['terms'])}")
        line(f"measure {measure['name']} on {measure['entity']}: {' '.join(parts)}")
    for term in about["terms"]:
        line(f"term {term['name']}: {term['filter'] or '(no filter)'} -- {term['definition']}")
    line(f"entities: {', '.join(about['entities']) or '-'}; time axis: {', '.join(about['time_axes']) or '-'}")
    line("sql:")
    line(about["sql"])
