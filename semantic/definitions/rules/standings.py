"""`type: share` and `type: rank` metrics: the base metric exists and can be shared (or ranked), and every
`within` dimension exists and is reachable from the base metric's entities (semantic/definitions/standings.py
holds the rule of which metrics a share means something for)."""
from __future__ import annotations

from semantic.definitions import models as m
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.definitions.rules.metrics import check_dimension_ref
from semantic.definitions.standings import share_refusal, window_refusal
from semantic.errors import IssueList


def check_standings(defs: Definitions, issues: IssueList) -> None:
    ctx = context(defs)
    for name, metric in defs.metrics.items():
        if not isinstance(metric, (m.ShareMetric, m.RankMetric)):
            continue
        pos = defs.where_value("metrics", name, "metric")
        if metric.metric not in defs.metrics:
            if not defs.is_broken("metrics", metric.metric):
                report_unknown(issues, "E_UNKNOWN_METRIC", "metric", f"metric '{name}'", metric.metric,
                               defs.metrics, pos)
            continue
        reason = window_refusal(defs, metric.metric)
        if reason is None and isinstance(metric, m.ShareMetric):
            reason = share_refusal(defs, metric.metric)
        if reason:
            issues.add("E_INVALID_VALUE", f"metric '{name}' is a {metric.type} of '{metric.metric}': {reason}", pos,
                       "share a sum or count metric (bookings, won_deals); rank any metric but a share or rank"
                       if isinstance(metric, m.ShareMetric) else "rank the base metric instead")
            continue
        entities = ctx.metric_entities(metric.metric)
        for i, ref in enumerate(metric.within):
            check_dimension_ref(ctx, issues, ref, f"metric '{name}' within",
                                defs.where_value("metrics", name, "within", i), entities)


def check_saved_standings(defs: Definitions, issues: IssueList) -> None:
    """A saved query's share and rank options name its own metrics and dimensions, and can be answered."""
    for q, sq in defs.saved_queries.items():
        who = f"saved query '{q}'"
        for key, refs in (("share_of", sq.share_of or ()), ("rank_within", sq.rank_within)):
            for i, ref in enumerate(refs):
                if ref not in sq.dimensions:
                    issues.add("E_INVALID_VALUE", f"{who} {key} names '{ref}', which is not one of its dimensions",
                               defs.where_value("saved_queries", q, key, i), f"add '{ref}' to `dimensions:`")
        if sq.rank_by is None:
            if sq.top is not None or sq.rank_within:
                issues.add("E_INVALID_VALUE", f"{who} has top or rank_within but no rank_by",
                           defs.where("saved_queries", q, "top" if sq.top is not None else "rank_within"),
                           "add `rank_by:` naming one of its metrics")
        elif sq.rank_by not in sq.metrics:
            report_unknown(issues, "E_UNKNOWN_METRIC", "rank_by metric", who, sq.rank_by, sq.metrics,
                           defs.where_value("saved_queries", q, "rank_by"), "rank by one of the query's metrics")
        elif (reason := window_refusal(defs, sq.rank_by)) is not None:
            issues.add("E_INVALID_VALUE", f"{who} ranks by '{sq.rank_by}': {reason}",
                       defs.where_value("saved_queries", q, "rank_by"), "rank by the base metric")
        for metric in sq.metrics if sq.share_of is not None else ():
            reason = window_refusal(defs, metric) or share_refusal(defs, metric)
            if reason:
                issues.add("E_INVALID_VALUE", f"{who} asks for shares, but a share of '{metric}' is not meaningful: "
                           f"{reason}", defs.where("saved_queries", q, "share_of"),
                           "drop share_of, or ask it in a query of sum and count metrics")


RULES = (check_standings, check_saved_standings)
