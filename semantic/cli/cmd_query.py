"""`semantic compile` and `semantic query`: a question from the command line, as SQL or as numbers."""
from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Optional, get_args

import typer
from pydantic import ValidationError
from rich.table import Table

from semantic.access import Caller
from semantic.cli.app import (DatabaseOption, ProjectOption, SettingOption, TodayOption, app, database_url, err,
                              execution_settings, fail, out)
from semantic.cli.preview import AsRoleOption, ClaimOption, preview_caller
from semantic.csv_safety import escape_formula
from semantic.dialects import facts
from semantic.formatting import format_value
from semantic.freshness import as_of_text
from semantic.errors import DefinitionsInvalid, SemanticError
from semantic.layer import SemanticLayer
from semantic.plan.calendar import GRAINS
from semantic.question import AsOfEach as AsOfEachLiteral
from semantic.question import Compare as CompareLiteral
from semantic.question import FunnelQuestion, Question, metric_range_from_text, parse_where
from semantic.result import Result
from semantic.sql.compiler import CompiledQuery
from semantic.sql.shown import json_params


Grain = Enum("Grain", {name: name for name in GRAINS}, type=str)  # type: ignore[misc]
Compare = Enum("Compare", {name: name for name in get_args(CompareLiteral)}, type=str)  # type: ignore[misc]
AsOfEach = Enum("AsOfEach", {name: name for name in get_args(AsOfEachLiteral)}, type=str)  # type: ignore[misc]


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"  # text a spreadsheet would run as a formula gets a leading ' (semantic/csv_safety.py)
    csv_raw = "csv-raw"  # text exactly as stored, for programs rather than spreadsheets


MetricsArg = typer.Argument(None, help="Metric names, e.g. win_rate bookings.", show_default=False)
ByOption = typer.Option([], "--by", "-b", help="Dimension entity.dimension (repeatable), e.g. account.segment.")
GrainOption = typer.Option(None, "--grain", "-g", help="Time grain of the `period` column.")
FromOption = typer.Option(None, "--from", help="Start date YYYY-MM-DD (inclusive) or a relative name.")
ToOption = typer.Option(None, "--to", help="End date YYYY-MM-DD (inclusive) or a relative name.")
RangeOption = typer.Option(None, "--range", "-r", help="Relative range: this_quarter, last_90_days, ...")
WhereOption = typer.Option([], "--where", "-w", help="Filter, e.g. \"account.segment = 'Enterprise'\".")
TimeDimOption = typer.Option(None, "--time-dimension", help="Time axis entity.dimension (default: metric's).")
OrderOption = typer.Option([], "--order-by", help="Output column, optionally ':desc' (repeatable).")
LimitOption = typer.Option(None, "--limit", min=1, help="Maximum number of rows.")
CompareOption = typer.Option(None, "--compare", help="previous_period or same_period_last_year: add "
                             "<metric>__previous and <metric>__change_pct columns.")
WholeOption = typer.Option(False, "--whole-periods", help="Compare the period holding today with the whole "
                           "earlier period (default: the same days of it, like for like).")
AsOfOption = typer.Option(None, "--as-of", help="Answer from the rows as they stood at this instant, rebuilt from "
                          "their change log: YYYY-MM-DD (the end of that day) or YYYY-MM-DDTHH:MM:SS.")
AsOfEachOption = typer.Option(None, "--as-of-each", help="end or start: a series, each period of --grain over "
                              "the time range answered as the rows stood at its end (or start).")
MetricRangeOption = typer.Option([], "--metric-range", help="METRIC=RANGE (repeatable): that metric over its own "
                                 "range, e.g. activities=last_14_days or bookings=2025-01-01..2025-03-31.")
SavedOption = typer.Option(None, "--saved", help="Run a saved query from metrics.yaml (other flags override).")
ShareOfOption = typer.Option([], "--share-of", help="Add <metric>_share columns: the total is taken within these "
                             "dimensions (repeatable) and each period; `total` for the whole answer.")
