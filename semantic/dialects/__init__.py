"""Every fact about a SQL dialect in one place: one module per dialect, each exposing `FACTS`.

The SQL stage asks `facts(name)` what the dialect can do (FILTER clauses, date arithmetic, placeholders) and
execution asks it how to open a read-only session with a timeout, instead of `if dialect == ...` branches.
Adding a dialect is adding its module to `MODULES` (and its SQLAlchemy driver to the `warehouses` extra).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from sqlalchemy.engine import Dialect

from semantic.dialects.facts import DateSQL, DialectFacts, Limits, Session
from semantic.errors import SemanticError

MODULES = ("duckdb", "postgresql", "snowflake", "bigquery", "trino", "spark")
_REGISTRY: dict[str, DialectFacts] = {
    facts.name: facts for facts in (import_module(f"semantic.dialects.{m}").FACTS for m in MODULES)}
DIALECTS = tuple(_REGISTRY)
ALIASES = {"postgres": "postgresql", "pg": "postgresql", "databricks": "spark"}  # Databricks SQL is Spark SQL
_BY_SQLALCHEMY_NAME = {alias: f for f in _REGISTRY.values() for alias in f.sqlalchemy_names}
DRIVER_ERROR_MODULES = frozenset().union(*(f.driver_error_modules for f in _REGISTRY.values()))
TIMEOUT_MESSAGES = tuple(m for f in _REGISTRY.values() for m in f.timeout_messages)
BYTES_CAP_MESSAGES = tuple(m for f in _REGISTRY.values() for m in f.bytes_cap_messages)
DEFAULT = _REGISTRY["duckdb"]  # how SQL is written when no known dialect compiles it (`str(statement)`)

__all__ = ["BYTES_CAP_MESSAGES", "DIALECTS", "DRIVER_ERROR_MODULES", "TIMEOUT_MESSAGES", "DateSQL", "DialectFacts",
           "Limits", "Session", "dialect_for", "facts", "facts_of", "facts_of_url", "normalize"]


def normalize(name: str) -> str:
    """The layer's name for a dialect (aliases resolved), or E_UNKNOWN_DIALECT."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in _REGISTRY:
        raise SemanticError("E_UNKNOWN_DIALECT", f"unknown SQL dialect '{name}'", f"use one of: {', '.join(DIALECTS)}")
    return key


def facts(name: str) -> DialectFacts:
    """The facts of a dialect named by the layer's name or an alias."""
    return _REGISTRY[normalize(name)]


def facts_of_url(url: str) -> DialectFacts | None:
    """The facts of a dialect reached by a URL scheme of its own (`sc://` for Spark Connect), else None."""
    scheme = url.partition("://")[0].lower()
    return next((f for f in _REGISTRY.values() if f.url_scheme is not None and f.url_scheme == scheme), None)


def facts_of(sqlalchemy_name: str) -> DialectFacts | None:
    """The facts of a SQLAlchemy dialect (a URL's backend, a compiler's dialect.name), or None if unknown."""
    return _BY_SQLALCHEMY_NAME.get(sqlalchemy_name)


@lru_cache(maxsize=None)
def dialect_for(name: str) -> Dialect:
    """A SQLAlchemy dialect object, for compiling to warehouses the layer may not be connected to."""
    found = facts(name)
    try:
        return found.sqlalchemy()
    except ImportError:
        raise SemanticError("E_DIALECT_UNAVAILABLE", f"the SQLAlchemy dialect for {found.name} is not installed",
                            "pip install 'revenue-semantic-layer[warehouses]'") from None
