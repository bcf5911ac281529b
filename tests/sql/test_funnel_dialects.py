"""The starter funnel's SQL parses in every target dialect (bind markers replaced by their recorded values)."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot

from semantic.dialects import facts
from semantic.question import FunnelQuestion
from tests.sql.cases import DIALECTS, open_layer
from tests.sql.placeholders import header, inline, read_header


@pytest.mark.parametrize("dialect", DIALECTS)
def test_funnel_sql_parses(repo_root: Path, dialect: str) -> None:
    question = FunnelQuestion(funnel="lead_funnel", time_range={"from": "2025-01-01", "to": "2025-06-30"},
                              filters=[{"dimension": "account.segment", "op": "neq", "value": "SMB"}])
    compiled = open_layer(repo_root).compile_funnel(question, dialect)
    text = header(compiled.params) + compiled.sql
    tree = sqlglot.parse_one(inline(text, read_header(text)), read=facts(dialect).sqlglot_name)
    assert len(list(tree.find_all(sqlglot.exp.Union))) == 2  # three steps, one row each
