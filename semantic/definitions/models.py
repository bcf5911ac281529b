"""Typed, immutable definitions: the schema of glossary.yaml, metrics.yaml and definitions/*.yaml.

Every file has the same shape (all sections optional), so a team can own one file under definitions/ with
its own terms, entities and metrics. The JSON Schema editors use is generated from these classes.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from semantic.definitions.deck_models import Deck, Slide
from semantic.definitions.linking_models import Linking
from semantic.definitions.policy_models import Role, RowRule, Visibility
from semantic.definitions.metric_models import (ADDITIVE_BY_DAY, METRIC_TYPES, PLANNED_METRIC_TYPES,
                                                ConversionEvent, ConversionMetric, CumulativeMetric, DerivedMetric,
                                                Metric, MetricBase, PeriodOverPeriodMetric, RankMetric,
                                                RatioMetric, ShareMetric, SimpleMetric)
from semantic.definitions.model_types import (Aggregation, Compare, Described, DimensionRef, FilterOp,
                                              ForecastCategory, Format, Grain, Model, Name)
from semantic.definitions.query_models import (MAX_VALUE_DEPTH, MAX_VALUE_ITEMS, Filter, Funnel, FunnelStep,
                                               OrderBy, SavedQuery, TimeRange, check_value_shape)

__all__ = [  # the glossary and entity models below, and every definitions model re-exported from one place
    "ADDITIVE_BY_DAY", "Aggregation", "Calendar", "Compare", "ConversionEvent", "ConversionMetric",
    "CumulativeMetric", "DataProbe", "Deck", "DefinitionsFile", "DerivedMetric", "Described", "Dimension", "DimensionRef",
    "Entity", "Filter", "FilterOp",
    "ForecastCategory", "Format", "FromHistory", "Funnel", "FunnelStep", "Grain", "History", "HistoryRowKind",
    "Join", "Linking", "MAX_VALUE_DEPTH", "MAX_VALUE_ITEMS", "METRIC_TYPES", "Measure", "Metric", "MetricBase",
    "Model", "Name", "OrderBy", "PLANNED_METRIC_TYPES", "PeriodOverPeriodMetric", "ProbeKind", "RankMetric",
    "RatioMetric", "Role", "RowRule",
    "SUPPORTED_VERSIONS", "SavedQuery", "ShareMetric", "SimpleMetric", "Slide", "Stage", "Term", "TimeRange",
    "Visibility", "check_value_shape",
]

# --- glossary ---------------------------------------------------------------------------------------------

class Term(Model):
    label: str | None = None
    definition: str = Field(description="The term in prose, as the business uses it.")
    owner: str | None = Field(None, description="Team or person accountable for the definition.")
    synonyms: tuple[str, ...] = ()
    status: Literal["draft", "certified"] = "draft"
    entity: Name | None = Field(None, description="Entity the term applies to (needed when it has a filter).")
    filter: str | None = Field(None, description="SQL boolean expression over the entity's dimensions and "
                                                 "columns; measures and metrics refer to the term by name.")


class Stage(Model):
    name: str = Field(description="The stage value exactly as stored in the opportunity's stage column.")
    label: str | None = None
    definition: str = Field(description="What being in this stage means.")
    entry_criteria: str | None = Field(None, description="What must be true to enter the stage.")
    probability: float = Field(ge=0, le=1, description="Chance of winning from this stage (0..1).")
    forecast_category: ForecastCategory
    is_closed: bool = False
    is_won: bool = False
    stale_after_days: int | None = Field(
        None, gt=0, le=3650, description="Days an open deal may sit in this stage with no stage change and no "
                                         "linked activity before it counts as stale (deal hygiene); defaults "
                                         "to calendar.stale_after_days. Meaningless on a closed stage.")


# --- metrics.yaml -----------------------------------------------------------------------------------------

class Calendar(Model):
    fiscal_year_start_month: int = Field(1, ge=1, le=12, description="1 = January (calendar year).")
    week_start: Literal["monday", "sunday"] = "monday"
    timezone: str = Field("UTC", description="IANA zone used for relative ranges such as 'this_quarter'.")
    stale_after_days: int = Field(14, gt=0, le=3650, description="Days with no stage change and no linked "
                                  "activity after which an open deal is stale, for stages that set no "
                                  "`stale_after_days` of their own.")


class Join(Model):
    entity: Name | None = Field(None, description="Target entity; defaults to the join's name.")
    foreign_key: str = Field(description="Column of this entity holding the target's primary key.")
    relationship: Literal["many_to_one", "one_to_one"] = "many_to_one"
    max_orphan_share: float | None = Field(None, ge=0, le=1, description="Share (0 to 1) of this entity's rows "
                                           "with a foreign key that may find no target row before the key "
                                           "check is an error (E_JOIN_ORPHANS) instead of a warning.")


class Dimension(Described):
    expr: str | None = Field(None, description="SQL over the entity's columns; defaults to the column "
                                               "of the same name.")
    type: Literal["category", "time", "number", "boolean"] = "category"


class Measure(Described):
    agg: Aggregation
    expr: str | None = Field(None, description="SQL over the entity's columns; defaults to the column of "
                                               "the same name (count: every row, count(*)).")
    filter: str | None = Field(None, description="Rows counted by this measure (SQL boolean).")
    terms: tuple[Name, ...] = Field((), description="Glossary terms whose filters apply (ANDed).")
    time_dimension: Name | None = Field(None, description="Time dimension of this entity the measure is "
                                                          "placed in time by (overrides the entity's).")
    grain: Grain | None = Field(None, description="The finest grain the measure is recorded at, for rows that "
                                                  "each cover a whole period placed at its first day (a quota "
                                                  "per `fiscal_quarter`): a question at a finer grain, or a time "
                                                  "range that cuts one of its periods, is refused.")


class History(Model):
    """This entity's rows are the change log of another entity (`of`): the state of an `of` row at any instant
    is read from them (semantic/plan/history.py); docs/definitions.md, "History entities"."""

    of: Name = Field(description="The entity these rows are the change log of (it needs a primary_key).")
    key: str = Field(description="Column of this entity holding the `of` entity's primary key.")
    changed_at: str = Field(description="Column of this entity: when the change took effect.")
    created_at: str = Field(description="Column of the `of` entity: a row created after an instant did not "
                                        "exist at that instant.")
    fields: dict[str, str] = Field(description="Column of the `of` entity -> SQL over a history row giving the "
                                               "column's value after the change (e.g. `stage: to_stage`).",
                                   min_length=1)
    before: dict[str, str] = Field({}, description="Column of the `of` entity -> SQL over a history row giving "
                                                   "its value before the change (used before the first change).")
    tie_break: tuple[str, ...] = Field((), description="Columns of this entity ordering changes with equal "
                                                       "`changed_at` (the greatest is the later); without them "
                                                       "the documented default order applies.")


HistoryRowKind = Literal["stage_spells", "changes", "current_state"]


class FromHistory(Model):
    """Rows the layer generates from a history entity (docs/definitions.md, "Rows derived from a history")."""

    history: Name = Field(description="The entity declared with `history:` (the change log) the rows come from.")
    rows: HistoryRowKind = Field(description="stage_spells: one row per stage entry, until the next; changes: one "
                                             "row per change with each field's previous value; current_state: one "
                                             "row per tracked row with its last stage change and last activity.")
    activity: DimensionRef | None = Field(None, description="current_state only: the time dimension of an entity "
                                                            "linked to the tracked row (e.g. activity.occurred_at); "
                                                            "its latest value is the row's last activity.")


ProbeKind = Literal["row_count", "table_metadata"]


class DataProbe(Model):
    """What tells that an entity's rows changed (the data version answers are cached under) and how fresh they are.

    `freshness: loaded_at` is shorthand for `freshness: {column: loaded_at}` (docs/definitions.md, "Data freshness").
    """

    column: str | None = Field(None, description="Raw column holding when a row was loaded or last changed: its "
                                                 "newest value is the freshness stamped on answers and part of the "
                                                 "data version.")
    probe: ProbeKind | None = Field(None, description="row_count: the number of rows is part of the data version; "
                                                      "table_metadata: the database's own record of writes (a DuckDB "
                                                      "file's identity, PostgreSQL's write-ahead log position).")

    @model_validator(mode="after")
    def _something_probed(self) -> "DataProbe":
        if self.column is None and self.probe is None:
            raise ValueError("freshness needs a `column:`, a `probe:` (row_count or table_metadata), or both")
        return self


class Entity(Described):
    table: str | None = Field(None, description="Table (optionally schema.table) holding one row per "
                                                "entity instance.")
    sql: str | None = Field(None, description="A SELECT defining a derived entity (instead of table).")
    primary_key: str | None = Field(None, description="Column identifying a row; needed to be a join "
                                                      "target or to count rows.")
    default_time_dimension: Name | None = None
    stage_dimension: Name | None = Field(None, description="Dimension holding the glossary's stage names "
                                                           "(e.g. `stage`): a string compared with it, in "
                                                           "definitions or question filters, must be a stage.")
    columns: tuple[str, ...] = Field((), description="Extra raw columns expressions may use that are not "
                                                     "dimensions.")
    joins: dict[Name, Join] = {}
    dimensions: dict[Name, Dimension] = {}
    measures: dict[Name, Measure] = {}
    history: History | None = Field(None, description="Declares this entity as the change log of another, so "
                                                      "questions on that entity can be asked as of an instant.")
    from_history: FromHistory | None = Field(None, description="Rows generated by the layer from a history entity "
                                                               "(instead of table or sql).")
    freshness: DataProbe | None = Field(
        None, description="How to tell that this entity's rows changed: a column holding when a row was loaded or "
                          "last changed (its newest value is the data freshness stamped on every answer that reads "
                          "the entity), a row count, the database's table metadata, or a column and a probe.",
        json_schema_extra=lambda schema: schema.update(anyOf=[
            {"type": "string", "description": "Shorthand for {column: <this>}."}, *schema.get("anyOf", ())]))

    @model_validator(mode="before")
    @classmethod
    def _freshness_shorthand(cls, data: Any) -> Any:
        """`freshness: loaded_at` is `freshness: {column: loaded_at}`."""
        if isinstance(data, dict) and isinstance(data.get("freshness"), str):
            return {**data, "freshness": {"column": data["freshness"]}}
        return data

    @property
    def freshness_column(self) -> str | None:
        return self.freshness.column if self.freshness is not None else None


# --- one file ---------------------------------------------------------------------------------------------

SUPPORTED_VERSIONS: tuple[int, ...] = (1,)  # file format versions this release reads


class DefinitionsFile(Model):
    """Any definitions file; glossary.yaml usually holds terms and stages, metrics.yaml the rest."""

    version: int = Field(1, description="Schema version of the file format.",
                         json_schema_extra={"enum": list(SUPPORTED_VERSIONS)})  # editors flag `version: 2` too
    calendar: Calendar | None = None
    terms: dict[Name, Term] = {}
    stages: tuple[Stage, ...] = ()
    entities: dict[Name, Entity] = {}
    metrics: dict[Name, Metric] = {}
    saved_queries: dict[Name, SavedQuery] = {}
    funnels: dict[Name, Funnel] = {}
    decks: dict[Name, Deck] = {}
    linking: Linking | None = Field(None, description="How activities are linked to reps, contacts, accounts and "
                                                      "deals (usually in linking.yaml; docs/linking.md).")
    roles: dict[Name, Role] = Field({}, description="Access roles: the metrics, dimensions and rows each may "
                                    "see (usually in policies.yaml; docs/access.md).")
