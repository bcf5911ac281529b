"""`semantic ingest`: the per-file and total lines, where rejects are, the exit codes, and the demo guard."""
from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from semantic.cli import app
from semantic.definitions import load_project
from tests.ingest.conftest import ACCOUNTS, TASKS, export


def _ingest(*args: str):  # noqa: ANN202 - typer's Result
    return CliRunner().invoke(app, ["ingest", *args])


def test_prints_counts_per_file_and_in_total(tmp_path: Path, repo_root: Path) -> None:
    database = f"duckdb:///{tmp_path / 'ledger.duckdb'}"
    tasks = export(tmp_path, "Task.csv", [*TASKS, "00T000000000009,,,,,Broken,2024-99-01,Email,,,,false"])
    accounts = export(tmp_path, "Account.csv", ACCOUNTS)
    result = _ingest("salesforce", str(tasks), str(accounts), "--database", database, "--project", str(repo_root))
    version = load_project(repo_root).definitions.version
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{accounts}: read 2, new 2, updated 0, unchanged 0, rejected 0",
        f"{tasks}: read 4, new 3, updated 0, unchanged 0, rejected 1",
        f"  rejected {tasks}:5: ActivityDate '2024-99-01' is not a date; Salesforce exports write YYYY-MM-DD",
        "total: read 6, new 5, updated 0, unchanged 0, rejected 1",
        "1 rejected record(s) are in the table ingest_rejects (file, record = line or record number, reason, raw); "
        "fix them in the export and ingest the file again",
        f"linked 3 activities by the rules of linking.yaml (definitions {version}; `semantic link` "
        "shows the coverage)",
    ]
    again = _ingest("salesforce", str(tasks), "--database", database, "--project", str(repo_root))
    assert again.stdout.splitlines()[0] == f"{tasks}: read 4, new 0, updated 0, unchanged 3, rejected 1"


def test_shows_the_first_five_rejects_of_a_file(tmp_path: Path) -> None:
    broken = export(tmp_path, "Account.csv", [f"001000000000{n:03d},,,,," for n in range(1, 8)])  # no Name: 7 bad
    result = _ingest("salesforce", str(broken), "--database", f"duckdb:///{tmp_path / 'ledger.duckdb'}")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{broken}: read 7, new 0, updated 0, unchanged 0, rejected 7"
    assert lines[1:7] == [f"  rejected {broken}:{line}: Name is empty; every Name must be filled in"
                          for line in (2, 3, 4, 5, 6)] + ["  ... and 2 more"]


def test_dry_run(tmp_path: Path) -> None:
    database = tmp_path / "ledger.duckdb"
    tasks = export(tmp_path, "Task.csv", TASKS)
    result = _ingest("salesforce", str(tasks), "--database", f"duckdb:///{database}", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{tasks}: read 3, new 3, updated 0, unchanged 0, rejected 0",
                                          "dry run: nothing was written; these are the counts ingesting would give"]
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select count(*) from information_schema.tables").fetchone() == (0,)


def test_exit_codes(tmp_path: Path) -> None:
    tasks = export(tmp_path, "Task.csv", TASKS)
    database = f"duckdb:///{tmp_path / 'ledger.duckdb'}"
    unknown = _ingest("salesfarce", str(tasks), "--database", database)
    assert unknown.exit_code == 2 and "[E_INGEST_UNKNOWN_SOURCE] unknown source 'salesfarce'" in unknown.stderr
    assert "known sources: call_log, gmail_api, google_calendar, hubspot, mbox, salesforce, zoom" in unknown.stderr
    missing = _ingest("salesforce", str(tmp_path / "Nope.csv"), "--database", database)
    assert missing.exit_code == 1 and "[E_INGEST_UNREADABLE]" in missing.stderr and "no such file" in missing.stderr
    odd_name = export(tmp_path, "Case.csv", ["x"], header="Id")
    unknown_file = _ingest("salesforce", str(odd_name), "--database", database)
    assert unknown_file.exit_code == 2 and "[E_INGEST_UNKNOWN_FILE] Case.csv" in unknown_file.stderr
    bad_db = _ingest("salesforce", str(tasks), "--database", "sqlite:///x.db")
    assert bad_db.exit_code == 1 and "[E_INGEST_DATABASE]" in bad_db.stderr and "hint:" in bad_db.stderr
    for result in (unknown, missing, unknown_file, bad_db):
        assert result.stdout == "" and "Traceback" not in result.output and len(result.stderr.splitlines()) == 2


def test_ingest_and_the_demo_keep_out_of_each_others_databases(tmp_path: Path) -> None:
    """A demo ledger's tables enforce foreign keys: ingest refuses it (the demo stays replaceable). A database
    written by ingest has no demo marker: the demo refuses it, and --force drops the ingest bookkeeping too."""
    tasks = str(export(tmp_path, "Task.csv", TASKS))
    demo_path, ingested_path = tmp_path / "demo.duckdb", tmp_path / "ingested.duckdb"
    demo = ["demo", "--scale", "0.01", "--as-of", "2025-06-30", "--database"]
    assert CliRunner().invoke(app, [*demo, f"duckdb:///{demo_path}"]).exit_code == 0
    into_demo = _ingest("salesforce", tasks, "--database", f"duckdb:///{demo_path}")
    assert into_demo.exit_code == 1 and "[E_INGEST_FOREIGN_KEYS]" in into_demo.stderr
    assert CliRunner().invoke(app, [*demo, f"duckdb:///{demo_path}"]).exit_code == 0

    assert _ingest("salesforce", tasks, "--database", f"duckdb:///{ingested_path}").exit_code == 0
    refused = CliRunner().invoke(app, [*demo, f"duckdb:///{ingested_path}"])
    assert refused.exit_code == 1 and "did not write" in refused.stderr and "--force" in refused.stderr
    with duckdb.connect(str(ingested_path), read_only=True) as con:
        assert con.execute("select count(*) from activities where source_system = 'salesforce'").fetchone() == (3,)
    assert CliRunner().invoke(app, [*demo, f"duckdb:///{ingested_path}", "--force"]).exit_code == 0
    with duckdb.connect(str(ingested_path), read_only=True) as con:
        assert con.execute("select count(*) from activities where source_system = 'salesforce'").fetchone() == (0,)
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert "ingest_keys" not in tables  # its keys would claim rows the new demo does not hold


def test_without_linking_rules_activities_keep_their_declared_links(tmp_path: Path, repo_root: Path) -> None:
    project = tmp_path / "project"  # the starter definitions without linking.yaml
    project.mkdir()
    for name in ("glossary.yaml", "metrics.yaml"):
        (project / name).write_text((repo_root / name).read_text())
    result = _ingest("salesforce", str(export(tmp_path, "Task.csv", TASKS)), "--project", str(project),
                     "--database", f"duckdb:///{tmp_path / 'ledger.duckdb'}")
    assert result.exit_code == 0, result.output
    assert "has no linking rules (linking.yaml, docs/linking.md), so ingested activities keep only the links " \
           "their source declared until `semantic link`" in result.stderr
    assert not any(line.startswith("linked") for line in result.stdout.splitlines())
