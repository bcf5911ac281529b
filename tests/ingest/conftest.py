"""Hand-made Salesforce exports and an empty database per test, on DuckDB and on PostgreSQL."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.postgres import fresh_database

_databases = itertools.count()

HEADERS = {
    "Account": "Id,Name,Website,Industry,OwnerId,CreatedDate",
    "Contact": "Id,AccountId,FirstName,LastName,Email,Title,CreatedDate",
    "Opportunity": "Id,AccountId,OwnerId,Name,Type,Amount,StageName,ForecastCategoryName,CreatedDate,CloseDate,"
                   "IsClosed,IsWon,LastStageChangeDate,LeadSource",
    "OpportunityHistory": "Id,OpportunityId,StageName,Amount,CloseDate,CreatedDate,CreatedById",
    "Task": "Id,WhoId,WhatId,AccountId,OwnerId,Subject,ActivityDate,TaskSubtype,CallDurationInSeconds,CallType,"
            "Status,IsDeleted",
}
ACCOUNTS = [
    "001000000000001,Acme Corp,https://www.acme.com/about,Software,005000000000001,2024-01-02T09:00:00.000Z",
    "001000000000002,Globex,globex.io,Retail,005000000000001,2024-01-03T09:00:00.000Z",
]
CONTACTS = [
    "003000000000001,001000000000001,Ada,Adams,Ada@Acme.com ,CTO,2024-01-05T10:00:00.000Z",
    "003000000000002,001000000000002,Ben,Baker,ben@globex.io,VP Sales,2024-01-06T10:00:00.000Z",
]
OPPORTUNITIES = [
    "006000000000001,001000000000001,005000000000001,Acme - Platform,New Business,1000.00,Prospecting,Pipeline,"
    "2024-02-01T09:00:00.000Z,2024-06-30,false,false,2024-02-01T09:00:00.000Z,Web",
    "006000000000002,001000000000002,005000000000001,Globex - Renewal,Renewal,2500.50,Closed Won,Closed,"
    "2024-02-02T09:00:00.000Z,2024-03-31,true,true,2024-03-30T15:00:00.000Z,Partner",
]
HISTORY = [
    "008000000000001,006000000000001,Prospecting,1000.00,2024-06-30,2024-02-01T09:00:00.000Z,005000000000001",
    "008000000000002,006000000000002,Prospecting,2500.50,2024-03-31,2024-02-02T09:00:00.000Z,005000000000001",
    "008000000000003,006000000000002,Closed Won,2500.50,2024-03-31,2024-03-30T15:00:00.000Z,005000000000001",
]
TASKS = [
    "00T000000000001,003000000000001,006000000000001,001000000000001,005000000000001,Discovery call,2024-02-05,"
    "Call,600,Outbound,Completed,false",
    "00T000000000002,00Q000000000001,,,005000000000001,Intro email,2024-02-06,Email,,,Completed,false",
    "00T000000000003,003000000000002,001000000000002,001000000000002,005000000000001,Renewal terms,2024-03-01,"
    "Email,,,Completed,false",
]


def export(folder: Path, name: str, lines: list[str], header: str | None = None) -> Path:
    """Write a CSV export named `name` (e.g. 'Task.csv') with the object's header and the given records."""
    path = folder / name
    path.write_text("\n".join([header or HEADERS[name.split(".")[0].split("_")[0]], *lines]) + "\n",
                    encoding="utf-8")
    return path


NewDatabase = Callable[[], str]


@pytest.fixture(params=["duckdb", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> NewDatabase:
    """Makes empty databases on the test's backend (each test runs on both)."""
    def make() -> str:
        number = next(_databases)
        if request.param == "duckdb":
            return f"duckdb:///{tmp_path / f'ingest_{number}.duckdb'}"
        return fresh_database(request.getfixturevalue("postgres_url"), f"ingest_{number}")
    return make


@pytest.fixture
def url(new_database: NewDatabase) -> str:
    """An empty database on each backend."""
    return new_database()


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def rows(url: str, sql: str) -> list[tuple]:
    """The result of a hand-written query (the engine is disposed so DuckDB files are released)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()
