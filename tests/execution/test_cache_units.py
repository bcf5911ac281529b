"""The cache's bookkeeping on made-up answers (sizes counted by hand), and the probe statement's shape."""
from __future__ import annotations

import threading
import time

from semantic.access import Caller
from semantic.definitions import require_valid
from semantic.probes import DataProbes
from semantic.result import Column, Result
from semantic.result_cache import ResultCache, answer_key, answer_size
from semantic.settings import ExecutionSettings


def answer(value: int, truncated: bool = False) -> Result:
    return Result((Column("n", "integer"),), [{"n": value}], "v1", truncated, None)


def test_an_entry_is_sized_by_its_rows_as_json():
    assert answer_size(answer(7)) == len('[["n"],[{"n":7}]]') == 17
    assert answer_size(answer(1234)) == 20


def test_the_byte_bound_holds_and_evictions_are_counted():
    cache = ResultCache(max_bytes=20 * 17)  # room for twenty one-digit answers
    for i in range(100):
        cache.put(f"k{i}", answer(i % 10))
        assert cache.bytes <= cache.max_bytes
    stats = cache.stats()
    assert stats.entries == 20 and stats.bytes == 20 * 17 and stats.evictions == 80
    assert cache.get("k79") is None and cache.get("k80") is not None  # the least recently used went first


def test_a_recently_read_entry_outlives_older_ones():
    cache = ResultCache(max_bytes=2 * 17)
    cache.put("a", answer(1))
    cache.put("b", answer(2))
    assert cache.get("a") is not None
    cache.put("c", answer(3))
    assert cache.get("b") is None and cache.get("a").rows == [{"n": 1}]
    assert (cache.hits, cache.misses, cache.evictions) == (2, 1, 1)


def test_truncated_and_oversized_answers_are_not_stored():
    cache = ResultCache(max_bytes=18)
    cache.put("t", answer(1, truncated=True))
    cache.put("big", answer(12345))  # 21 bytes > 18
    assert cache.stats().entries == 0 and cache.bytes == 0


def test_the_key_separates_callers_versions_and_settings():
    statement = ("select 1 where x = $1", (5,))
    base = dict(dialect="duckdb", definitions_version="d1", data_version="x1", caller_key=Caller.unrestricted().cache_key(),
                settings=ExecutionSettings())
    key = answer_key(statement=statement, **base)
    assert key == answer_key(statement=statement, **base)
    for change in ({"definitions_version": "d2"}, {"data_version": "x2"},
                   {"caller_key": Caller("ada", frozenset({"rep"}), {"region": "NA"}).cache_key()},
                   {"settings": ExecutionSettings(max_rows=5)}, {"settings": ExecutionSettings(key_check_max_age_s=0)}):
        assert answer_key(statement=statement, **{**base, **change}) != key, change
    assert answer_key(statement=(statement[0], (6,)), **base) != key
    assert answer_key(statement=(statement[0], {"x": 5}), **base) != key


def test_threads_share_one_cache_safely():
    cache = ResultCache(max_bytes=50 * 17)

    def work(offset: int) -> None:
        for i in range(500):
            cache.put(f"k{(i + offset) % 80}", answer(i % 10))
            cache.get(f"k{i % 80}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert stats.bytes == stats.entries * 17 <= cache.max_bytes and stats.hits + stats.misses == 8 * 500


def test_one_statement_reads_every_probe(repo_root):
    defs = require_valid(repo_root)
    sql = str(DataProbes(defs, "postgresql", 2.0).statement())
    declared_columns = [n for n, e in defs.entities.items() if e.freshness_column]
    assert sql.count("max(") == len(declared_columns) == 4
    assert sql.count("pg_current_wal_insert_lsn") == 1  # one write position, however many entities ask
    assert "count(" not in sql
    assert "wal" not in str(DataProbes(defs, "duckdb", 2.0).statement())  # the file identity covers DuckDB


DEALS = ("entities:\n  deal:\n    table: deals\n    primary_key: id\n{probe}    measures:\n"
         "      deals: {{agg: count}}\nmetrics:\n  deals: {{type: simple, measure: deals}}\n")


def test_a_row_count_probe_counts_rows(tmp_path):
    (tmp_path / "metrics.yaml").write_text(DEALS.format(probe="    freshness: {probe: row_count}\n"))
    probes = DataProbes(require_valid(tmp_path), "postgresql", 2.0)
    assert "count(*)" in str(probes.statement()) and probes.complete
    without = tmp_path / "without"
    without.mkdir()
    (without / "metrics.yaml").write_text(DEALS.format(probe=""))
    assert not DataProbes(require_valid(without), "postgresql", 2.0).complete


def test_concurrent_readers_share_one_probe_and_its_failure(repo_root):
    from concurrent.futures import ThreadPoolExecutor

    from semantic.errors import SemanticError

    probes = DataProbes(require_valid(repo_root), "duckdb", 2.0)
    calls: list[int] = []

    def down(_statement):
        calls.append(1)
        time.sleep(0.3)
        raise SemanticError("E_DATABASE_UNAVAILABLE", "the database did not answer", "")

    def read(_):
        try:
            return probes.read(down)
        except SemanticError as exc:
            return exc.code

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(read, range(8)))
    assert outcomes == ["E_DATABASE_UNAVAILABLE"] * 8 and len(calls) < 8  # waiters took the leader's failure


def test_a_cancelled_probe_is_not_the_others_cancellation(repo_root):
    from semantic.errors import SemanticError

    probes = DataProbes(require_valid(repo_root), "duckdb", 2.0)
    leader_started, release = threading.Event(), threading.Event()
    columns = len(probes.statement().selected_columns)

    def cancelled(_statement):
        leader_started.set()
        release.wait(5)
        raise SemanticError("E_QUERY_CANCELLED", "cancelled", "")

    outcome: dict = {}
    leader = threading.Thread(target=lambda: outcome.update(leader=_code(lambda: probes.read(cancelled))))
    leader.start()
    leader_started.wait(5)
    waiter = threading.Thread(target=lambda: outcome.update(waiter=probes.read(lambda _s: [(None,) * columns])))
    waiter.start()
    release.set()
    leader.join(5)
    waiter.join(5)
    assert outcome["leader"] == "E_QUERY_CANCELLED" and outcome["waiter"].latest  # the waiter probed for itself


def _code(work):
    from semantic.errors import SemanticError

    try:
        return work()
    except SemanticError as exc:
        return exc.code
