"""`semantic link`: apply the project's linking rules (linking.yaml) to the ledger and show the coverage."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from semantic.cli.app import DatabaseOption, ProjectOption, app, database_url, err, fail, out
from semantic.dberrors import connect_error, driver_message
from semantic.definitions import load_project
from semantic.definitions.linking_models import Linking
from semantic.dialects import facts_of
from semantic.errors import SemanticError
from semantic.link import link as link_activities
from semantic.link.ledger import check_ledger, coverage, rule_counts


def _rules(project: Path) -> tuple[Linking, str]:
    """The valid linking rules of the project and its definitions version; a coded exit otherwise."""
    loaded = load_project(project)
    if loaded.errors:
        first = loaded.errors[0]
        raise fail(f"[E_INVALID_DEFINITIONS] {len(loaded.errors)} error(s) in the definitions; first: "
                   f"{first.render()}", "run `semantic validate` for the full list")
    rules = loaded.definitions.linking
    if rules is None:
        raise fail(f"[E_NO_LINKING_RULES] {project} defines no `linking:` section",
                   "add linking.yaml with at least `linking: {internal_domains: [your-company.com]}` "
                   "(docs/linking.md)")
    return rules, loaded.definitions.version


@app.command()
def link(
    database: str | None = DatabaseOption,
    project: Path = ProjectOption,
    relink_generated: bool = typer.Option(False, "--relink-generated", help="Also relink activities the demo "
                                          "generator linked (rule 'generated'); they have no participants."),
) -> None:
    """Link every activity to a rep, contact, account and opportunity by the rules of linking.yaml."""
    rules, version = _rules(project)
    url = database_url(database, project)
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise fail(f"[E_DATABASE_URL] {driver_message(exc)}", "pass a SQLAlchemy URL such as "
                   "duckdb:///data/ledger.duckdb or postgresql+psycopg://user@host/db", code=2) from None
    _refuse_missing_file(url)
    try:
        with engine.connect() as conn:
            check_ledger(conn)
            with err.status("linking activities"):
                relinked = link_activities(conn, rules, relink_generated=relink_generated)
            sources, rules_used = coverage(conn), rule_counts(conn)
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    except OperationalError as exc:
        failure = connect_error(exc, 0)
        raise fail(f"[{failure.code}] {failure.message}", failure.hint) from None
    except SQLAlchemyError as exc:
        raise fail(f"[E_LINK_FAILED] the database refused a linking statement: {driver_message(exc)}",
                   "check that the ledger tables have the canonical types (semantic/ledger/schema.py)") from None
    finally:
        engine.dispose()
    total = sum(s.activities for s in sources)
    kept = "" if relink_generated else (f"; {total - relinked:,} left as they were (linked by the demo generator, "
                                        "or nothing to link them by; --relink-generated includes them)")
    out.print(f"relinked {relinked:,} of {total:,} activities{kept}", highlight=False)
    _print(sources, rules_used, version)


def _refuse_missing_file(url: str) -> None:
    """Opening a DuckDB path that does not exist would create an empty file: say there is no ledger instead."""
    parsed = make_url(url)
    dialect = facts_of(parsed.get_backend_name())
    path = dialect.data_file(parsed) if dialect is not None else None
    if path is not None and not Path(path).exists():
        raise fail(f"[E_DATABASE_UNAVAILABLE] there is no DuckDB ledger at {path}",
                   "create it with `semantic demo` or `semantic ingest`, or pass --database URL")


def _print(sources: list, rules_used: list, version: str) -> None:
    table = Table(title=f"Linked activities (linking rules of definitions version {version})")
    for column in ("source system", "activities", "contact", "account", "opportunity"):
        table.add_column(column, justify="left" if column == "source system" else "right")
    for s in sources:
        table.add_row(s.source_system, f"{s.activities:,}",
                      *(f"{n:,} ({n / s.activities:.0%})" for n in (s.contact, s.account, s.opportunity)))
    out.print(table)
    by_rule = Table(title="Links by rule ('opportunity.ambiguous': left unlinked on purpose)")
    for column in ("source system", "link", "rule", "activities"):
        by_rule.add_column(column, justify="right" if column == "activities" else "left")
    for r in rules_used:
        by_rule.add_row(r.source_system, r.link, r.rule, f"{r.activities:,}")
    out.print(by_rule)
