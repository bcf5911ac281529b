"""Naming the way: when two join paths tie, `account.region.name` and `rep.region.name` pick one each.

Hand-made data: deals 100 (account North, rep South, 100), 101 (account South, rep South, 10),
102 (account North, rep North, 1), 103 (no account, rep North, 1000).
By the account's region: North 101, South 10, none 1000. By the rep's region: South 110, North 1001.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from semantic.definitions import load_project
from semantic.errors import SemanticError
from semantic.layer import SemanticLayer
from semantic.question import Question

DIAMOND = Path(__file__).resolve().parent.parent / "fixtures" / "projects" / "diamond"


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    path = tmp_path_factory.mktemp("diamond") / "ledger.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table regions (region_id int, name text)")
        con.execute("insert into regions values (1, 'North'), (2, 'South')")
        con.execute("create table accounts (account_id int, region_id int, name text)")
        con.execute("insert into accounts values (10, 1, 'Acme'), (11, 2, 'Globex')")
        con.execute("create table reps (rep_id int, region_id int, name text)")
        con.execute("insert into reps values (20, 2, 'Sue'), (21, 1, 'Ned')")
        con.execute("create table deals (deal_id int, account_id int, rep_id int, amount int, closed_at date)")
        con.execute("insert into deals values (100, 10, 20, 100, '2025-01-05'), (101, 11, 20, 10, '2025-02-05'),"
                    " (102, 10, 21, 1, '2025-03-05'), (103, null, 21, 1000, '2025-04-05')")
    return SemanticLayer.open(DIAMOND, f"duckdb:///{path}")


def by(layer: SemanticLayer, ref: str) -> dict:
    return {row[ref]: row["revenue"] for row in layer.query(Question(metrics=["revenue"], dimensions=[ref])).rows}


def test_the_tie_is_refused_with_both_ways_to_write_it(layer):
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["revenue"], dimensions=["region.name"]), "duckdb")
    assert info.value.code == "E_AMBIGUOUS_PATH"
    assert "'account.region.name' or 'rep.region.name'" in info.value.hint


def test_each_way_gives_its_own_answer(layer):
    assert by(layer, "account.region.name") == {"North": 101, "South": 10, None: 1000}
    assert by(layer, "rep.region.name") == {"North": 1001, "South": 110}


def test_both_ways_in_one_question_use_separate_joins(layer):
    rows = layer.query(Question(metrics=["revenue"], dimensions=["account.region.name", "rep.region.name"])).rows
    assert {(r["account.region.name"], r["rep.region.name"]): r["revenue"] for r in rows} == {
        ("North", "South"): 100, ("South", "South"): 10, ("North", "North"): 1, (None, "North"): 1000}


def test_filters_can_name_the_way_too(layer):
    rows = layer.query(Question(metrics=["revenue"], filters=[
        {"dimension": "rep.region.name", "op": "eq", "value": "North"}])).rows
    assert rows == [{"revenue": 1001}]


def test_a_way_that_does_not_exist_is_refused(layer):
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["revenue"], dimensions=["account.rep.name"]), "duckdb")
    assert info.value.code == "E_FANOUT"


def test_saved_queries_are_checked_the_same_way(tmp_path):
    text = (DIAMOND / "metrics.yaml").read_text(encoding="utf-8")
    (tmp_path / "metrics.yaml").write_text(text + """
saved_queries:
  named_way:
    metrics: [revenue]
    dimensions: [account.region.name]
  tie:
    metrics: [revenue]
    dimensions: [region.name]
""", encoding="utf-8")
    codes = [(i.code, i.message) for i in load_project(tmp_path).issues if i.severity == "error"]
    assert len(codes) == 1 and codes[0][0] == "E_UNREACHABLE_DIMENSION" and "'region.name'" in codes[0][1]
    assert "name the way" in codes[0][1]


def test_the_hint_names_every_entity_of_each_way(repo_root, tmp_path):
    """Without the activity's own account join, `account.rep.region` ties (via contact or opportunity);
    the suggested rewrites keep the account on the way, or they would read a different rep."""
    import shutil

    shutil.copy(repo_root / "glossary.yaml", tmp_path / "glossary.yaml")
    text = (repo_root / "metrics.yaml").read_text(encoding="utf-8")
    marker = "      account: {foreign_key: account_id}\n      opportunity: {foreign_key: opportunity_id}\n"
    assert marker in text
    (tmp_path / "metrics.yaml").write_text(text.replace(marker, "      opportunity: {foreign_key: opportunity_id}\n"),
                                           encoding="utf-8")
    layer = SemanticLayer.open(tmp_path)
    with pytest.raises(SemanticError) as info:
        layer.compile(Question(metrics=["activities"], dimensions=["account.rep.region"]), "duckdb")
    assert "'contact.account.rep.region' or 'opportunity.account.rep.region'" in info.value.hint


def test_where_strings_can_name_the_way():
    from semantic.question import parse_where

    assert [f.dimension for f in parse_where("opportunity.rep.region = 'EMEA' and rep.region = 'NA'")] == [
        "opportunity.rep.region", "rep.region"]
