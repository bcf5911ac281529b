"""A DB-API module that records what a driver would be asked: the connect arguments and every statement
(with its keyword arguments, e.g. BigQuery's job_config). Queries answer one made-up row, enough for
a SQLAlchemy dialect's first-connect checks; nothing reaches a network."""
from __future__ import annotations

from typing import Any

apilevel = "2.0"
threadsafety = 1
paramstyle = "pyformat"


class Error(Exception):
    pass


class DatabaseError(Error):
    pass


class OperationalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class InterfaceError(Error):
    pass


connections: list["Connection"] = []
ROW = ("1.0.0", "db", "schema")  # a version, then a database and a schema: what first-connect checks read


class Cursor:
    description: Any = None
    rowcount = -1
    arraysize = 1

    def __init__(self, connection: "Connection") -> None:
        self.connection = connection

    def execute(self, statement: str, parameters: Any = None, **kwargs: Any) -> None:
        self.connection.statements.append((statement, kwargs))
        self.description = [("value", None, None, None, None, None, None)]

    def fetchone(self) -> tuple:
        return ROW

    def fetchall(self) -> list[tuple]:
        return [ROW]

    def fetchmany(self, size: int = 1) -> list[tuple]:
        return [ROW]

    def close(self) -> None:
        pass


class Connection:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.statements: list[tuple[str, dict]] = []
        self.schema = kwargs.get("schema")  # read by the Trino dialect
        self.transaction = None  # read by the Trino dialect
        connections.append(self)

    def autocommit(self, on: bool) -> None:  # set by the Snowflake dialect
        pass

    def cursor(self, *args: Any, **kwargs: Any) -> Cursor:
        return Cursor(self)

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass


def connect(*args: Any, **kwargs: Any) -> Connection:
    return Connection(*args, **kwargs)
