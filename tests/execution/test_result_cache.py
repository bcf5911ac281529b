"""The result cache: a write to the ledger or a definitions reload is never answered from an old entry, callers
never share one, and the byte bound holds. Numbers are the tiny ledger's hand counts."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from semantic.access import Caller
from semantic.layer import SemanticLayer
from semantic.question import Question
from semantic.settings import ExecutionSettings
from tests.execution.test_data_version import EXTRA_WON_DEAL, TINY_BOOKINGS, refreshed_ledger
from tests.execution.conftest import tiny_pg_database
from tests.server.tiny_ledger import write_tiny_ledger

BOOKINGS = Question(metrics=["bookings"])
BY_SEGMENT = Question(metrics=["bookings"], dimensions=["account.segment"])
PROBE_S = 0.2
FAST = ExecutionSettings(data_probe_interval_s=PROBE_S)


def counts(layer: SemanticLayer) -> tuple[int, int]:
    stats = layer.result_cache.stats()
    return stats.hits, stats.misses


def project_copy(repo_root: Path, target: Path) -> Path:
    target.mkdir()
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(repo_root / name, target / name)
    return target


def test_a_repeat_is_answered_from_the_cache_and_a_replaced_ledger_within_the_probe_interval(repo_root, tmp_path):
    path = tmp_path / "ledger.duckdb"
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(path), FAST)
    first = layer.query(BOOKINGS)
    assert first.rows == [{"bookings": TINY_BOOKINGS}] and counts(layer) == (0, 1)
    again = layer.query(BOOKINGS)
    assert again.rows == first.rows and again.data_version == first.data_version and counts(layer) == (1, 1)

    refreshed_ledger(path)  # a refresh renames a ledger with one more won deal (99) over the served file
    time.sleep(PROBE_S + 0.05)
    after = layer.query(BOOKINGS)
    assert after.rows == [{"bookings": TINY_BOOKINGS + 99}]
    assert after.data_version not in (None, first.data_version)
    assert counts(layer) == (1, 2)  # a miss: the stale entry was not asked for


@pytest.fixture
def pg_ledger(postgres_url: str, request) -> str:
    return tiny_pg_database(postgres_url, f"cache_{request.node.name[5:30].lower()}")


def test_a_postgresql_write_changes_the_answer_within_the_probe_interval(repo_root, pg_ledger):
    layer = SemanticLayer.open(repo_root, pg_ledger, FAST)  # the starter declares table_metadata everywhere
    first = layer.query(BOOKINGS)
    assert first.rows == [{"bookings": TINY_BOOKINGS}] and first.data_version is not None
    writer = sa.create_engine(pg_ledger)
    try:
        with writer.begin() as conn:  # a writer that stays connected, as a loader would
            conn.exec_driver_sql(EXTRA_WON_DEAL)
        time.sleep(PROBE_S + 0.05)
        after = layer.query(BOOKINGS)
    finally:
        writer.dispose()
    assert after.rows == [{"bookings": TINY_BOOKINGS + 99}]
    assert after.data_version not in (None, first.data_version)


def test_without_a_probe_on_every_entity_postgresql_answers_are_not_cached(repo_root, tmp_path, pg_ledger):
    project = project_copy(repo_root, tmp_path / "project")
    text = (project / "metrics.yaml").read_text()
    (project / "metrics.yaml").write_text(text.replace(
        "    freshness: {probe: table_metadata}  # no load-time column: the database's record of writes\n", "", 1))
    layer = SemanticLayer.open(project, pg_ledger, FAST)
    assert layer.query(BOOKINGS).data_version is None and layer.query(BOOKINGS).data_version is None
    assert layer.result_cache.stats().entries == 0 and counts(layer) == (0, 0)


def test_a_definitions_reload_is_answered_at_once(repo_root, tmp_path):
    url = write_tiny_ledger(tmp_path / "ledger.duckdb")
    project = project_copy(repo_root, tmp_path / "project")
    old = SemanticLayer.open(project, url)
    assert old.query(BOOKINGS).rows == old.query(BOOKINGS).rows == [{"bookings": TINY_BOOKINGS}]
    metrics = project / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("      won_amount:\n        agg: sum\n        expr: amount\n",
                                                   "      won_amount:\n        agg: sum\n        expr: amount * 2\n"))
    new = SemanticLayer.open(project, url)
    assert new.result_cache is old.result_cache  # one cache per database, shared across versions
    assert new.query(BOOKINGS).rows == [{"bookings": TINY_BOOKINGS * 2}]
    assert old.query(BOOKINGS).rows == [{"bookings": TINY_BOOKINGS}]  # a request still on the old version


def test_two_access_contexts_never_share_an_answer(repo_root, tmp_path):
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(tmp_path / "ledger.duckdb"))
    rep = Caller("ada", frozenset({"rep"}), {"region": "NA"})
    other_region = Caller("bo", frozenset({"rep"}), {"region": "EMEA"})
    assert rep.cache_key() != other_region.cache_key()
    layer.query(BY_SEGMENT, caller=rep)
    layer.query(BY_SEGMENT, caller=other_region)
    layer.query(BY_SEGMENT)  # unrestricted
    assert counts(layer) == (0, 3)
    layer.query(BY_SEGMENT, caller=Caller("ada again", frozenset({"rep"}), {"region": "NA"}))  # same context
    assert counts(layer) == (1, 3)


def test_cached_rows_are_read_only(repo_root, tmp_path):
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(tmp_path / "ledger.duckdb"))
    answer = layer.query(BY_SEGMENT)
    with pytest.raises(TypeError):
        answer.rows[0]["bookings"] = 0
    with pytest.raises(TypeError):
        answer.rows.append({"account.segment": "x", "bookings": 1})
    # Enterprise: deal 100 (1000.50); SMB: 102 (2000) + 104 (700)
    assert sorted((r["account.segment"], r["bookings"]) for r in layer.query(BY_SEGMENT).rows) == [
        ("Enterprise", 1000.5), ("SMB", 2700.0)]


def test_truncated_and_refused_answers_are_not_kept(repo_root, tmp_path):
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(tmp_path / "ledger.duckdb"), ExecutionSettings(max_rows=1))
    assert layer.query(BY_SEGMENT).truncated
    assert layer.result_cache.stats().entries == 0


def test_a_cache_set_to_zero_keeps_nothing(repo_root, tmp_path):
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(tmp_path / "ledger.duckdb"),
                               ExecutionSettings(result_cache_mb=0))
    assert layer.query(BOOKINGS).rows == layer.query(BOOKINGS).rows == [{"bookings": TINY_BOOKINGS}]
    assert layer.result_cache.stats().entries == 0 and counts(layer) == (0, 0)


def test_row_count_probes_see_a_postgresql_insert(repo_root, tmp_path, pg_ledger):
    project = project_copy(repo_root, tmp_path / "project")
    metrics = project / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("probe: table_metadata", "probe: row_count"))
    layer = SemanticLayer.open(project, pg_ledger, FAST)
    first = layer.query(BOOKINGS)
    assert first.rows == [{"bookings": TINY_BOOKINGS}] and first.data_version is not None
    writer = sa.create_engine(pg_ledger)
    try:
        with writer.begin() as conn:
            conn.exec_driver_sql(EXTRA_WON_DEAL)
    finally:
        writer.dispose()
    time.sleep(PROBE_S + 0.05)
    after = layer.query(BOOKINGS)
    assert after.rows == [{"bookings": TINY_BOOKINGS + 99}] and after.data_version != first.data_version


def test_a_refused_probe_leaves_answers_unstamped_and_uncached(repo_root, tmp_path):
    """A table the definitions declare but the ledger lacks (leads) fails the probe, not the questions that do not
    read it: they are answered, without a data version, freshness or a cache entry."""
    import duckdb

    path = tmp_path / "ledger.duckdb"
    write_tiny_ledger(path)
    with duckdb.connect(str(path)) as conn:
        conn.execute("drop table leads")
    layer = SemanticLayer.open(repo_root, f"duckdb:///{path}", FAST)
    answer = layer.query(BOOKINGS)
    assert answer.rows == [{"bookings": TINY_BOOKINGS}]
    assert answer.data_version is None and answer.freshness is None
    assert layer.result_cache.stats().entries == 0


def test_many_distinct_answers_stay_within_the_byte_bound(repo_root, tmp_path):
    bound_mb = 0.0005  # 524 bytes: a few small answers
    layer = SemanticLayer.open(repo_root, write_tiny_ledger(tmp_path / "ledger.duckdb"),
                               ExecutionSettings(result_cache_mb=bound_mb))
    for amount in range(40):  # forty different questions (the bound value differs), each kept when answered
        layer.query(Question(metrics=["bookings"], dimensions=["account.segment"],
                             filters=[{"dimension": "opportunity.amount", "op": "gt", "value": amount}]))
        stats = layer.result_cache.stats()
        assert stats.bytes <= stats.max_bytes == int(bound_mb * 1024 * 1024)
    stats = layer.result_cache.stats()
    assert stats.misses == 40 and stats.entries >= 1
    assert stats.evictions == 40 - stats.entries  # every answer was kept, and each one gone was evicted
