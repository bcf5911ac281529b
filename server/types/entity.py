"""Entities (tables), with the dimensions a metric can be sliced by, their measures and joins."""
from __future__ import annotations

import strawberry

from semantic.definitions.models import Entity as EntityModel
from semantic.definitions.models import Measure as MeasureModel
from semantic.layer import DimensionInfo


@strawberry.type(description="Something to slice or filter by, referenced as `entity.dimension`.")
class Dimension:
    name: str = strawberry.field(description="Reference used in queries, e.g. `account.segment`.")
    type: str = strawberry.field(description="category, time, number or boolean.")
    label: str | None
    description: str | None

    @classmethod
    def from_domain(cls, info: DimensionInfo) -> "Dimension":
        return cls(name=info.name, type=info.type, label=info.label, description=info.description)


@strawberry.type(description="An aggregation over an entity's rows that metrics are built from.")
class Measure:
    name: str
    entity: str
    agg: str
    expr: str | None
    filter: str | None
    terms: list[str]
    time_dimension: str | None = strawberry.field(description="`entity.dimension` placing it in time.")
    label: str | None
    description: str | None

    @classmethod
    def from_domain(cls, name: str, entity_name: str, entity: EntityModel, measure: MeasureModel) -> "Measure":
        time = measure.time_dimension or entity.default_time_dimension
        return cls(name=name, entity=entity_name, agg=measure.agg, expr=measure.expr, filter=measure.filter,
                   terms=list(measure.terms), time_dimension=f"{entity_name}.{time}" if time else None,
                   label=measure.label, description=measure.description)


@strawberry.type(description="A many-to-one join from this entity to another, walked automatically.")
class Join:
    name: str
    entity: str
    foreign_key: str
    relationship: str


@strawberry.type(description="A table (or SELECT) holding one row per business object.")
class Entity:
    name: str
    label: str | None
    description: str | None
    table: str | None
    sql: str | None
    primary_key: str | None
    default_time_dimension: str | None
    dimensions: list[Dimension]
    measures: list[Measure]
    joins: list[Join]

    @classmethod
    def from_domain(cls, name: str, entity: EntityModel) -> "Entity":
        dims = [Dimension(name=f"{name}.{d}", type=dim.type, label=dim.label, description=dim.description)
                for d, dim in entity.dimensions.items()]
        joins = [Join(name=role, entity=j.entity or role, foreign_key=j.foreign_key, relationship=j.relationship)
                 for role, j in entity.joins.items()]
        return cls(name=name, label=entity.label, description=entity.description, table=entity.table,
                   sql=entity.sql.strip() if entity.sql else None, primary_key=entity.primary_key,
                   default_time_dimension=entity.default_time_dimension, dimensions=dims,
                   measures=[Measure.from_domain(m, name, entity, measure) for m, measure in entity.measures.items()],
                   joins=joins)
