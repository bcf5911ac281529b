"""The metric types of metrics.yaml (`type:` picks the class); semantic/plan/metric_types/ has one planner
module per class."""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field

from semantic.definitions.model_types import Described, DimensionRef, Format, Model, Name


ADDITIVE_BY_DAY = ("sum", "count")  # a cumulative total of daily totals is the total; a daily distinct count is not


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


class ShareMetric(MetricBase):
    type: Literal["share"]
    format: Format = "percent"
    metric: Name = Field(description="A sum or count metric; each row's value is divided by the total of the "
                                     "answer's rows in its group.")
    within: tuple[DimensionRef, ...] = Field(
        (), description="Dimensions the total is taken within (each row's share of its region's total); the "
                        "question must slice by them. Empty: the total of the whole answer. With a grain, "
                        "always within each period.")


class RankMetric(MetricBase):
    type: Literal["rank"]
    format: Format = "integer"
    metric: Name = Field(description="The metric ranked, highest value first (rank 1); ties share a rank and "
                                     "the next rank is skipped (1, 1, 3); a null value has a null rank.")
    within: tuple[DimensionRef, ...] = Field(
        (), description="Dimensions the rank restarts within (reps ranked within each region); the question "
                        "must slice by them. With a grain, always within each period.")


Metric = Annotated[Union[SimpleMetric, RatioMetric, DerivedMetric, PeriodOverPeriodMetric, CumulativeMetric,
                         ConversionMetric, ShareMetric, RankMetric], Field(discriminator="type")]
METRIC_TYPES = ("simple", "ratio", "derived", "period_over_period", "cumulative", "conversion", "share", "rank")
PLANNED_METRIC_TYPES = ("snapshot",)
