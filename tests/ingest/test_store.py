"""The store on DuckDB and PostgreSQL: each record once, re-runs and overlaps change nothing, changes update in
place, bad records land in ingest_rejects with their line, missing tables are created and foreign ones refused.
Every expected number is counted by hand from the fixture rows in conftest.py."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from semantic.ingest.adapters import AdapterOptions, read
from semantic.ingest.errors import FOREIGN_KEYS, TABLE_SHAPE, IngestError
from semantic.ingest.records import Record, ledger_id
from semantic.ingest.run import ingest
from semantic.ingest.store import Counts, ingest_records
from semantic.ingest.tables import prepare
from semantic.ledger.schema import metadata
from tests.ingest.conftest import (ACCOUNTS, CONTACTS, HISTORY, OPPORTUNITIES, TASKS, NewDatabase, export, rows,
                                   table_names)

LEDGER_TABLES = [t.name for t in metadata.sorted_tables]


def _run(url: str, *paths: Path) -> dict[str, Counts]:
    return {r.path.name: r.counts for r in ingest(url, "salesforce", list(paths))}


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every ledger table, every column, rows sorted: what 'the same ledger, row for row' compares."""
    snapshot = {}
    for table in metadata.sorted_tables:
        order = ", ".join(str(i + 1) for i in range(len(table.columns)))
        snapshot[table.name] = rows(url, f"select * from {table.name} order by {order}")
    return snapshot


def _full_export(folder: Path) -> list[Path]:
    return [export(folder, "Task.csv", TASKS), export(folder, "OpportunityHistory.csv", HISTORY),
            export(folder, "Opportunity.csv", OPPORTUNITIES), export(folder, "Contact.csv", CONTACTS),
            export(folder, "Account.csv", ACCOUNTS)]


def test_ingesting_twice_changes_nothing(url: str, tmp_path: Path) -> None:
    files = _full_export(tmp_path)
    first = _run(url, *files)
    assert {name: (c.read, c.new) for name, c in first.items()} == {
        "Account.csv": (2, 2), "Contact.csv": (2, 2), "Opportunity.csv": (2, 2), "OpportunityHistory.csv": (3, 3),
        "Task.csv": (3, 3)}
    before = _snapshot(url)
    second = _run(url, *files)
    assert {name: (c.read, c.new, c.updated, c.unchanged) for name, c in second.items()} == {
        "Account.csv": (2, 0, 0, 2), "Contact.csv": (2, 0, 0, 2), "Opportunity.csv": (2, 0, 0, 2),
        "OpportunityHistory.csv": (3, 0, 0, 3), "Task.csv": (3, 0, 0, 3)}
    assert _snapshot(url) == before
    assert rows(url, "select count(*) from activities") == [(3,)]
    assert rows(url, "select count(*) from ingest_keys") == [(12,)]


def test_overlapping_exports_in_either_order_give_the_same_ledger(url: str, new_database: NewDatabase,
                                                                  tmp_path: Path) -> None:
    early = export(tmp_path, "Task_early.csv", TASKS[:2])
    late = export(tmp_path, "Task_late.csv", TASKS[1:])
    forward = _run(url, early)["Task_early.csv"], _run(url, late)["Task_late.csv"]
    assert [(c.new, c.unchanged) for c in forward] == [(2, 0), (1, 1)]
    other = new_database()
    backward = _run(other, late)["Task_late.csv"], _run(other, early)["Task_early.csv"]
    assert [(c.new, c.unchanged) for c in backward] == [(2, 0), (1, 1)]
    assert _snapshot(url) == _snapshot(other)
    assert rows(url, "select source_id from activities order by 1") == [
        ("00T000000000001",), ("00T000000000002",), ("00T000000000003",)]


