"""The `semantic` command-line application object and the options every command shares."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from semantic.settings import ExecutionSettings, parse_cli_settings

app = typer.Typer(
    name="semantic",
    help="Revenue semantic layer: validate definitions, compile and run metric queries, serve the API.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# No Rich markup anywhere: messages, table cells and titles carry user text and data ("[/x]" would crash
# the print, "[a-z]" would vanish); colour is applied with explicit styles instead.
out = Console(soft_wrap=True, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)

DEFAULT_DATABASE_FILE = "data/ledger.duckdb"

ProjectOption = typer.Option(Path("."), "--project", "-p", help="Folder holding metrics.yaml and glossary.yaml.",
                             file_okay=False)
DatabaseOption = typer.Option(None, "--database", "-d",
                              help="SQLAlchemy URL of the ledger database (default: $SEMANTIC_DATABASE_URL, "
                                   f"else duckdb:///{DEFAULT_DATABASE_FILE} in the project).")

SettingOption = typer.Option([], "--setting", "-s", help="Library limit as NAME=VALUE, e.g. max_periods=20000 "
                             "(repeatable; overrides SEMANTIC_<NAME>; docs/operations.md lists them).")
TodayOption = typer.Option(None, "--today", help="Pretend today is this date (YYYY-MM-DD) for relative ranges.")


def execution_settings(pairs: list[str], today: str | None) -> ExecutionSettings:
    """The library's limits from SEMANTIC_* variables and --setting pairs, and a fixed today; bad ones exit 2."""
    try:
        fixed = date.fromisoformat(today) if today else None
    except ValueError:
        raise fail(f"--today '{today}' is not a date", "write it as YYYY-MM-DD", code=2) from None
    try:
        return ExecutionSettings.from_env(overrides=parse_cli_settings(pairs), today=fixed)
    except ValueError as exc:
        raise fail(str(exc), "settings are NAME=VALUE; docs/operations.md lists the library's limits",
                   code=2) from None


def database_url(option: str | None, project: Path) -> str:
    """The database URL from the flag, the environment, or the demo DuckDB file of the project."""
    if option:
        return option
    env = os.environ.get("SEMANTIC_DATABASE_URL")
    if env:
        return env
    return f"duckdb:///{(project / DEFAULT_DATABASE_FILE).as_posix()}"


def fail(message: str, hint: str = "", code: int = 1) -> typer.Exit:
    """Print a one-line error (and hint) to stderr and return the Exit to raise."""
    err.print(Text.assemble(("error", "bold red"), f": {message}"), highlight=False)
    if hint:
        err.print(f"  hint: {hint}", highlight=False, markup=False)
    return typer.Exit(code)


def _print_version(asked: bool) -> None:
    """`semantic --version`: the package, and the definitions in the current directory (what answers are
    stamped with), so a bug report names both."""
    if not asked:
        return
    from semantic.catalogue import versions_text

    out.print(versions_text(Path(".")), highlight=False, markup=False)
    raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                       help="Print the package version and the definitions version of the "
                                            "current directory, then exit.")) -> None:
    """Revenue semantic layer: validate definitions, compile and run metric questions, serve the API."""
