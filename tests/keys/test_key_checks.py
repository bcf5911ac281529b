"""Key checks on a fixture with duplicate keys, null keys and dangling foreign keys (tests/keys/bad_keys.py holds
the rows and the hand counts), on DuckDB and PostgreSQL: `semantic validate --database` reports each with
exact counts, and an answer resting on them carries the warning."""
from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from semantic.execute import dispose_engines
from semantic.keys import registry
from semantic.keys.registry import KEY_CHECKS, key_issues
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question
from server.app import create_app
from server.auth import TokenAuth
from server.settings import ServerSettings
from tests.keys import bad_keys
from tests.server.conftest import get, post
from tests.support.postgres import fresh_database

runner = CliRunner()


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path_factory.mktemp('bad_keys') / 'ledger.duckdb'}"
    else:
        url = fresh_database(request.getfixturevalue("postgres_url"), "bad_keys")
    bad_keys.load(url)
    return url


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bad_keys.write_project(tmp_path_factory.mktemp("bad_keys_project"))


def layer(project: Path, url: str, **settings: float) -> SemanticLayer:
    """A layer that runs every question: these tests count key checks, which a cached answer would skip."""
    return SemanticLayer.open(project, url, ExecutionSettings(**{"result_cache_mb": 0, **settings}))


def by_code(project: Path, url: str) -> dict[str, str]:
    layer_ = layer(project, url)
    return {i.code: i.render() for i in key_issues(layer_.definitions, url)}


def test_duplicate_keys_are_counted(project: Path, url: str) -> None:
    line = by_code(project, url)["E_KEY_NOT_UNIQUE"]
    assert line.startswith(f"metrics.yaml:{bad_keys.KEY_LINE}:18: error[E_KEY_NOT_UNIQUE] entity 'deal': primary key "
                           "'deal_id' is not unique: 2 key value(s) occur more than once, 3 extra row(s) of 8; "
                           "for example 2, 1 -- hint: dedupe in a derived entity: `sql: select distinct deal_id, "
                           "name, amount from deals`")


def test_null_keys_are_counted(project: Path, url: str) -> None:
    assert by_code(project, url)["E_KEY_NULL"].startswith(
        f"metrics.yaml:{bad_keys.KEY_LINE}:18: error[E_KEY_NULL] entity 'deal': primary key 'deal_id' is null in "
        "2 row(s) of 8")


def test_dangling_foreign_keys_over_the_threshold_are_an_error(project: Path, url: str) -> None:
    assert by_code(project, url)["E_JOIN_ORPHANS"].startswith(
        f"metrics.yaml:{bad_keys.JOIN_LINE}:27: error[E_JOIN_ORPHANS] entity 'touch': join 'deal': 3 of 6 "
        "row(s) whose deal_id is set (50.00%) find no deal (2 distinct key(s), for example 8, 9) (more than the "
        "25.00% allowed by max_orphan_share)")


def test_dangling_foreign_keys_within_the_threshold_are_a_warning(url: str, tmp_path: Path) -> None:
    lenient = bad_keys.write_project(tmp_path / "lenient", max_orphan_share=0.5)
    codes = by_code(lenient, url)
    assert "E_JOIN_ORPHANS" not in codes
    assert "warning[W_JOIN_ORPHANS] entity 'touch': join 'deal': 3 of 6 row(s) whose deal_id is set (50.00%)" in \
        codes["W_JOIN_ORPHANS"]


def test_a_deduped_derived_entity_passes(project: Path, url: str) -> None:
    """clean_deal is the hint applied (distinct rows, no null key): nothing is reported about it."""
    assert [i for i in key_issues(layer(project, url).definitions, url) if "clean_deal" in i.message] == []


def test_validate_exits_1_with_the_findings(project: Path, url: str) -> None:
    dispose_engines()  # the catalogue check opens DuckDB files its own way, which DuckDB refuses while pooled
    result = runner.invoke(app, ["validate", "-p", str(project), "--database", url, "--format", "json"])
    assert result.exit_code == 1, result.output
    issues = json.loads(result.output)["issues"]
    found = {(i["code"], i["line"]) for i in issues if i["code"].startswith(("E_KEY", "E_JOIN"))}
    assert found == {("E_KEY_NOT_UNIQUE", bad_keys.KEY_LINE), ("E_KEY_NULL", bad_keys.KEY_LINE),
                     ("E_JOIN_ORPHANS", bad_keys.JOIN_LINE)}


def test_an_answer_over_a_repeated_key_says_so(project: Path, url: str) -> None:
    """By deal.name, touch 10 meets both rows of deal 1 and touch 11 the three rows of deal 2; the three
    orphan touches and the one without a deal_id fall under null: 2 + 3 + 1 + 4 = 10 for 7 touches."""
    result = layer(project, url).query(Question(metrics=["touches"], dimensions=["deal.name"]))
    assert {r["deal.name"]: r["touches"] for r in result.rows} == {"a": 2, "b": 3, "c": 1, None: 4}
    codes = {w.code for w in result.warnings}
    assert codes == {"W_KEY_NOT_UNIQUE", "W_KEY_NULL", "W_JOIN_ORPHANS"}
    multiplied = next(w for w in result.warnings if w.code == "W_KEY_NOT_UNIQUE")
    assert "3 extra row(s) of 8" in multiplied.message and "may be multiplied" in multiplied.message


