"""`semantic demo`: generate the canonical demo ledger and load it into a database."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import typer
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from semantic.cli.app import DatabaseOption, ProjectOption, app, database_url, err, fail, out
from semantic.definitions import load_project
from semantic.errors import SemanticError
from semantic.ingest.demo import write_demo_via_exports
from semantic.ledger import LedgerError, check_replaceable, write_demo
from semantic.ledger.load import Progress as LedgerProgress
from semantic.ledger.parquet import write_demo_parquet
from semantic.ledger.schema import metadata


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


@app.command()
def demo(
    scale: float = typer.Option(1.0, "--scale", min=0.001, help="Size: 1 = ~2,000 opportunities, 50,000 activities."),
    seed: int = typer.Option(42, "--seed", help="Random seed; the same seed and --as-of give the same ledger."),
    as_of: str = typer.Option(None, "--as-of", help="Last day of the data, YYYY-MM-DD (default: today)."),
    force: bool = typer.Option(False, "--force", help="Replace the ledger tables even in a database the demo "
                                                      "did not write (they are dropped)."),
    via_exports: bool = typer.Option(False, "--via-exports", help="Build the activities the real way: write them "
                                     "as Gmail, Calendar, Zoom, call-log and Salesforce exports, ingest and link "
                                     "them by linking.yaml (docs/ingest.md)."),
    exports_dir: Path = typer.Option(None, "--exports-dir", help="Where --via-exports writes the export files "
                                     "(default: data/exports in the project)."),
    parquet: Path = typer.Option(None, "--parquet", help="Write the ledger as Parquet files, one per table "
                                 "(DIR/<table>.parquet), instead of into a database: DuckDB and Spark read them."),
    database: str = DatabaseOption,
    project: Path = ProjectOption,
) -> None:
    """Create (or replace) the demo ledger: reps, accounts, contacts, leads, opportunities, history, activities.

    A database that already holds ledger tables the demo did not write is refused unless --force.
    """
    day = _as_of(as_of) or date.today()
    started = time.perf_counter()
    if parquet is not None:
        if via_exports:
            raise typer.BadParameter("--parquet writes the generated ledger; it cannot be combined with --via-exports")
        try:
            tables = _streamed(lambda report: write_demo_parquet(parquet, scale, seed, day, report))
        except LedgerError as exc:
            raise fail(str(exc), exc.hint) from None
        _summary(str(parquet), tables, started)
        return
    url = database_url(database, project)
    try:
        if not force:
            check_replaceable(url)  # before generating: refusing takes a moment, generating may take minutes
        if via_exports:
            tables = _via_exports(url, project, exports_dir or project / "data" / "exports", scale, seed, day, force)
        else:
            tables = _streamed(lambda report: write_demo(url, scale, seed, day, report, replace=force))
    except LedgerError as exc:
        raise fail(str(exc), exc.hint) from None
    except SemanticError as exc:  # an ingest failure (IngestError), with its code
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    _summary(_safe(url), tables, started)


def _summary(where: str, tables: dict[str, int], started: float) -> None:
    counts = ", ".join(f"{name} {rows:,}" for name, rows in tables.items())
    out.print(f"demo ledger written to {where} in {time.perf_counter() - started:.1f}s: {counts}",
              highlight=False, markup=False)


def _streamed(write: Callable[[LedgerProgress], dict[str, int]]) -> dict[str, int]:
    """Run a writer of the generated ledger with a progress bar per table on stderr (stdout: the summary)."""
    with Progress(TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        step = bar.add_task("generating", total=None)

        def report(name: str, done: int, rows: int) -> None:
            bar.update(step, description=f"writing {name}", total=rows, completed=done)

        return write(report)


def _via_exports(url: str, project: Path, folder: Path, scale: float, seed: int, day: date,
                 force: bool) -> dict[str, int]:
    """The demo with its activities ingested from export files and linked by the project's rules."""
    loaded = load_project(project)
    if loaded.errors or loaded.definitions.linking is None:
        raise fail("--via-exports links the activities by the project's linking rules, and there are none valid "
                   f"in {project}", "run `semantic validate`; linking.yaml is described in docs/linking.md")
    with err.status("generating") as status:
        write_demo_via_exports(url, loaded.definitions.linking, folder, scale=scale, seed=seed, as_of=day,
                               replace=force, on_step=status.update)
    return _row_counts(url)


def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def _safe(url: str) -> str:
    """The URL without a password, for printing (it was already parsed successfully by the loader)."""
    return make_url(url).render_as_string(hide_password=True)
