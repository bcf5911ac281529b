"""The freshness stamp: per entity read, the newest value of its declared column, checked by hand-written SQL."""
from __future__ import annotations

import json
from datetime import datetime

from fastapi import FastAPI
from typer.testing import CliRunner

from semantic.cli import app as cli
from semantic.freshness import freshness_of
from semantic.layer import SemanticLayer
from semantic.probes import DataProbes
from tests.deck.conftest import REPO, TODAY
from tests.deck.helpers import AUTH
from tests.server.conftest import data, post
from tests.server.tiny_ledger import hand_sql


def newest(ledger: str, sql: str) -> str:
    value = hand_sql(ledger, sql)[0][0]
    return value.isoformat() if isinstance(value, datetime) else value


def test_an_answer_carries_the_newest_row_of_each_entity_it_reads(deck_app: FastAPI, deck_ledger: str) -> None:
    opportunities = newest(deck_ledger, "select max(created_at) from opportunities")
    activities = newest(deck_ledger, "select max(occurred_at) from activities")
    assert (opportunities, activities) == ("2024-05-01T00:00:00", "2024-05-02T09:30:00")  # the ledger's last rows
    alone = data(post(deck_app, "{ query(metrics: [bookings]) { freshness } }", headers=AUTH))["query"]
    assert alone["freshness"] == {"oldest": opportunities, "entities": [
        {"entity": "opportunity", "column": "created_at", "latest": opportunities}]}
    # activities sliced by an opportunity dimension read both tables: the answer is as old as the staler one
    both = data(post(deck_app, '{ query(metrics: [activities], dimensions: ["opportunity.stage"]) { freshness } }',
                     headers=AUTH))["query"]
    assert both["freshness"] == {"oldest": opportunities, "entities": [
        {"entity": "activity", "column": "occurred_at", "latest": activities},
        {"entity": "opportunity", "column": "created_at", "latest": opportunities}]}


def test_generated_rows_are_as_fresh_as_their_change_log_and_undeclared_tables_are_not_stamped(
        deck_app: FastAPI) -> None:
    spells = data(post(deck_app, "{ query(metrics: [stage_entries]) { freshness } }", headers=AUTH))["query"]
    # the tiny ledger has no stage history rows: the change log is stamped, with no newest row
    assert spells["freshness"] == {"oldest": None, "entities": [
        {"entity": "stage_change", "column": "changed_at", "latest": None}]}
    quota = data(post(deck_app, "{ query(metrics: [quota]) { freshness } }", headers=AUTH))["query"]
    assert quota["freshness"] is None


def test_the_probe_is_one_statement_kept_for_the_probe_interval(library_layer: SemanticLayer, monkeypatch) -> None:
    probes = DataProbes(library_layer.definitions, "duckdb", interval_s=5.0)
    declared = [n for n, e in library_layer.definitions.entities.items() if e.freshness_column]
    statements: list[str] = []

    def run(statement):
        statements.append(str(statement))
        return [tuple(f"2024-05-0{i + 1}" for i in range(len(declared)))]

    clock = [1000.0]
    monkeypatch.setattr("semantic.probes.time.monotonic", lambda: clock[0])
    first = freshness_of(library_layer.definitions, ("activity", "opportunity"), probes.read(run))
    assert first is not None and first.oldest == min(first.entities[0].latest, first.entities[1].latest)
    assert len(statements) == 1 and statements[0].count("max(") == len(declared) == 4  # every entity, once
    clock[0] += 2
    probes.read(run)
    assert len(statements) == 1  # still kept
    clock[0] += 10
    probes.read(run)
    assert len(statements) == 2


def test_cli_json_shows_freshness(deck_ledger: str) -> None:
    result = CliRunner().invoke(cli, ["query", "bookings", "--format", "json", "-p", str(REPO), "-d", deck_ledger,
                                      "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["freshness"]["oldest"] == newest(deck_ledger, "select max(created_at) from opportunities")


def test_an_answer_as_of_an_instant_also_reads_the_change_log(deck_app: FastAPI, deck_ledger: str) -> None:
    opportunities = newest(deck_ledger, "select max(created_at) from opportunities")
    body = data(post(deck_app, '{ query(metrics: [open_pipeline], asOf: "2024-06-01") { freshness } }',
                     headers=AUTH))["query"]
    assert body["freshness"] == {"oldest": opportunities, "entities": [
        {"entity": "opportunity", "column": "created_at", "latest": opportunities},
        {"entity": "stage_change", "column": "changed_at", "latest": None}]}