def test_an_answer_not_resting_on_a_broken_key_has_no_warning(project: Path, url: str) -> None:
    """The total of touches reads touches only, whose key is unique: 7, with nothing to warn about."""
    result = layer(project, url).query(Question(metrics=["touches"]))
    assert result.rows == [{"touches": 7}] and result.warnings == ()


def test_with_checks_off_an_answer_is_unverified(project: Path, url: str) -> None:
    KEY_CHECKS.forget()
    result = layer(project, url, key_check_max_age_s=0).query(Question(metrics=["touches"], dimensions=["deal.name"]))
    assert [w.code for w in result.warnings] == ["W_KEYS_UNVERIFIED"]
    assert "touch primary key, deal primary key, touch.deal" in result.warnings[0].message


def test_the_cli_prints_the_warning_and_puts_it_in_json(project: Path, url: str) -> None:
    result = runner.invoke(app, ["query", "touches", "--by", "deal.name", "-p", str(project), "--database", url,
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {w["code"] for w in payload["warnings"]} == {"W_KEY_NOT_UNIQUE", "W_KEY_NULL", "W_JOIN_ORPHANS"}
    assert "warning[W_KEY_NOT_UNIQUE] entity 'deal'" in result.stderr


def test_graphql_and_plain_http_carry_the_warnings(project: Path, url: str) -> None:
    app = create_app(project, url, ServerSettings(), auth=TokenAuth())
    body = post(app, '{ query(metrics: [touches], dimensions: ["deal.name"]) { rows warnings { code message } } }')
    answer = body.json()["data"]["query"]
    assert {w["code"] for w in answer["warnings"]} == {"W_KEY_NOT_UNIQUE", "W_KEY_NULL", "W_JOIN_ORPHANS"}
    as_json = get(app, "/query.json?metrics=touches&by=deal.name").json()
    assert {w["code"] for w in as_json["warnings"]} == {"W_KEY_NOT_UNIQUE", "W_KEY_NULL", "W_JOIN_ORPHANS"}
    as_csv = get(app, "/query.csv?metrics=touches&by=deal.name")
    assert set(as_csv.headers["x-semantic-warnings"].split(", ")) == {"W_KEY_NOT_UNIQUE", "W_KEY_NULL",
                                                                     "W_JOIN_ORPHANS"}
    clean = get(app, "/query.csv?metrics=touches")
    assert "x-semantic-warnings" not in clean.headers


def test_a_server_checks_keys_at_start_and_logs_the_findings(project: Path, url: str,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(project, url, ServerSettings(), auth=TokenAuth())
    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            pass

    with caplog.at_level(logging.INFO, logger="semantic.server"):
        asyncio.run(start_and_stop())
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("key check")]
    assert any("error[E_KEY_NOT_UNIQUE] entity 'deal'" in line for line in lines)
    assert any("error[E_JOIN_ORPHANS] entity 'touch'" in line for line in lines)
    assert any(line.startswith("key check: 4 keys and joins checked in ") for line in lines)


def test_a_verified_key_is_not_checked_again(project: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within key_check_max_age_s, on the same data, answers reuse the check; a new layer on the same
    definitions and data does too (the memory is per process, keyed by database, definitions and data)."""
    KEY_CHECKS.forget()
    calls: list[tuple] = []
    real = registry.run_checks

    def counting(defs, wanted, dialect, run):  # type: ignore[no-untyped-def]
        calls.append(wanted)
        return real(defs, wanted, dialect, run)

    monkeypatch.setattr(registry, "run_checks", counting)
    question = Question(metrics=["touches"], dimensions=["deal.name"])
    first = layer(project, url).query(question)
    again = layer(project, url).query(question)
    assert len(calls) == 1 and first.warnings == again.warnings
    layer(project, url, key_check_max_age_s=0.000001).query(question)  # older than the age: checked again
    assert len(calls) == 2


def test_a_check_that_cannot_run_is_reported_and_tried_again(url: str, tmp_path: Path) -> None:
    """notes.deal_ref is text ('x1') and deals.deal_id an integer: neither database can compare them."""
    (tmp_path / "metrics.yaml").write_text(bad_keys.UNCOMPARABLE)
    KEY_CHECKS.forget()
    notes = layer(tmp_path, url)
    found = [i for i in key_issues(notes.definitions, url) if i.code == "W_KEY_UNCHECKED"]
    assert [i.message.split(": [")[0] for i in found] == ["entity 'note': join 'deal' could not be checked"]
    report = KEY_CHECKS.check(notes.definitions, url, notes.settings)  # not remembered: checked again
    assert "W_KEY_UNCHECKED" in {f.code for f in report.findings}