RankByOption = typer.Option(None, "--rank-by", help="Add <metric>_rank for this metric (1 = highest; ties share).")
RankWithinOption = typer.Option([], "--rank-within", help="Dimension the rank restarts within (repeatable).")
TopOption = typer.Option(None, "--top", min=1, help="Keep the rows ranked this or better by --rank-by.")
WHOLE_ANSWER = "total"  # `--share-of total`: the share of the whole answer (of each period)


def standings(share_of: list[str], rank_by: str | None, rank_within: list[str], top: int | None) -> dict[str, Any]:
    """The share and rank options as question fields (None where not given, so a saved query's stay)."""
    share = [] if share_of == [WHOLE_ANSWER] else share_of or None
    if share and WHOLE_ANSWER in share:
        raise fail(f"--share-of {WHOLE_ANSWER} cannot be combined with dimensions", "give one or the other", code=2)
    return {"share_of": share, "rank_by": rank_by, "rank_within": rank_within or None, "top": top}


def _open(project: Path, database: str | None, today: str | None, settings: list[str]) -> SemanticLayer:
    limits = execution_settings(settings, today)
    try:
        return SemanticLayer.open(project, database_url(database, project), limits)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail("the definitions are invalid", "fix the issues above (semantic validate)") from None


def _question(layer: SemanticLayer, metrics: list[str] | None, by: list[str], grain: Grain | None,
              start: str | None, end: str | None, relative: str | None, where: list[str],
              time_dimension: str | None, order_by: list[str], limit: int | None, saved: str | None,
              compare: Compare | None = None, whole_periods: bool = False, as_of: str | None = None,
              as_of_each: AsOfEach | None = None, extra: dict[str, Any] | None = None,
              metric_ranges: list[str] | None = None, caller: Caller | None = None) -> Question:
    filters = [f.model_dump() for text in where for f in parse_where(text)]
    time_range = {"from": start, "to": end, "relative": relative} if (start or end or relative) else None
    order = [_order(o) for o in order_by]
    overrides: dict[str, Any] = {"dimensions": by or None, "grain": grain.value if grain else None,
                                 "time_range": time_range, "time_dimension": time_dimension,
                                 "order_by": order or None, "limit": limit,
                                 "compare": compare.value if compare else None,
                                 "like_for_like": False if whole_periods else None, "as_of": as_of,
                                 "as_of_each": as_of_each.value if as_of_each else None, **(extra or {}),
                                 "metric_ranges": [metric_range_from_text(t) for t in metric_ranges or ()] or None}
    if saved:
        query = layer.saved_query(saved, caller)
        if metrics:
            overrides["metrics"] = metrics
        if filters:
            overrides["filters"] = list(query.filters) + filters
        return Question.from_saved(query, **overrides)
    if not metrics:
        raise fail("name at least one metric (or --saved NAME)", "example: semantic query bookings --by "
                   "opportunity.product --grain quarter", code=2)
    return Question.model_validate({"metrics": metrics, "filters": filters,
                                    **{k: v for k, v in overrides.items() if v is not None}})


def _order(text: str) -> dict[str, Any]:
    column, _, direction = text.partition(":")
    if direction.lower() not in ("", "asc", "desc"):
        raise fail(f"--order-by '{text}': the direction must be asc or desc", "example: --order-by bookings:desc",
                   code=2)
    return {"column": column, "descending": direction.lower() == "desc"}


def _guard(action):
    """Run a CLI action; known failures print one line with a hint and exit 1, never a traceback."""
    try:
        return action()
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise fail(f"[E_BAD_REQUEST] {where}: {first['msg']}", "check the metric and dimension names") from None


