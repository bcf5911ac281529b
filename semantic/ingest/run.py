"""One `semantic ingest` run: open the database, prepare its tables, store each file, report per file.

Files are taken in the adapter's order (Salesforce: Users, Accounts, ... before Tasks) rather than as
typed: parents first, so a run stopped by a failure leaves as few references to records not yet stored as it
can. Database and driver failures become one coded IngestError; bad records never stop a run (they are
rejects).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from semantic.dialects import DRIVER_ERROR_MODULES
from semantic.errors import first_line
from semantic.definitions.linking_models import Linking
from semantic.ingest import adapters, linking
from semantic.ingest.adapters import AdapterOptions
from semantic.ingest.errors import DATABASE, IngestError
from semantic.ingest.records import Reject
from semantic.ingest.store import Counts, Scope, ingest_records
from semantic.ingest.tables import prepare
from semantic.ledger.guard import LedgerError
from semantic.ledger.load import bulk_engine, parse_url, shown_url

DATABASE_HINT = "check that the database is running and writable, and that --database names the right one"


@dataclass(frozen=True)
class FileResult:
    path: Path
    counts: Counts


def ordered(source: str, paths: Sequence[Path]) -> list[Path]:
    """The run's files in the adapter's dependency order (stable for files of the same rank)."""
    return sorted(paths, key=lambda path: adapters.file_order(source, path))


def ingest(database_url: str, source: str, paths: Sequence[Path], options: AdapterOptions = AdapterOptions(), *,
           on_file: Callable[[Path], AdapterOptions] | None = None,
           on_batch: Callable[[Counts], None] | None = None,
           on_reject: Callable[[Reject], None] | None = None, dry_run: bool = False,
           rules: Linking | None = None, on_linked: Callable[[int], None] | None = None) -> Iterator[FileResult]:
    """Ingest `paths` with the SOURCE adapter, yielding each file's counts as it finishes.

    `on_file(path)` may return per-file options (e.g. with a progress callback); `options` is used otherwise.
    `on_batch` and `on_reject` are told each committed batch's counts and rejects. A dry run does everything in
    one transaction and rolls it back: the counts are exactly what ingesting would do, and nothing is written.
    With `rules` (and not a dry run), the activities the run stored new or changed are linked after the last
    file (semantic/ingest/linking.py) and `on_linked` is told how many.
    Raises IngestError for an unknown source or file kind, an unreadable file, or a database failure.
    """
    adapters.adapter(source)  # an unknown source fails before the database is touched
    files = ordered(source, paths)
    engine = _engine(database_url)
    try:
        with _translated(database_url), engine.connect() as conn:
            run = conn.begin() if dry_run else None
            with _scope(conn, dry_run)():
                prepare(conn)
                if rules is not None and not dry_run:
                    linking.start(conn)
            for path in files:
                file_options = on_file(path) if on_file else options
                resolved = path.resolve()
                counts = ingest_records(_scope(conn, dry_run), source, str(resolved),
                                        adapters.read(source, resolved, file_options), on_batch=on_batch,
                                        on_reject=on_reject)
                yield FileResult(path, counts)
            if run is not None:
                run.rollback()
            elif rules is not None:
                relinked = linking.link_pending(conn, rules)
                if on_linked:
                    on_linked(relinked)
    finally:
        engine.dispose()


def _scope(conn: Connection, dry_run: bool) -> Scope:
    """Each batch in a transaction of its own, committed at its end; in a dry run, inside the run's transaction."""
    @contextmanager
    def committed() -> Iterator[Connection]:
        with conn.begin():
            yield conn
    return (lambda: nullcontext(conn)) if dry_run else committed


def _engine(database_url: str) -> Engine:
    try:
        return bulk_engine(parse_url(database_url))
    except LedgerError as exc:
        raise IngestError(DATABASE, str(exc), exc.hint) from None


@contextmanager
def _translated(database_url: str) -> Iterator[None]:
    """SQLAlchemy and driver errors (duckdb.Error, psycopg.Error) -> one coded line naming the database."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise IngestError(DATABASE, f"{_shown(database_url)}: {first_line(exc)}", DATABASE_HINT) from None
    except Exception as exc:
        if type(exc).__module__.split(".")[0] in DRIVER_ERROR_MODULES:
            raise IngestError(DATABASE, f"{_shown(database_url)}: {first_line(exc)}", DATABASE_HINT) from None
        raise


def _shown(database_url: str) -> str:
    return shown_url(parse_url(database_url, create_dirs=False))
