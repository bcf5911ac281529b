"""The representative questions whose compiled SQL is snapshotted for every target dialect.

Each case names the project it runs on: the starter definitions, or a copy whose calendar has a February
fiscal year and Sunday weeks (the two calendar settings that change the generated date arithmetic).
"""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

from semantic.layer import ExecutionSettings, SemanticLayer
from semantic.question import Question

TODAY = date(2025, 11, 15)  # fixed, so relative ranges (this_fiscal_year, last_4_weeks) never drift
DIALECTS = ("duckdb", "postgresql", "snowflake", "bigquery", "trino", "spark")
STARTER, CUSTOM_CALENDAR = "starter", "custom_calendar"

CASES: dict[str, tuple[str, dict]] = {
    "totals": (STARTER, {"metrics": ["bookings", "won_deals", "win_rate"]}),
    "quarter_segment_spine": (STARTER, {
        "metrics": ["bookings", "open_pipeline"], "dimensions": ["account.segment"], "grain": "quarter",
        "time_range": {"from": "2025-01-01", "to": "2025-12-31"}}),
    "fiscal_quarter_february": (CUSTOM_CALENDAR, {
        "metrics": ["win_rate", "bookings"], "dimensions": ["opportunity.product"], "grain": "fiscal_quarter",
        "time_range": {"relative": "this_fiscal_year"}}),
    "week_sunday": (CUSTOM_CALENDAR, {
        "metrics": ["activities", "meetings"], "grain": "week", "time_range": {"relative": "last_4_weeks"}}),
    "two_entities": (STARTER, {"metrics": ["bookings", "activities"], "dimensions": ["account.segment"]}),
    "filters": (STARTER, {
        "metrics": ["bookings", "won_deals"], "dimensions": ["opportunity.product"],
        "filters": [
            {"dimension": "account.segment", "op": "in", "values": ["SMB", "Enterprise"]},
            {"dimension": "opportunity.type", "op": "neq", "value": "renewal"},
            {"dimension": "account.name", "op": "contains", "value": "sys_50%"},
            {"dimension": "opportunity.amount", "op": "between", "values": [1000, 50000]},
        ]}),
    "derived_metric": (STARTER, {
        "metrics": ["bookings_per_won_deal_check", "avg_deal_size"], "grain": "year",
        "time_range": {"from": "2023-01-01", "to": "2025-12-31"}}),
    "new_logos": (STARTER, {
        "metrics": ["new_logos"], "dimensions": ["account.segment"], "grain": "year",
        "time_range": {"from": "2024-01-01", "to": "2025-12-31"}}),
    "cumulative_by_month": (STARTER, {
        "metrics": ["bookings", "bookings_qtd", "pipeline_created_90d"], "grain": "month",
        "time_range": {"from": "2025-01-01", "to": "2025-06-15"}}),
    "cumulative_fiscal_no_range": (CUSTOM_CALENDAR, {
        "metrics": ["bookings_fytd"], "dimensions": ["account.segment"], "grain": "fiscal_quarter"}),
    "cumulative_total": (STARTER, {"metrics": ["bookings_qtd", "bookings_fytd", "pipeline_created_90d"]}),
    "conversion_by_month": (STARTER, {
        "metrics": ["lead_to_mql_30d", "lead_mqls_30d", "mql_to_sql_14d", "lead_to_opportunity_90d", "proposal_to_won"],
        "grain": "month", "time_range": {"from": "2025-01-01", "to": "2025-06-30"}}),
    "conversion_by_segment": (CUSTOM_CALENDAR, {
        "metrics": ["lead_to_opportunity_90d", "proposal_to_won"], "dimensions": ["account.segment"],
        "grain": "fiscal_quarter", "filters": [{"dimension": "account.segment", "op": "neq", "value": "SMB"}]}),
    "boolean_filters": (STARTER, {
        "metrics": ["bookings", "activities"], "dimensions": ["account.segment"],
        "filters": [{"or": [{"dimension": "account.segment", "value": "SMB"},
                            {"and": [{"dimension": "account.industry", "op": "contains", "value": "soft"},
                                     {"not": {"dimension": "account.region", "op": "in", "values": ["NA"]}}]}]}]}),
    "metric_filters": (STARTER, {
        "metrics": ["bookings", "win_rate"], "dimensions": ["opportunity.product"], "grain": "quarter",
        "time_range": {"relative": "this_year"},
        "filters": [{"metric": "bookings", "op": "gt", "value": 100000},
                    {"not": {"metric": "win_rate", "op": "between", "values": [0.2, 0.3]}}]}),
    "entity_metric_filter": (STARTER, {
        "metrics": ["open_pipeline", "open_deals"], "dimensions": ["account.segment"],
        "filters": [{"or": [{"metric": "activities", "by": "opportunity", "op": "eq", "value": 0,
                             "time_range": {"relative": "last_14_days"}},
                            {"dimension": "opportunity.amount", "op": "gt", "value": 100000}]}]}),
    "metric_ranges": (STARTER, {
        "metrics": ["open_pipeline", "activities", "win_rate"], "dimensions": ["rep.team"],
        "time_range": {"relative": "this_quarter"},
        "metric_ranges": [{"metric": "activities", "time_range": {"relative": "last_14_days"}}]}),
    "order_limit": (STARTER, {
        "metrics": ["weighted_pipeline", "sales_cycle_days"], "dimensions": ["opportunity.forecast_category"],
        "order_by": [{"column": "weighted_pipeline", "descending": True}], "limit": 3}),
}


def custom_calendar_project(repo: Path, target: Path) -> Path:
    """A copy of the starter project with fiscal_year_start_month 2 and week_start sunday."""
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(repo / name, target / name)
    text = (target / "metrics.yaml").read_text()
    text, fiscal = re.subn(r"fiscal_year_start_month: *1\b", "fiscal_year_start_month: 2", text)
    text, week = re.subn(r"week_start: *monday", "week_start: sunday", text)
    assert fiscal == 1 and week == 1, "the starter calendar block changed; update custom_calendar_project"
    (target / "metrics.yaml").write_text(text)
    return target


def open_layer(project: Path) -> SemanticLayer:
    return SemanticLayer.open(project, None, ExecutionSettings(today=TODAY))


def question(case: str) -> Question:
    return Question.model_validate(CASES[case][1])