@app.command("compile")
def compile_command(metrics: Optional[list[str]] = MetricsArg, by: list[str] = ByOption,
                    grain: Optional[Grain] = GrainOption, start: Optional[str] = FromOption,
                    end: Optional[str] = ToOption, relative: Optional[str] = RangeOption,
                    where: list[str] = WhereOption, time_dimension: Optional[str] = TimeDimOption,
                    order_by: list[str] = OrderOption, limit: Optional[int] = LimitOption,
                    saved: Optional[str] = SavedOption, today: Optional[str] = TodayOption,
                    compare: Optional[Compare] = CompareOption, whole_periods: bool = WholeOption,
                    as_of: Optional[str] = AsOfOption, as_of_each: Optional[AsOfEach] = AsOfEachOption,
                    share_of: list[str] = ShareOfOption, rank_by: Optional[str] = RankByOption,
                    rank_within: list[str] = RankWithinOption, top: Optional[int] = TopOption,
                    metric_range: list[str] = MetricRangeOption,
                    dialect: Optional[str] = typer.Option(None, help="duckdb, postgresql, snowflake, bigquery, "
                                                                     "trino, spark (= databricks; default: "
                                                                     "the database's)"),
                    explain: bool = typer.Option(False, "--explain", help="Print the plan's step tree (each "
                                                 "step is one CTE of the SQL) instead of the SQL."),
                    literals: bool = typer.Option(False, "--literals", help="Write every parameter into the SQL "
                                                  "as a literal of the dialect, so it runs as pasted (the "
                                                  "default for snowflake, bigquery and trino)."),
                    params: bool = typer.Option(False, "--params", help="Print the driver's form: the dialect's "
                                                "own parameter markers, their values on a comment line (the "
                                                "default for duckdb and postgresql)."),
                    as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption,
                    project: Path = ProjectOption, database: Optional[str] = DatabaseOption) -> None:
    """Print the SQL a question compiles to, or its plan (nothing is executed)."""
    if literals and params:
        raise typer.BadParameter("--literals and --params ask for two different forms; give one")
    caller = preview_caller(as_role, claim)
    layer = _open(project, database, today, [])

    def run() -> None:
        if saved and layer.saved_query(saved, caller).funnel:
            compiled = layer.compile_funnel(funnel_question(layer, saved, start, end, relative, where, caller),
                                            dialect, caller)
        else:
            compiled = layer.compile(_question(layer, metrics, by, grain, start, end, relative, where,
                                               time_dimension, order_by, limit, saved, compare, whole_periods,
                                               as_of, as_of_each, standings(share_of, rank_by, rank_within, top),
                                               metric_range, caller), dialect, caller)
        if explain:
            out.print(compiled.plan.explain(), highlight=False, markup=False, soft_wrap=True)
            return
        print_sql(compiled, True if literals else False if params else None)

    _guard(run)


def print_sql(compiled: CompiledQuery, literals: bool | None = None) -> None:
    """The SQL as the database runs it and a `-- parameters:` line of its values, or (literals) inlined.
    By default, the form its console runs as pasted: literals where the console binds no parameters."""
    if literals if literals is not None else facts(compiled.dialect).console_literals:
        out.print(compiled.literal_sql, highlight=False, markup=False, soft_wrap=True)
        return
    out.print(compiled.sql, highlight=False, markup=False, soft_wrap=True)
    if compiled.params:
        shown = ", ".join(f"{k} = {_param_text(v)}" for k, v in compiled.params.items())
        out.print(f"-- parameters: {shown}", highlight=False, markup=False)


