"""Small helpers: ask the layer a question, and run hand-written SQL on the very same database."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from semantic.execute import engine_for
from semantic.layer import SemanticLayer
from semantic.question import Question
from semantic.spark_connect import is_spark_url, session_for


def ask(layer: SemanticLayer, *metrics: str, **question: Any) -> list[dict[str, Any]]:
    """Rows of `layer.query(Question(metrics=..., **question))`."""
    return layer.query(Question(metrics=metrics, **question)).rows


def total(layer: SemanticLayer, metric: str, **question: Any) -> Any:
    """The single value of one metric asked without dimensions or grain."""
    rows = ask(layer, metric, **question)
    assert len(rows) == 1, rows
    return rows[0][metric]


def hand_sql(layer: SemanticLayer, sql: str) -> float | None:
    """The single value of a hand-written SQL query, on the layer's own database connection pool (on Spark,
    its own session)."""
    if is_spark_url(layer.database_url):
        (value,), = session_for(layer.database_url).sql(sql).collect()
    else:
        with engine_for(layer.database_url).connect() as conn:
            value = conn.execute(sa.text(sql)).scalar_one()
    if isinstance(value, timedelta):  # Spark's `date - date` is an interval: its length in days
        value = value.total_seconds() / 86_400
    return float(value) if isinstance(value, (Decimal, int, float)) else value


def by(rows: list[dict[str, Any]], key: str | tuple[str, ...], metric: str) -> dict[Any, Any]:
    """{key value(s): metric value} from result rows, failing if a key appears twice."""
    keys = (key,) if isinstance(key, str) else key
    out: dict[Any, Any] = {}
    for row in rows:
        k = row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)
        assert k not in out, f"duplicate row for {k}: {rows}"
        out[k] = row[metric]
    return out