def test_a_changed_record_updates_in_place(url: str, tmp_path: Path) -> None:
    _run(url, export(tmp_path, "Task.csv", TASKS[:1]), export(tmp_path, "Opportunity.csv", OPPORTUNITIES))
    assert rows(url, "select role, declared_contact_id from activity_participants") == [
        ("callee", ledger_id("salesforce", "contact", "003000000000001"))]
    changed_task = TASKS[0].replace("003000000000001,", ",", 1).replace("Discovery call", "Discovery call (moved)")
    changed_deal = OPPORTUNITIES[0].replace("1000.00,Prospecting", "1200.00,Prospecting")
    counts = _run(url, export(tmp_path, "Task_v2.csv", [changed_task]),
                  export(tmp_path, "Opportunity_v2.csv", OPPORTUNITIES[1:] + [changed_deal]))
    assert (counts["Task_v2.csv"].updated, counts["Opportunity_v2.csv"].updated,
            counts["Opportunity_v2.csv"].unchanged) == (1, 1, 1)
    assert rows(url, "select subject from activities") == [("Discovery call (moved)",)]
    assert rows(url, "select count(*) from activity_participants") == [(0,)]  # WhoId emptied: participant gone
    assert rows(url, "select name, amount from opportunities order by name") == [
        ("Acme - Platform", 1200), ("Globex - Renewal", 2500.5)]


def test_broken_records_are_rejected_with_their_line_and_the_rest_ingested(url: str, tmp_path: Path) -> None:
    broken = tmp_path / "Task.csv"
    broken.write_text(
        '"Id","WhoId","Subject","ActivityDate","TaskSubtype","CallDurationInSeconds"\n'   # line 1
        '"00T000000000011","003000000000001","Call","2024-02-05","Call","60"\n'          # line 2: fine
        '"00T000000000012","","Two\nline subject","2024-02-05","Email",""\n'             # lines 3-4: fine
        '"00T000000000013","","Bad date","2024-02-30","Email",""\n'                      # line 5: no Feb 30
        '"","","No id","2024-02-05","Email",""\n'                                        # line 6: no Id
        '"00T000000000015","","Short row","2024-02-05"\n'                                # line 7: 4 columns
        '"00T000000000016","","Long call","2024-02-05","Call","ten"\n'                   # line 8: bad number
        '"00T000000000017","","Last","2024-02-07","Call","5"\n'                          # line 9: fine
        '"00T000000000018","","Nul\x00","2024-02-07","Call","5"\n',                      # line 10: a NUL
        encoding="utf-8")
    for _ in range(2):  # re-running the broken file does not duplicate its rejects
        counts = _run(url, broken)["Task.csv"]
        assert (counts.read, counts.rejected) == (8, 5)
    assert rows(url, "select source_id from activities order by 1") == [
        ("00T000000000011",), ("00T000000000012",), ("00T000000000017",)]
    assert rows(url, "select subject from activities where source_id = '00T000000000012'") == [("Two\nline subject",)]
    rejects = rows(url, "select source, file, record, reason, raw from ingest_rejects order by record")
    assert [(r[0], r[1], r[2]) for r in rejects] == [("salesforce", str(broken.resolve()), n)
                                                     for n in (5, 6, 7, 8, 10)]
    assert "ActivityDate '2024-02-30' is not a date" in rejects[0][3]
    assert "Id is empty" in rejects[1][3] and "4 columns where the header has 6" in rejects[2][3]
    assert "CallDurationInSeconds 'ten' is not a whole number" in rejects[3][3]
    assert rejects[2][4] == '"00T000000000015","","Short row","2024-02-05"\n'
    assert "NUL character" in rejects[4][3]
    assert rejects[4][4] == '"00T000000000018","","Nul\\x00","2024-02-07","Call","5"\n'  # stored escaped


def test_history_gets_from_stage_whatever_order_the_rows_come_in(url: str, tmp_path: Path) -> None:
    _run(url, export(tmp_path, "OpportunityHistory_late.csv", HISTORY[2:]))
    _run(url, export(tmp_path, "OpportunityHistory_early.csv", HISTORY[:2]))
    assert rows(url, "select source_id, from_stage, to_stage from opportunity_stage_history order by 1") == [
        ("008000000000001", None, "Prospecting"), ("008000000000002", None, "Prospecting"),
        ("008000000000003", "Prospecting", "Closed Won")]