def _param_text(value: Any) -> str:
    """A bound value as a reader types it: dates in ISO form, strings quoted, lists bracketed."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_param_text(v) for v in value) + "]"
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return repr(value)


@app.command("query")
def query_command(metrics: Optional[list[str]] = MetricsArg, by: list[str] = ByOption,
                  grain: Optional[Grain] = GrainOption, start: Optional[str] = FromOption,
                  end: Optional[str] = ToOption, relative: Optional[str] = RangeOption,
                  where: list[str] = WhereOption, time_dimension: Optional[str] = TimeDimOption,
                  order_by: list[str] = OrderOption, limit: Optional[int] = LimitOption,
                  saved: Optional[str] = SavedOption, today: Optional[str] = TodayOption,
                  compare: Optional[Compare] = CompareOption, whole_periods: bool = WholeOption,
                  as_of: Optional[str] = AsOfOption, as_of_each: Optional[AsOfEach] = AsOfEachOption,
                  share_of: list[str] = ShareOfOption, rank_by: Optional[str] = RankByOption,
                  rank_within: list[str] = RankWithinOption, top: Optional[int] = TopOption,
                  metric_range: list[str] = MetricRangeOption,
                  output: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
                  setting: list[str] = SettingOption,
                  as_role: list[str] = AsRoleOption, claim: list[str] = ClaimOption,
                  project: Path = ProjectOption, database: Optional[str] = DatabaseOption) -> None:
    """Answer a question: metrics by dimensions, per period, over a time range."""
    caller = preview_caller(as_role, claim)
    layer = _open(project, database, today, setting)

    def run() -> Result:
        if saved and layer.saved_query(saved, caller).funnel:  # a saved funnel: its steps' rows
            return layer.funnel(funnel_question(layer, saved, start, end, relative, where, caller), caller=caller)
        question = _question(layer, metrics, by, grain, start, end, relative, where, time_dimension, order_by,
                             limit, saved, compare, whole_periods, as_of, as_of_each,
                             standings(share_of, rank_by, rank_within, top), metric_range, caller)
        return layer.query(question, caller=caller)

    emit(_guard(run), output)


def funnel_question(layer: SemanticLayer, saved: str, start: str | None, end: str | None, relative: str | None,
                    where: list[str], caller: Caller | None = None) -> FunnelQuestion:
    """A saved funnel query with the command line's range and extra filters."""
    query = layer.saved_query(saved, caller)
    filters = [f.model_dump() for text in where for f in parse_where(text)]
    time_range = {"from": start, "to": end, "relative": relative} if (start or end or relative) else None
    return FunnelQuestion.from_saved(query, time_range=time_range,
                                     filters=[f.model_dump() for f in query.filters] + filters if filters else None)


def emit(result: Result, output: OutputFormat) -> None:
    """Print a result as a table, JSON or CSV on stdout; its warnings, column notes and truncation go to stderr
    (and the warnings into the JSON too)."""
    if output is OutputFormat.json:
        payload = {"columns": [c.__dict__ for c in result.columns], "rows": result.rows,
                   "version": result.version, "truncated": result.truncated, "sql": result.sql,
                   "params": json_params(result.params), "warnings": [w.__dict__ for w in result.warnings],
                   "data_version": result.data_version,
                   "freshness": result.freshness.as_json() if result.freshness else None}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    elif output in (OutputFormat.csv, OutputFormat.csv_raw):
        writer = csv.DictWriter(sys.stdout, fieldnames=[c.name for c in result.columns], lineterminator="\n")
        writer.writeheader()
        escape = output is OutputFormat.csv
        writer.writerows({k: escape_formula(v) for k, v in row.items()} if escape else row for row in result.rows)
    else:
        out.print(_table(result))
    for warning in result.warnings:
        hint = f" -- hint: {warning.hint}" if warning.hint else ""
        err.print(f"warning[{warning.code}] {warning.message}{hint}", highlight=False, markup=False)
    for note in dict.fromkeys(c.note for c in result.columns if c.note):
        err.print(f"note: {note}", highlight=False, markup=False)
    if result.truncated:
        err.print(f"note: only the first {len(result.rows)} rows are shown (row limit)")
    if output in (OutputFormat.csv, OutputFormat.csv_raw) and result.freshness is not None:  # JSON and tables
        err.print(data_as_of(result), highlight=False, markup=False)  # carry it themselves


def data_as_of(result: Result) -> str:
    """`data as of <oldest newest row>` over the entities read, each entity's own newest row after it."""
    return as_of_text(result.freshness.as_json() if result.freshness else None)


def _table(result: Result) -> Table:
    caption = f"definitions version {result.version}\n{data_as_of(result)}"
    table = Table(caption=caption, caption_justify="left")
    for col in result.columns:
        table.add_column(col.name, justify="right" if col.format else "left")
    for row in result.rows:
        table.add_row(*[format_value(row[c.name], c.format) for c in result.columns])
    return table
