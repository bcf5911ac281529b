"""`semantic ingest SOURCE PATH...`: store export files in the ledger, printing what each file did."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from semantic.cli.app import DatabaseOption, ProjectOption, app, database_url, err, fail, out
from semantic.definitions import load_project
from semantic.definitions.linking_models import Linking
from semantic.ingest.adapters import ADAPTERS, AdapterOptions, adapter
from semantic.ingest.errors import UNKNOWN_FILE, UNKNOWN_SOURCE, IngestError
from semantic.ingest.records import Reject
from semantic.ingest.run import ingest as ingest_files
from semantic.ingest.store import Counts

USAGE_CODES = (UNKNOWN_SOURCE, UNKNOWN_FILE)
SHOWN_REJECTS = 5  # per file; all of them are in ingest_rejects


class ShownRejects(list[Reject]):
    """The first rejects of the file being ingested, for printing (a file of a million bad lines holds 5)."""

    def append(self, reject: Reject) -> None:
        if len(self) < SHOWN_REJECTS:
            super().append(reject)


@app.command()
def ingest(
    source: str = typer.Argument(..., help=f"Where the files come from: {', '.join(sorted(ADAPTERS))}."),
    paths: list[Path] = typer.Argument(..., help="Export files to ingest (any order; see docs/ingest.md)."),
    mapping: Path = typer.Option(None, "--mapping", help="YAML column mapping (call-log CSV exports)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what ingesting would do; write nothing."),
    database: str = DatabaseOption,
    project: Path = ProjectOption,
) -> None:
    """Store export files in the ledger: each record once, changed records updated, bad records in ingest_rejects.

    Prints read / new / updated / unchanged / rejected per file and in total; re-running changes nothing.
    """
    try:
        adapter(source)
    except IngestError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint, code=2) from None
    url = database_url(database, project)
    for path in paths:
        if not path.is_file():
            raise fail(f"[E_INGEST_UNREADABLE] {path}: {'a folder' if path.is_dir() else 'no such file'}",
                       "name the export files themselves")
    rules, version = (None, None) if dry_run else _linking_rules(project)
    total, shown, linked = Counts(), ShownRejects(), []
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            def options_for(path: Path) -> AdapterOptions:
                task = bar.add_task(path.name, total=path.stat().st_size)
                return AdapterOptions(mapping=mapping, on_bytes=lambda done: bar.update(task, completed=done))

            for result in ingest_files(url, source, paths, on_file=options_for, on_reject=shown.append,
                                       dry_run=dry_run, rules=rules, on_linked=linked.append):
                total.add(result.counts)
                out.print(f"{result.path}: {_summary(result.counts)}", highlight=False)
                for reject in shown:
                    out.print(f"  rejected {result.path}:{reject.record}: {reject.reason}", highlight=False)
                if result.counts.rejected > SHOWN_REJECTS:
                    out.print(f"  ... and {result.counts.rejected - SHOWN_REJECTS:,} more", highlight=False)
                shown.clear()
    except IngestError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint, code=2 if exc.code in USAGE_CODES else 1) from None
    if len(paths) > 1:
        out.print(f"total: {_summary(total)}", highlight=False)
    if dry_run:
        out.print("dry run: nothing was written; these are the counts ingesting would give", highlight=False)
        return
    if total.rejected:
        out.print(f"{total.rejected:,} rejected record(s) are in the table ingest_rejects (file, record = line or "
                  "record number, reason, raw); fix them in the export and ingest the file again", highlight=False)
    if linked:
        out.print(f"linked {linked[0]:,} activities by the rules of linking.yaml "
                  f"(definitions {version}; `semantic link` shows the coverage)", highlight=False)


def _linking_rules(project: Path) -> tuple[Linking | None, str | None]:
    """The project's linking rules, or None (said on stderr: the activities then keep their declared links
    until `semantic link` runs with valid rules)."""
    loaded = load_project(project)
    if loaded.errors:
        err.print(f"note: the definitions in {project} have {len(loaded.errors)} error(s) (`semantic validate`), so "
                  "ingested activities keep only the links their source declared until `semantic link`",
                  highlight=False)
        return None, None
    if loaded.definitions.linking is None:
        err.print(f"note: {project} has no linking rules (linking.yaml, docs/linking.md), so ingested activities "
                  "keep only the links their source declared until `semantic link`", highlight=False)
        return None, None
    return loaded.definitions.linking, loaded.definitions.version


def _summary(counts: Counts) -> str:
    return (f"read {counts.read:,}, new {counts.new:,}, updated {counts.updated:,}, "
            f"unchanged {counts.unchanged:,}, rejected {counts.rejected:,}")
