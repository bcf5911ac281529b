"""A question with shares, a rank and top N compiles to SQL that parses in every target dialect, with the
windows over the answer's rows and the rank filter in an enclosing SELECT."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from semantic.dialects import facts
from semantic.question import Question
from tests.sql.cases import DIALECTS, open_layer
from tests.sql.placeholders import header, inline, read_header


@pytest.mark.parametrize("dialect", DIALECTS)
def test_shares_rank_and_top_parse(repo_root: Path, dialect: str) -> None:
    question = Question(metrics=["bookings", "won_deals"], dimensions=["rep.region", "rep.name"], grain="quarter",
                        time_range={"from": "2025-01-01", "to": "2025-12-31"}, share_of=["rep.region"],
                        rank_by="bookings", rank_within=["rep.region"], top=5)
    compiled = open_layer(repo_root).compile(question, dialect)
    text = header(compiled.params) + compiled.sql
    tree = sqlglot.parse_one(inline(text, read_header(text)), read=facts(dialect).sqlglot_name)
    windows = list(tree.find_all(exp.Window))
    assert len(windows) == 3  # two shares' totals and one rank
    assert all({c.name for c in w.args["partition_by"]} == {"period", "rep__region"} for w in windows)
    assert 5 in compiled.params.values()  # top N is a bound parameter
    assert [c.name for c in compiled.columns][-4:] == ["bookings_share", "bookings_rank", "won_deals",
                                                       "won_deals_share"]
