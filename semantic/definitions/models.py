"""Typed, immutable definitions: the schema of glossary.yaml, metrics.yaml and definitions/*.yaml.

Every file has the same shape (all sections optional), so a team can own one file under definitions/ with
its own terms, entities and metrics. The JSON Schema editors use is generated from these classes.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from semantic.errors import SemanticError

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# entity.dimension, optionally preceded by entities the join path must pass through:
# account.region.name reaches region through account when two paths tie
DimensionRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=300)]
Grain = Literal["day", "week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"]
Compare = Literal["previous_period", "same_period_last_year"]  # a question's or saved query's `compare`
Aggregation = Literal["sum", "count", "count_distinct", "avg", "min", "max", "median"]
Format = Literal["currency", "percent", "number", "integer", "days"]
ForecastCategory = Literal["pipeline", "best_case", "commit", "closed", "omitted"]
FilterOp = Literal["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "between", "is_null", "not_null",
                   "contains"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Described(Model):
    label: str | None = Field(None, description="Human-readable name shown in tools.")
    description: str | None = Field(None, description="What it means, in the business's words.")


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


class Dimension(Described):
    expr: str | None = Field(None, description="SQL over the entity's columns; defaults to the column "
                                               "of the same name.")
    type: Literal["category", "time", "number", "boolean"] = "category"


class Measure(Described):
    agg: Aggregation
    expr: str | None = Field(None, description="SQL over the entity's columns; defaults to the column of "
                                               "the same name (count: the primary key).")
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


class MetricBase(Described):
    owner: str | None = None
    format: Format = "number"
    certified: bool = False
    time_dimension: DimensionRef | None = Field(None, description="Default time axis, entity.dimension.")


class SimpleMetric(MetricBase):
    type: Literal["simple"]
    measure: Name
    filter: str | None = Field(None, description="Extra SQL filter over the measure's entity.")
    terms: tuple[Name, ...] = ()


class RatioMetric(MetricBase):
    type: Literal["ratio"]
    numerator: Name = Field(description="Measure counted on top.")
    denominator: Name = Field(description="Measure counted below; a zero denominator gives null.")


class DerivedMetric(MetricBase):
    type: Literal["derived"]
    expr: str = Field(description="Arithmetic over other metrics' names, e.g. `bookings / quota`.")


class PeriodOverPeriodMetric(MetricBase):
    type: Literal["period_over_period"]
    metric: Name = Field(description="The metric compared with itself in an earlier period.")
    compare_to: Literal["same_period_last_year", "previous_period"] = Field(
        "same_period_last_year", description="The earlier period: a year before, or the period just before "
                                             "(one grain step; with no grain, a range of the same length).")
    calculation: Literal["growth", "difference", "previous"] = Field(
        "growth", description="growth = (now - before) / before; difference = now - before; previous = before.")
    like_for_like: bool = Field(
        True, description="The period holding today is compared with the same days of the earlier period "
                          "(quarter to date against the same days of last year's quarter); false compares it "
                          "with the whole earlier period.")


class CumulativeMetric(MetricBase):
    type: Literal["cumulative"]
    measure: Name = Field(description="A sum or count measure, totalled per day and then over the window.")
    filter: str | None = Field(None, description="Extra SQL filter over the measure's entity.")
    terms: tuple[Name, ...] = ()
    window: str | None = Field(None, description="A trailing window ending on the day the value is read: "
                                                 "`90 days`, `12 weeks`, `3 months`.")
    grain_to_date: Literal["week", "month", "quarter", "year", "fiscal_quarter", "fiscal_year"] | None = Field(
        None, description="Reset at the start of each period of this grain (quarter to date, ...). With neither "
                          "`window` nor `grain_to_date`, the total of all time.")


class ConversionEvent(Model):
    """One event of a conversion: rows of an entity meeting a glossary term, placed in time by a date."""

    entity: Name | None = Field(None, description="Entity whose rows are the events; defaults to the metric's "
                                                  "`entity`.")
    term: Name = Field(description="Glossary term (on this entity) whose filter says which rows are the event.")
    time: Name = Field(description="Time dimension of this entity holding the event's date; a row without one "
                                   "is no event.")


class ConversionMetric(MetricBase):
    type: Literal["conversion"]
    entity: Name = Field(description="What is counted: each instance at most once in its cohort and at most once "
                                     "as converted.")
    base: ConversionEvent = Field(description="The event that places an instance in its cohort (its first "
                                              "such event, when the events are rows of another entity).")
    conversion: ConversionEvent = Field(description="The event that counts as converting: the first one on or "
                                                    "after the base event's day (within the window).")
    through: Name | None = Field(None, description="Entity the two events meet on: both reach it along "
                                                   "many-to-one joins (lead -> contact -> account <- "
                                                   "opportunity). Defaults to `entity`.")
    within: str | None = Field(None, description="Conversion window after the base event's day, edges "
                                                 "included: `30 days`, `6 weeks`, `3 months`. None: any time "
                                                 "later.")
    calculation: Literal["conversion_rate", "conversions", "cohort"] = Field(
        "conversion_rate", description="conversion_rate = converted / cohort; conversions = converted "
                                       "instances; cohort = instances whose base event is in the period.")
    exclude_open_cohorts: bool = Field(
        False, description="Leave out (as null) cohorts whose window has not closed by today: the period's "
                           "last day plus `within` is today or later. Needs `within`.")


Metric = Annotated[Union[SimpleMetric, RatioMetric, DerivedMetric, PeriodOverPeriodMetric, CumulativeMetric,
                         ConversionMetric], Field(discriminator="type")]
METRIC_TYPES = ("simple", "ratio", "derived", "period_over_period", "cumulative", "conversion")
PLANNED_METRIC_TYPES = ("snapshot",)


# --- questions (saved queries share the shape of an API query) --------------------------------------------

MAX_VALUE_DEPTH = 4  # a value is a scalar and `values` a list of them: deeper nesting is never meaningful
MAX_VALUE_ITEMS = 10_000  # elements in one filter's value(s), checked before anything walks them recursively


def check_value_shape(value: Any, what: str) -> Any:
    """Refuse a filter value nested deeper than MAX_VALUE_DEPTH or holding more than MAX_VALUE_ITEMS elements.

    Runs before pydantic, hashing or JSON serialization recurse into the value (pydantic's serializer gives
    up at 255 levels); an iterative walk that stops at the first excess, so any input costs at most the limit.
    """
    stack, seen = [(value, 0)], 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, tuple, dict, set, frozenset)):
            if depth >= MAX_VALUE_DEPTH:
                raise SemanticError("E_VALUE_TOO_DEEP", f"filter {what} is nested more than {MAX_VALUE_DEPTH} "
                                    "levels deep", "a filter value is a single string, number, boolean or date; "
                                    "`values` is a flat list of them")
            items = node.values() if isinstance(node, dict) else node
            seen += len(items)
            if seen > MAX_VALUE_ITEMS:
                raise SemanticError("E_VALUE_TOO_DEEP", f"filter {what} holds more than {MAX_VALUE_ITEMS} elements",
                                    "filter on a coarser dimension, or split the question")
            stack.extend((item, depth + 1) for item in items)
    return value


class Filter(Model):
    dimension: DimensionRef
    op: FilterOp = "eq"
    value: Any = None
    values: tuple[Any, ...] | None = None

    @field_validator("value", "values", mode="before")
    @classmethod
    def _bounded(cls, value: Any, info: Any) -> Any:
        """Raises SemanticError (not a pydantic error): the coded refusal reaches the caller as it is."""
        return check_value_shape(value, f"`{info.field_name}`")


class TimeRange(Model):
    start: str | None = Field(None, alias="from", description="ISO date (inclusive) or a relative "
                                                              "expression such as 'this_quarter'.")
    end: str | None = Field(None, alias="to", description="ISO date (inclusive).")
    relative: str | None = Field(None, description="today, this_month, last_quarter, this_fiscal_year, "
                                                   "last_90_days ...")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _date_as_iso(cls, value: Any) -> Any:
        """YAML reads an unquoted `2025-01-01` as a date; keep it as the ISO text it was written as."""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        return value


class OrderBy(Model):
    column: str
    descending: bool = False


class SavedQuery(Described):
    metrics: tuple[Name, ...] = Field((), description="Metrics to show (or name a `funnel` instead).")
    funnel: Name | None = Field(None, description="A funnel of the `funnels` section to run instead of metrics "
                                                  "(with this query's time range and filters).")
    dimensions: tuple[DimensionRef, ...] = ()
    grain: Grain | None = None
    time_dimension: DimensionRef | None = None
    time_range: TimeRange | None = None
    filters: tuple[Filter, ...] = ()
    order_by: tuple[OrderBy, ...] = ()
    limit: int | None = Field(None, ge=1)
    as_of: date | datetime | None = Field(None, description="Answer from the rows as they stood at this instant "
                                                            "(a date: the end of that day).")
    as_of_each: Literal["end", "start"] | None = Field(None, description="A series: each period answered as the "
                                                                         "rows stood at its end (or start).")
    compare: Compare | None = Field(
        None, description="Add <metric>__previous and <metric>__change_pct columns for every metric: the value "
                          "in the period before, or in the same period a year before.")
    like_for_like: bool = Field(True, description="False compares the period holding today with the whole "
                                                  "earlier period (whole periods), in every comparison.")


class FunnelStep(Model):
    term: Name = Field(description="Glossary term (on the funnel's entity) a row must meet to reach the step.")
    time: Name = Field(description="Time dimension of the funnel's entity holding the day the step was reached.")
    label: str | None = Field(None, description="Shown for the step; defaults to the term's label.")
    within: str | None = Field(None, description="At most this long after the previous step's day (edges "
                                                 "included): `30 days`, `6 weeks`, `3 months`.")


class Funnel(Described):
    """Ordered steps one row of an entity passes (lead -> MQL -> SQL), counted on one scan."""

    entity: Name = Field(description="Entity whose rows go through the steps (each row counts once per step).")
    steps: tuple[FunnelStep, ...] = Field(min_length=2, max_length=20, description="In order; a row counts at a "
                                          "step only if it passed every earlier step, on the same day or later.")
    time_range: TimeRange | None = Field(None, description="Default range of the first step's day (a question's "
                                                           "own range replaces it).")
    filters: tuple[Filter, ...] = Field((), description="Always applied (on dimensions of the entity or entities "
                                                        "it reaches).")


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
