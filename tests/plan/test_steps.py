"""The plan as a graph of steps: the tree `--explain` prints, one commented CTE per step, row steps read
once, comments that nothing can close early, and a metric type registry that covers every type."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import get_args

import pytest
import sqlglot
from typer.testing import CliRunner

from semantic.cli import app
from semantic.definitions.models import METRIC_TYPES, Metric
from semantic.dialects import DIALECTS, facts
from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.plan.metric_types import MODULES
from semantic.plan.sources import MAX_NAME, unique_name
from semantic.plan.steps import Aggregate, Combine, Spine, Step
from semantic.question import Question
from semantic.sql.compiler import comment
from tests.sql.placeholders import inline, literal

TODAY = date(2025, 11, 15)
BY_SEGMENT_PER_QUARTER = Question(metrics=["bookings", "activities"], dimensions=["account.segment"], grain="quarter",
                                  time_range={"relative": "this_year"})
YOY_BY_MONTH = Question(metrics=["bookings_growth_yoy"], grain="month", time_range={"relative": "this_year"})


@pytest.fixture(scope="module")
def layer(repo_root: Path) -> SemanticLayer:
    return SemanticLayer.open(repo_root, None, ExecutionSettings(today=TODAY))


def test_explain_prints_the_step_tree(layer: SemanticLayer) -> None:
    """Bookings (opportunities, closed_at, won) and activities (occurred_at) by account.segment per quarter:
    two chains read -> join account -> filter -> aggregate, combined over the 4 quarters of 2025."""
    lines = [line.split(":")[0] for line in layer.compile(BY_SEGMENT_PER_QUARTER, "duckdb").plan.explain().splitlines()]
    assert lines == [
        "metrics",
        "  combined",
        "    opportunity_by_closed_at",
        "      opportunity_by_closed_at__filtered",
        "        opportunity_by_closed_at__joined",
        "          opportunity_by_closed_at__rows",
        "          opportunity_by_closed_at__account",
        "    activity_by_occurred_at",
        "      activity_by_occurred_at__filtered",
        "        activity_by_occurred_at__joined",
        "          activity_by_occurred_at__rows",
        "          activity_by_occurred_at__account",
        "    spine",
    ]
    plan = layer.compile(BY_SEGMENT_PER_QUARTER, "duckdb").plan
    spine = next(s for s in plan.steps if isinstance(s, Spine))
    assert spine.periods == (date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1))
    assert plan.final.describe() == "compute bookings, activities; order by period, account.segment"
    by_name = {s.name: s for s in plan.steps}
    assert by_name["opportunity_by_closed_at__filtered"].outputs == (
        "fk__account", "event_time", "won_amount", "won_amount__if", "account__segment")
    assert by_name["combined"].outputs == ("period", "account__segment", "won_amount", "activity_count")


def test_a_comparison_reads_a_shifted_chain(layer: SemanticLayer) -> None:
    explain = layer.compile(YOY_BY_MONTH, "duckdb").plan.explain()
    assert "opportunity_by_closed_at_12_months_before__shifted: move opportunity rows 12 months forward" in explain
    assert explain.count("__rows: read opportunity rows") == 2  # now, and a year before


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("question", [BY_SEGMENT_PER_QUARTER, YOY_BY_MONTH], ids=["by_segment", "yoy"])
def test_every_step_is_one_comment_and_aggregates_spine_combine_are_ctes(layer: SemanticLayer, dialect: str,
                                                                        question: Question) -> None:
    """Row steps (read, join, shift, filter) are the FROM and WHERE of the aggregate they feed, their
    comments heading its CTE; aggregates, the spine and combine are CTEs; compute is the statement."""
    compiled = layer.compile(question, dialect)
    steps = compiled.plan.steps
    sql = compiled.sql
    assert sql.count("/*") == sql.count("*/") == len(steps)
    for step in steps:
        assert sql.count(f"/* {step.describe()} */") == sum(s.describe() == step.describe() for s in steps)
    assert f"SELECT /* {steps[-1].describe()} */" in sql
    tree = sqlglot.parse_one(inline(sql, {k: literal(v) for k, v in compiled.params.items()}),
                             read=facts(dialect).sqlglot_name)
    ctes = [s.name for s in steps if isinstance(s, (Aggregate, Spine, Combine))]
    assert [cte.alias for cte in tree.find_all(sqlglot.exp.CTE)] == ctes
    for aggregate in (s for s in steps if isinstance(s, Aggregate)):  # one scan-join-filter-aggregate
        body = next(c for c in tree.find_all(sqlglot.exp.CTE) if c.alias == aggregate.name).this
        assert {t.name for t in body.find_all(sqlglot.exp.Table)} <= {"opportunities", "accounts", "activities"}


def test_every_starter_metric_compiles_with_safe_comments_in_every_dialect(layer: SemanticLayer) -> None:
    for name in layer.definitions.metrics:
        for dialect in DIALECTS:
            sql = layer.metric_sql(name, dialect)  # compile_plan refuses an unsafe comment
            assert sql.count("/*") == sql.count("*/")


@dataclass(frozen=True)
class _Hostile(Step):
    def describe(self) -> str:
        return "sum */ DROP TABLE accounts; /*"


def test_a_description_that_could_close_its_comment_is_refused() -> None:
    with pytest.raises(AssertionError, match="unsafe description"):
        comment(_Hostile("hostile"))
    assert comment(Spine("spine", "quarter", (date(2025, 1, 1),))) == "/* the 1 quarter periods of the time range */"


def test_every_metric_type_has_one_registered_module() -> None:
    classes = get_args(get_args(Metric)[0])
    assert set(MODULES) == set(classes)
    assert {get_args(c.model_fields["type"].annotation)[0] for c in MODULES} == set(METRIC_TYPES)


def test_step_names_stay_distinct_and_within_postgres_identifier_length() -> None:
    taken: set[str] = set()
    long = "x" * 80
    names = [unique_name("spine", taken), unique_name("spine", taken), unique_name(long, taken),
             unique_name(long, taken)]
    assert names[:2] == ["spine", "spine_"]
    assert len(set(names)) == 4 and all(len(n) <= MAX_NAME for n in names)


def test_compile_explain_on_the_command_line(repo_root: Path) -> None:
    result = CliRunner().invoke(app, ["compile", "bookings", "--by", "account.segment", "--explain",
                                      "--project", str(repo_root), "--dialect", "duckdb"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "metrics: compute bookings; order by account.segment",
        "  opportunity_totals: aggregate won_amount per account.segment",
        "    opportunity_totals__filtered: keep opportunity rows meeting the terms and filters of the measures",
        "      opportunity_totals__joined: join opportunity to account along account (many-to-one, so no "
        "opportunity row repeats)",
        "        opportunity_totals__rows: read opportunity rows for won_amount",
        "        opportunity_totals__account: read account rows for account.segment",
    ]
