"""`semantic funnel NAME`: a defined funnel's steps with their counts and rates (or its SQL)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from semantic.cli.app import DatabaseOption, ProjectOption, SettingOption, TodayOption, app
from semantic.cli.cmd_query import (FromOption, OutputFormat, RangeOption, ToOption, WhereOption, _guard, _open,
                                    emit, print_sql)
from semantic.cli.preview import AsRoleOption, ClaimOption, preview_caller
from semantic.question import FunnelQuestion, parse_where


@app.command("funnel")
def funnel_command(name: str = typer.Argument(..., help="Funnel name from the `funnels` section."),
                   start: Optional[str] = FromOption, end: Optional[str] = ToOption,
                   relative: Optional[str] = RangeOption, where: list[str] = WhereOption,
                   today: Optional[str] = TodayOption,
                   output: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
                   sql: bool = typer.Option(False, "--sql", help="Print the SQL instead of running it."),
                   dialect: Optional[str] = typer.Option(None, help="SQL dialect for --sql (default: the "
                                                                    "database's)"),
                   setting: list[str] = SettingOption,
                   as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption,
                   project: Path = ProjectOption, database: Optional[str] = DatabaseOption) -> None:
    """Count the rows reaching each step of a funnel, in order, with step-to-step and cumulative rates.

    The range selects rows by the first step's day (default: the funnel's own `time_range`, if any)."""
    caller = preview_caller(as_role, claim)
    layer = _open(project, database, today, setting)
    time_range = {"from": start, "to": end, "relative": relative} if (start or end or relative) else None

    def question() -> FunnelQuestion:
        filters = [f.model_dump() for text in where for f in parse_where(text)]
        return FunnelQuestion.model_validate({"funnel": name, "time_range": time_range, "filters": filters})

    if sql:
        compiled = _guard(lambda: layer.compile_funnel(question(), dialect, caller))
        print_sql(compiled)
        return

    emit(_guard(lambda: layer.funnel(question(), caller=caller)), output)
