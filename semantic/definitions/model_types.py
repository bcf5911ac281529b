"""The building blocks every definitions model shares: names, references, grains, formats, the frozen base.

Kept apart so glossary, entity, metric and question models can each live in their own module.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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


