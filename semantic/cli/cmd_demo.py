"""`semantic demo`: generate the canonical demo ledger and load it into a database."""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import typer
from sqlalchemy.engine import make_url
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from semantic.cli.app import DatabaseOption, ProjectOption, app, database_url, err, fail, out
from semantic.ledger import LedgerError, check_replaceable, generate, write_ledger
from semantic.ledger.guard import DemoOrigin


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
    database: str = DatabaseOption,
    project: Path = ProjectOption,
) -> None:
    """Create (or replace) the demo ledger: reps, accounts, contacts, leads, opportunities, history, activities.

    A database that already holds ledger tables the demo did not write is refused unless --force.
    """
    url = database_url(database, project)
    day = _as_of(as_of) or date.today()
    started = time.perf_counter()
    try:
        if not force:
            check_replaceable(url)  # before generating: refusing takes a moment, generating may take minutes
        tables = _generate_and_load(url, scale, seed, day, force)
    except LedgerError as exc:
        raise fail(str(exc), exc.hint) from None
    counts = ", ".join(f"{name} {rows:,}" for name, rows in tables.items())
    out.print(f"demo ledger written to {_safe(url)} in {time.perf_counter() - started:.1f}s: {counts}",
              highlight=False, markup=False)


def _generate_and_load(url: str, scale: float, seed: int, day: date, force: bool) -> dict[str, int]:
    """Generate and write with a progress bar on stderr (stdout keeps only the summary line)."""
    with Progress(TextColumn("{task.description:<36}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        step = bar.add_task("generating", total=None)
        tables = generate(scale=scale, seed=seed, as_of=day)
        bar.update(step, total=1, completed=1)
        total_rows = sum(t.num_rows for t in tables.values())
        bar.update(step, description="loading", total=total_rows, completed=0)
        loaded: dict[str, int] = {}

        def report(name: str, done: int, rows: int) -> None:
            loaded[name] = done
            bar.update(step, description=f"loading {name}", completed=sum(loaded.values()))

        write_ledger(url, tables, report, replace=force, origin=DemoOrigin(seed, scale, day))
    return {name: table.num_rows for name, table in tables.items()}


def _safe(url: str) -> str:
    """The URL without a password, for printing (it was already parsed successfully by the loader)."""
    return make_url(url).render_as_string(hide_password=True)
