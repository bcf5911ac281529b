"""An answer with typed columns, as pandas, polars or pyarrow frames, and how fresh its data is.

The API sends rows as JSON (dates as ISO text, numbers as JSON numbers) and names each column's type. The
frames are built from those types, not guessed from the values, so an empty answer or a column that is all
NULL still has the right type: `date` -> Arrow date32 (polars Date, pandas datetime64), `timestamp` ->
timestamp, `integer` -> int64 (pandas nullable Int64, so NULL does not turn counts into floats), `number`
-> float64 (money included: the server already sends it as a JSON number), `boolean`, `string`. Each Arrow
field keeps the column's `format` (currency, percent...) and `label` as metadata.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:  # the frame libraries are optional extras
    import pandas
    import polars
    import pyarrow


@dataclass(frozen=True)
class Column:
    name: str  # `period`, a dimension `entity.dimension`, or a metric name
    type: str  # date, timestamp, string, number, integer or boolean
    format: str | None = None  # metrics: currency, percent, number, integer, days
    label: str | None = None
    note: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Column":
        return cls(data["name"], data["type"], data.get("format"), data.get("label"), data.get("note"))


@dataclass(frozen=True)
class EntityFreshness:
    entity: str  # an entity the answer read
    column: str  # its `freshness:` column (a load-time or event-time column)
    latest: datetime | None  # the newest value in it; None when the table is empty

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "EntityFreshness":
        return cls(data["entity"], data["column"], _instant(data.get("latest")))


@dataclass(frozen=True)
class Freshness:
    """How fresh the data behind an answer is: an answer is only as fresh as the stalest table it reads."""

    oldest: datetime | None  # the stalest of the entities' `latest`: every table read is at least this fresh
    entities: tuple[EntityFreshness, ...]  # per entity read, its newest row

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "Freshness | None":
        if not data:
            return None
        return cls(_instant(data.get("oldest")), tuple(EntityFreshness.from_json(e) for e in data["entities"]))


@dataclass(frozen=True)
class Answer:
    """Rows as the API sent them (JSON values), plus what produced them."""

    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    version: str  # the definitions version that answered
    data_version: str | None  # a stamp of the data, when the database can tell
    truncated: bool  # more rows existed than the server's max_rows
    freshness: Freshness | None = None  # None when no entity read declares a freshness column

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> "Answer":
        return cls(tuple(Column.from_json(c) for c in body["columns"]), list(body["rows"]), body["version"],
                   body.get("data_version"), bool(body.get("truncated")), Freshness.from_json(body.get("freshness")))

    def to_arrow(self) -> "pyarrow.Table":
        pa = _need("pyarrow", "arrow")
        fields, arrays = [], []
        for column in self.columns:
            kind, parse = _arrow_type(pa, column.type)
            metadata = {k: v for k, v in (("format", column.format), ("label", column.label)) if v}
            fields.append(pa.field(column.name, kind, metadata=metadata or None))
            values = [row.get(column.name) for row in self.rows]
            arrays.append(pa.array([None if v is None else parse(v) for v in values], type=kind))
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def to_pandas(self) -> "pandas.DataFrame":
        pd = _need("pandas", "pandas")
        pa = _need("pyarrow", "pandas")
        nullable = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
        return self.to_arrow().to_pandas(types_mapper=nullable.get, date_as_object=False)

    def to_polars(self) -> "polars.DataFrame":
        pl = _need("polars", "polars")
        return pl.from_arrow(self.to_arrow())


def _instant(text: str | None) -> datetime | None:
    """An ISO date or timestamp as the API sends it; a date is its midnight (the server compares them so)."""
    return None if text is None else datetime.fromisoformat(text)


def _arrow_type(pa: Any, api_type: str) -> tuple[Any, Callable[[Any], Any]]:
    """The Arrow type of an API column type and how to read one JSON value of it."""
    types: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "date": (pa.date32(), date.fromisoformat),
        "timestamp": (pa.timestamp("us"), datetime.fromisoformat),
        "integer": (pa.int64(), int),
        "number": (pa.float64(), float),
        "boolean": (pa.bool_(), bool),
        "string": (pa.string(), str),
    }
    if api_type not in types:
        raise ValueError(f"column type '{api_type}' is unknown to this client; upgrade revenue-semantic-client")
    return types[api_type]


def _need(module: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{module} is not installed: pip install 'revenue-semantic-client[{extra}]'") from None
