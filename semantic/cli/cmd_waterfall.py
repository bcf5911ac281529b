"""`semantic waterfall`: how the pipeline of a close-date window moved between two instants (docs/waterfall.md)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from semantic.cli.app import DatabaseOption, ProjectOption, SettingOption, TodayOption, app, fail, out
from semantic.cli.cmd_query import ByOption, OutputFormat, WhereOption, _guard, _open, emit
from semantic.question import parse_where
from semantic.waterfall import BUCKET_NAMES, WaterfallQuestion

BucketChoice = Enum("BucketChoice", {name: name for name in BUCKET_NAMES}, type=str)  # type: ignore[misc]


def waterfall_question(start: str | None, end: str | None, close_range: str | None, close_from: str | None,
                       close_to: str | None, by: list[str], where: list[str], deals: str | None,
                       history: str | None, amount: str | None, close_date: str | None) -> WaterfallQuestion:
    """The question from command-line text (the plain HTTP routes build theirs with this too)."""
    if close_range and (close_from or close_to):
        raise fail("give --close-range or --close-from/--close-to, not both", "example: --close-range "
                   "this_quarter, or --close-from 2025-10-01 --close-to 2025-12-31", code=2)
    data: dict[str, Any] = {"from": start, "to": end, "history": history, "deals": deals, "amount": amount,
                            "close_date": close_date, "dimensions": by,
                            "filters": [f.model_dump() for text in where for f in parse_where(text)]}
    if close_range or close_from or close_to:
        data["close_range"] = {"relative": close_range} if close_range else {"from": close_from, "to": close_to}
    return WaterfallQuestion.model_validate({k: v for k, v in data.items() if v is not None})


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
        output: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
        today: Optional[str] = TodayOption, setting: list[str] = SettingOption,
        project: Path = ProjectOption, database: Optional[str] = DatabaseOption) -> None:
    """Pipeline waterfall: start, created, pulled in, won, lost, pushed out ... end, in amount and count."""
    layer = _open(project, database, today, setting)

    def question() -> WaterfallQuestion:
        return waterfall_question(start, end, close_range, close_from, close_to, by, where,
                                  deals.value if deals else None, history, amount, close_date)

    if sql:
        compiled = _guard(lambda: layer.compile_waterfall(question()))
        out.print(compiled.sql, highlight=False, markup=False, soft_wrap=True)
        return
    emit(_guard(lambda: layer.waterfall(question())), output)
