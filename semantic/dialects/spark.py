"""Spark SQL, run through Spark Connect (semantic/spark_connect.py); SQL text from semantic/sql/spark.py.

Read-only: the layer sends only single SELECTs (checked before sending); Spark has no read-only session
setting, so the server's permissions (a principal granted SELECT only) are the real guard. Timeout: the
layer interrupts the query's tag when `statement_timeout_s` passes; there is no server-side statement
timeout to set from a session.
"""
from __future__ import annotations

from semantic.dialects.facts import DialectFacts

FACTS = DialectFacts(name="spark", sqlglot_name="spark", filter_clause=True, placeholder_style="named")
