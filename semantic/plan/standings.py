"""Shares of a total and ranks within a group, as window functions over the answer's aggregated rows.

Both the question options (`share_of`, `rank_by`) and the metric types `share` and `rank` build their
formula here, so they mean the same thing. The window runs over the rows of the answer (one per period and
dimension values, after every filter), in the final SELECT, before any limit:
- a share is the row's value / the sum of the values of the rows in its group; the group is the rows with
  the same period (with a grain) and the same values of the `within` dimensions, every row when there are
  none; a zero total gives NULL;
- a rank is `rank()` of the value, highest first: tied values share a rank and the next is skipped
  (1, 1, 3), NULL values rank last and get a NULL rank.
"""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions.project import Definitions
from semantic.definitions.standings import RANK_SUFFIX, SHARE_SUFFIX, share_refusal, window_refusal
from semantic.errors import SemanticError
from semantic.plan.metric_types.base import Formulas, safe_divide
from semantic.plan.model import MetricOutput
from semantic.plan.steps import internal_name
from semantic.question import Question


def partition(grain: str | None, dimensions: tuple[str, ...], within: tuple[str, ...], who: str) -> list[exp.Column]:
    """The columns a window restarts on: the period (with a grain) and each `within` dimension, which must be
    one the question slices by (a group of rows needs the value to be in the rows)."""
    for ref in within:
        if ref not in dimensions:
            raise SemanticError("E_BAD_REQUEST", f"{who} is taken within '{ref}', which the question does not "
                                "slice by", f"add '{ref}' to the dimensions (--by {ref}), or leave it out of within")
    keys = (["period"] if grain else []) + [internal_name(ref) for ref in dict.fromkeys(within)]
    return [exp.column(key, quoted=True) for key in keys]


def share_formula(value: exp.Expression, keys: list[exp.Column]) -> exp.Expression:
    total = exp.Window(this=exp.Sum(this=value.copy()), partition_by=[k.copy() for k in keys] or None)
    return safe_divide(value, total)


def rank_formula(value: exp.Expression, keys: list[exp.Column]) -> exp.Expression:
    ordered = exp.Order(expressions=[exp.Ordered(this=value.copy(), desc=True, nulls_first=False)])
    ranked = exp.Window(this=exp.Anonymous(this="RANK"), partition_by=[k.copy() for k in keys] or None,
                        order=ordered)
    return exp.Case(ifs=[exp.If(this=exp.Is(this=exp.Paren(this=value.copy()), expression=exp.Null()),
                                true=exp.Null())], default=ranked)


def check_shareable(defs: Definitions, name: str) -> None:
    reason = window_refusal(defs, name) or share_refusal(defs, name)
    if reason:
        raise SemanticError("E_BAD_REQUEST", f"a share of '{name}' is not meaningful: {reason}",
                            "ask for shares of sum or count metrics (bookings, won_deals); a share of a ratio "
                            "is not a part of a whole")


def check_rankable(defs: Definitions, name: str) -> None:
    reason = window_refusal(defs, name)
    if reason:
        raise SemanticError("E_BAD_REQUEST", f"cannot rank '{name}': {reason}", "rank its base metric instead")


def share_output(defs: Definitions, output: MetricOutput, keys: list[exp.Column]) -> MetricOutput:
    """`<metric>_share` of a metric of the question (the `share_of` option)."""
    check_shareable(defs, output.name)
    label = f"{output.label or output.name} (share of total)"
    return MetricOutput(output.name + SHARE_SUFFIX, label, "percent", "number",
                        share_formula(exp.Paren(this=output.formula), keys))


def rank_output(defs: Definitions, output: MetricOutput, keys: list[exp.Column]) -> MetricOutput:
    """`<metric>_rank` of a metric of the question (the `rank_by` option)."""
    check_rankable(defs, output.name)
    label = f"{output.label or output.name} (rank)"
    return MetricOutput(output.name + RANK_SUFFIX, label, "integer", "integer",
                        rank_formula(exp.Paren(this=output.formula), keys))


def check_options(question: Question) -> None:
    """The rank options go together: `top` and `rank_within` need `rank_by`, a metric of the question."""
    if question.rank_by is None:
        if question.top is not None or question.rank_within:
            raise SemanticError("E_BAD_REQUEST", "top and rank_within need rank_by: the metric to rank by",
                                "add --rank-by METRIC (one of the question's metrics)")
        return
    if question.rank_by not in question.metrics:
        raise SemanticError("E_BAD_REQUEST", f"rank_by '{question.rank_by}' is not a metric of the question",
                            f"rank by one of: {', '.join(question.metrics)}")


def option_outputs(defs: Definitions, formulas: Formulas, output: MetricOutput,
                   question: Question) -> list[MetricOutput]:
    """The columns the `share_of` and `rank_by` options add after one metric of the question."""
    out = []
    if question.share_of is not None:
        out.append(share_output(defs, output, formulas.partition(question.share_of, "the share")))
    if question.rank_by == output.name:
        out.append(rank_output(defs, output, formulas.partition(question.rank_within, "the rank")))
    return out


def rank_order(question: Question, columns: list[str]) -> tuple[tuple[str, bool], ...]:
    """The default order of a ranked answer: period, the dimensions ranked within, the rank, the other
    dimensions (so the top rows of each group come first and together)."""
    keys = (["period"] if question.grain else []) + list(dict.fromkeys(question.rank_within))
    keys.append(f"{question.rank_by}{RANK_SUFFIX}")
    keys += [d for d in dict.fromkeys(question.dimensions) if d not in keys]
    return tuple((k, False) for k in keys if k in columns)
