"""`semantic waterfall`: how the pipeline of a close-date window moved between two instants (docs/waterfall.md)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from semantic.cli.app import DatabaseOption, ProjectOption, SettingOption, TodayOption, app, out
from semantic.cli.cmd_query import ByOption, OutputFormat, WhereOption, _guard, _open, emit, print_sql
from semantic.cli.preview import AsRoleOption, ClaimOption, preview_caller
from semantic.waterfall import BUCKET_NAMES, WaterfallQuestion, waterfall_question

BucketChoice = Enum("BucketChoice", {name: name for name in BUCKET_NAMES}, type=str)  # type: ignore[misc]


@app.command("waterfall")
def waterfall_command(
        start: Optional[str] = typer.Option(None, "--from", help="t0: YYYY-MM-DD (the start of that day) or a "
                                            "timestamp (default: the window's first day)."),
        end: Optional[str] = typer.Option(None, "--to", help="t1: YYYY-MM-DD (the end of that day) or a timestamp "
                                          "(default: today, or the window's last day if earlier)."),
        close_range: Optional[str] = typer.Option(None, "--close-range", help="Close-date window as a relative "
                                                  "range: this_quarter (default), next_quarter, last_quarter ..."),
        close_from: Optional[str] = typer.Option(None, "--close-from", help="First close date of the window."),
        close_to: Optional[str] = typer.Option(None, "--close-to", help="Last close date of the window."),
        by: list[str] = ByOption, where: list[str] = WhereOption,
        deals: Optional[BucketChoice] = typer.Option(None, "--deals", help="List the deals of this bucket."),
        history: Optional[str] = typer.Option(None, "--history", help="History entity (default: the only one)."),
        amount: Optional[str] = typer.Option(None, "--amount", help="Amount column of the deal (default: amount)."),
        close_date: Optional[str] = typer.Option(None, "--close-date", help="Close-date column of the deal "
                                                 "(default: close_date)."),
        sql: bool = typer.Option(False, "--sql", help="Print the SQL instead of running it."),
        explain: bool = typer.Option(False, "--explain", help="Print the plan's step tree instead of running it."),
        output: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
        today: Optional[str] = TodayOption, setting: list[str] = SettingOption,
        as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption,
        project: Path = ProjectOption, database: Optional[str] = DatabaseOption) -> None:
    """Pipeline waterfall: start, created, pulled in, won, lost, pushed out ... end, in amount and count."""
    caller = preview_caller(as_role, claim)
    layer = _open(project, database, today, setting)

    def question() -> WaterfallQuestion:
        return waterfall_question(start, end, close_range, close_from, close_to, by, where,
                                  deals.value if deals else None, history, amount, close_date)

    if sql or explain:
        compiled = _guard(lambda: layer.compile_waterfall(question(), caller=caller))  # type: ignore[no-any-return]
        if explain:
            out.print(compiled.plan.explain(), highlight=False, markup=False, soft_wrap=True)
        else:
            print_sql(compiled)
        return
    emit(_guard(lambda: layer.waterfall(question(), caller=caller)), output)
