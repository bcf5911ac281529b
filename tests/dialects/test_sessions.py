"""Connecting applies each warehouse's session facts: the statements run on every new connection, the
driver's connect arguments, BigQuery's job configuration. No account is needed: the SQLAlchemy dialects
run for real over a DB-API module that records what the driver would have been asked (fake_dbapi.py), and
every statement is parsed by sqlglot in its dialect to read back the setting and value it sets."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
import sqlglot
from sqlglot import exp

from semantic import engines
from semantic.dialects import DIALECTS, facts
from semantic.engines import EngineLimits
from semantic.settings import ExecutionSettings
from tests.dialects import fake_dbapi

LIMITS = EngineLimits(memory_limit_mb=2048, threads=2, pool_timeout_s=5.0, statement_timeout_s=12.5,
                      max_bytes_billed=10**9)
SNOWFLAKE = "snowflake://reader:pw@acct/ledger/public?warehouse=wh&role=semantic_reader"
BIGQUERY = "bigquery://project/ledger?user_supplied_client=true"
TRINO = "trino://reader@trino.example:8080/hive/ledger"


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[fake_dbapi.Connection]:
    """Engines the layer creates talk to the recording DB-API module; the connections it opened."""
    real = sa.create_engine
    monkeypatch.setattr(engines.sa, "create_engine", lambda url, **kw: real(url, module=fake_dbapi, **kw))
    fake_dbapi.connections.clear()
    return fake_dbapi.connections


def _run_twice(url: str, limits: EngineLimits = LIMITS) -> None:
    """Two connections open at once (so the pool opens two), each running one query."""
    engine = engines._create(url, limits)
    with engine.connect() as first, engine.connect() as second:
        first.exec_driver_sql("SELECT 1")
        second.exec_driver_sql("SELECT 1")
    engine.dispose()


def _settings(statements: list[str], dialect: str) -> dict[str, Any]:
    """name -> value of every `SET name = value` among the statements, as sqlglot reads them."""
    found = {}
    for statement in statements:
        for item in sqlglot.parse_one(statement, read=facts(dialect).sqlglot_name).find_all(exp.SetItem):
            found[item.this.this.name.lower()] = item.this.expression.to_py()
    return found


def test_snowflake_sessions_get_the_timeout_and_a_query_tag(recorded: list[fake_dbapi.Connection]) -> None:
    _run_twice(SNOWFLAKE)
    assert len(recorded) == 2
    for connection in recorded:
        statements = [s for s, _ in connection.statements]
        ours = [s for s in statements if s.startswith("ALTER SESSION")]
        assert statements.index(ours[-1]) < statements.index("SELECT 1")  # set before the first question
        # 12.5 s rounds up: Snowflake counts whole seconds, and 0 would mean no limit at all
        assert _settings(ours, "snowflake") == {"statement_timeout_in_seconds": 13,
                                                "query_tag": "revenue-semantic-layer"}
        assert connection.kwargs["role"] == "semantic_reader"  # read-only is this role's grants


def test_bigquery_jobs_carry_the_timeout_the_bytes_cap_and_a_label(recorded: list[fake_dbapi.Connection]) -> None:
    _run_twice(BIGQUERY)
    configs = [kw["job_config"] for c in recorded for s, kw in c.statements if s == "SELECT 1"]
    assert len(configs) == 2
    for config in configs:
        assert int(config.job_timeout_ms) == 12_500  # the API's int64 travels as a string
        assert int(config.maximum_bytes_billed) == 1_000_000_000
        assert config.labels == {"client": "revenue-semantic-layer"}


def test_bigquery_without_a_bytes_setting_leaves_the_cap_to_the_project(
        recorded: list[fake_dbapi.Connection]) -> None:
    _run_twice(BIGQUERY, EngineLimits.of(ExecutionSettings(statement_timeout_s=3)))
    config = recorded[0].statements[-1][1]["job_config"]
    assert config.maximum_bytes_billed is None and int(config.job_timeout_ms) == 3000


def test_trino_sessions_get_the_time_limit_and_name_the_layer(recorded: list[fake_dbapi.Connection]) -> None:
    _run_twice(TRINO)
    assert len(recorded) == 2
    for connection in recorded:
        assert connection.kwargs["session_properties"] == {"query_max_execution_time": "13s"}
        assert connection.kwargs["source"] == "revenue-semantic-layer"
        assert connection.kwargs["catalog"] == "hive" and connection.kwargs["schema"] == "ledger"


def test_trino_keeps_the_urls_own_session_properties_and_source(recorded: list[fake_dbapi.Connection]) -> None:
    own = quote(json.dumps({"query_max_memory": "1GB", "query_max_execution_time": "1h"}))
    _run_twice(f"{TRINO}?session_properties={own}&source=bi-team")
    assert recorded[0].kwargs["session_properties"] == {"query_max_memory": "1GB", "query_max_execution_time": "13s"}
    assert recorded[0].kwargs["source"] == "bi-team"


def test_duckdb_sessions_set_memory_and_threads_in_statements_duckdb_reads() -> None:
    session = facts("duckdb").session(sa.engine.make_url("duckdb:///ledger.duckdb"), LIMITS)
    assert _settings(list(session.statements), "duckdb") == {"memory_limit": "2048MB", "threads": 2}
    assert session.connect_args["read_only"] is True


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_session_statement_parses_in_its_dialect(dialect: str) -> None:
    url = {"duckdb": "duckdb:///x.duckdb", "postgresql": "postgresql+psycopg://u@h/db", "snowflake": SNOWFLAKE,
           "bigquery": BIGQUERY, "trino": TRINO, "spark": "sc://127.0.0.1:15002"}[dialect]
    if facts(dialect).url_scheme is not None:  # reached without SQLAlchemy: no session statements to set
        assert not facts(dialect).session(None, LIMITS).statements  # type: ignore[arg-type]
        return
    for statement in facts(dialect).session(sa.engine.make_url(url), LIMITS).statements:
        tree = sqlglot.parse_one(statement, read=facts(dialect).sqlglot_name)
        assert not isinstance(tree, exp.Command), f"{statement!r} is not understood as {dialect} SQL"


def test_the_bytes_setting_reaches_the_engine_limits() -> None:
    assert EngineLimits.of(ExecutionSettings(max_bytes_billed=5 * 10**9)).max_bytes_billed == 5_000_000_000
    with pytest.raises(ValueError, match="max_bytes_billed"):
        ExecutionSettings.from_env({"SEMANTIC_MAX_BYTES_BILLED": "-1"})