def test_a_contact_before_its_account_is_kept_and_joins_later(url: str, tmp_path: Path) -> None:
    _run(url, export(tmp_path, "Contact.csv", CONTACTS))
    _run(url, export(tmp_path, "Account.csv", ACCOUNTS))
    assert rows(url, "select c.email, a.name, a.domain from contacts c join accounts a using (account_id) "
                     "order by 1") == [("ada@acme.com", "Acme Corp", "acme.com"),
                                       ("ben@globex.io", "Globex", "globex.io")]


def test_missing_tables_are_created_and_present_ones_kept(url: str, tmp_path: Path) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.tables["reps"].create(conn)
        conn.execute(metadata.tables["reps"].insert().values(rep_id=1, name="Existing Rep", email="r@x.com",
                                                             role="ae"))
    engine.dispose()
    _run(url, export(tmp_path, "Account.csv", ACCOUNTS))
    assert set(LEDGER_TABLES) | {"ingest_keys", "ingest_rejects"} <= table_names(url)
    assert rows(url, "select name from reps") == [("Existing Rep",)]


def test_a_table_of_another_shape_is_refused(url: str, tmp_path: Path) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("create table activities (activity_id bigint, subject varchar(200))"))
    engine.dispose()
    with pytest.raises(IngestError) as raised:
        _run(url, export(tmp_path, "Task.csv", TASKS))
    assert raised.value.code == TABLE_SHAPE
    assert raised.value.message.startswith("table activities exists without column(s) source_system, activity_type,")
    assert rows(url, "select count(*) from activities") == [(0,)]


def test_tables_that_enforce_foreign_keys_are_refused(url: str, tmp_path: Path) -> None:
    """The demo's tables enforce foreign keys; a Task naming an owner not in reps would fail mid-file there."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn)
    engine.dispose()
    with pytest.raises(IngestError) as raised:
        _run(url, export(tmp_path, "Task.csv", TASKS))
    assert raised.value.code == FOREIGN_KEYS and "activities" in raised.value.message
    assert rows(url, "select count(*) from activities") == [(0,)]


def test_a_crash_mid_file_keeps_the_committed_batches_and_a_rerun_completes_it(url: str, tmp_path: Path) -> None:
    tasks = export(tmp_path, "Task.csv", TASKS)
    records = list(read("salesforce", tasks, AdapterOptions()))

    def dies_after_the_third_record() -> Iterator[Record]:
        yield from records
        raise RuntimeError("power cut")

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            prepare(conn)
        with pytest.raises(RuntimeError):
            ingest_records(engine.begin, "salesforce", str(tasks), dies_after_the_third_record(),
                           batch_records=2)
    finally:
        engine.dispose()
    assert rows(url, "select source_id from activities order by 1") == [("00T000000000001",), ("00T000000000002",)]
    again = _run(url, tasks)["Task.csv"]
    assert (again.new, again.unchanged) == (1, 2)
    assert rows(url, "select count(*) from activities") == [(3,)]


def test_a_dry_run_counts_exactly_and_writes_nothing(url: str, tmp_path: Path) -> None:
    tasks = export(tmp_path, "Task.csv", [*TASKS, TASKS[0]])  # the first task twice: new once, then unchanged
    dry = [r.counts for r in ingest(url, "salesforce", [tasks], dry_run=True)][0]
    assert (dry.read, dry.new, dry.updated, dry.unchanged) == (4, 3, 0, 1)
    assert "activities" not in table_names(url)  # not even the tables
    _run(url, tasks)
    moved = export(tmp_path, "Task_v2.csv", [TASKS[0].replace("Discovery call", "Discovery call (moved)")])
    dry = [r.counts for r in ingest(url, "salesforce", [moved], dry_run=True)][0]
    assert (dry.read, dry.updated) == (1, 1)
    assert rows(url, "select subject from activities where source_id = '00T000000000001'") == [("Discovery call",)]
