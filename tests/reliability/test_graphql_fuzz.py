"""A bounded, seeded schemathesis run over every field of the GraphQL schema, in process.

Generated documents (valid ones, and ones schemathesis breaks on purpose) go to the app over the tiny
ledger. Dictionaries of the project's own names (dimensions, dates, relative ranges, terms) and of SQL
injection strings steer part of the input past the first validation, so questions really compile and run.
Every answer must be free of server faults: no HTTP 5xx, no error without `extensions.code`, and no error
code that means the server (not the request) failed. The run records all findings and keeps the shortest
request per kind, so a failure message is a list of minimal reproductions rather than the first crash.
"""
from __future__ import annotations

import json
import time
import typing
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.graphql import nodes

from semantic.definitions.models import FilterOp, Grain
from semantic.definitions.project import Definitions
from tests.reliability.conftest import PAYLOADS, SERVER_FAULT_CODES, error_codes, send

pytestmark = pytest.mark.slow

EXAMPLES = 110  # per field and mode: 12 fields x 2 modes x 110 = 2,640 requests
QUESTIONS = 300  # well-formed questions, each asked over GraphQL and over /query.json: 600 requests
SLOW_S = 15.0  # one request slower than this is a finding too
# The Query type's fields, by hand from docs/api.md's schema overview.
FIELDS = {"metrics", "metric", "glossary", "term", "stages", "entities", "savedQueries", "version", "dimensions",
          "query", "savedQuery", "waterfall", "funnel"}
DATES = ["2024-01-01", "2024-06-30", "2024-12-31", "2023-02-28", "2019-01-01", "1971-01-01", "2024-02-30",
         "9999-12-31", "0001-01-01"]
RELATIVE = ["today", "this_quarter", "last_year", "next_fiscal_quarter", "last_90_days", "this_decade"]


def fuzz_config(defs: Definitions) -> SchemathesisConfig:
    """Dictionaries of real names (and injection strings) bound to the arguments that take them."""
    dimensions = [f"{e}.{d}" for e, entity in defs.entities.items() for d in entity.dimensions]
    times = [f"{e}.{d}" for e, entity in defs.entities.items() for d, dim in entity.dimensions.items()
             if dim.type == "time"]
    dictionaries = {
        "dimensions": dimensions + PAYLOADS, "times": times + PAYLOADS[:2], "dates": DATES + PAYLOADS[:2],
        "relative": RELATIVE + PAYLOADS[:2], "columns": ["period", *sorted(defs.metrics), *dimensions[:20]],
        "terms": sorted(defs.terms) + PAYLOADS[:2], "limits": [1, 2, 10, 1000],
    }
    bindings = {
        "Query.query.dimensions[*]": "dimensions", "*.*.filters[*].dimension": "dimensions",
        "Query.query.timeDimension": "times", "*.*.timeRange.from": "dates", "*.*.timeRange.to": "dates",
        "*.*.timeRange.relative": "relative", "Query.query.orderBy[*].column": "columns",
        "Query.term.name": "terms", "Query.query.limit": "limits",
        "Query.waterfall.dimensions[*]": "dimensions", "Query.waterfall.from": "dates", "Query.waterfall.to": "dates",
        "Query.waterfall.closeRange.from": "dates", "Query.waterfall.closeRange.to": "dates",
        "Query.waterfall.closeRange.relative": "relative",
    }
    return SchemathesisConfig.from_dict({
        "dictionaries": {name: {"values": values} for name, values in dictionaries.items()},
        "parameters": {key: {"dictionary": name, "probability": 0.7} for key, name in bindings.items()},
    })


def json_values(defs: Definitions) -> st.SearchStrategy:
    """Filter values (the JSON scalar): segment-like words, injection strings, numbers, booleans, lists."""
    words = ["SMB", "Enterprise", "closed_won", "2024-05-20", *PAYLOADS, *sorted(defs.metrics)[:3]]
    scalars = st.one_of(st.sampled_from(words).map(nodes.String), st.text(max_size=12).map(nodes.String),
                        st.integers().map(nodes.Int), st.booleans().map(nodes.Boolean),
                        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3).map(nodes.List), max_leaves=6)


@dataclass
class Findings:
    """Server faults seen during the run, keeping the shortest request of each kind."""

    requests: int = 0
    slowest_s: float = 0.0
    shortest: dict[tuple[str, int, str], tuple[str, str]] = field(default_factory=dict)

    def record(self, label: str, body: object, status: int, text: str, codes: list[str | None],
               seconds: float) -> None:
        self.requests += 1
        self.slowest_s = max(self.slowest_s, seconds)
        faults = [c for c in codes if c is None or c in SERVER_FAULT_CODES]
        kind = ("HTTP 5xx" if status >= 500 else f"slow ({seconds:.1f} s)" if seconds > SLOW_S
                else str(faults[0]) if faults else None)
        if kind is None:
            return
        request = json.dumps(body) if not isinstance(body, str) else body
        key = (label, status, kind.split(" (")[0])
        if key not in self.shortest or len(request) < len(self.shortest[key][0]):
            self.shortest[key] = (request, text[:300])

    def report(self) -> str:
        return "\n".join(f"{label} HTTP {status} {kind}:\n  request: {request}\n  response: {response}"
                         for (label, status, kind), (request, response) in sorted(self.shortest.items()))


def test_fuzzed_graphql_requests_get_no_server_faults(app: FastAPI) -> None:
    defs = app.state.served.current.layer.definitions
    schemathesis.graphql.scalar("JSON", json_values(defs))
    schema = schemathesis.graphql.from_asgi("/graphql", app, config=fuzz_config(defs))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label.removeprefix("Query.") for op in operations} == FIELDS
    findings = Findings()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case: schemathesis.Case) -> None:
                started = time.perf_counter()
                response = case.call()
                seconds = time.perf_counter() - started
                findings.record(operation.label, case.body, response.status_code, response.text,
                                error_codes(response), seconds)
            call()
    assert findings.requests >= 2 * len(FIELDS) * EXAMPLES * 0.9, findings.requests
    assert not findings.shortest, f"{len(findings.shortest)} kinds of server fault in {findings.requests} " \
                                  f"requests:\n{findings.report()}"


QUESTION = ("query($m: [MetricName!]!, $d: [String!], $g: Grain, $t: TimeRangeInput, $f: [FilterInput!],"
            " $o: [OrderByInput!], $l: Int, $td: String) { query(metrics: $m, dimensions: $d, grain: $g,"
            " timeRange: $t, filters: $f, orderBy: $o, limit: $l, timeDimension: $td)"
            " { columns { name type } rows truncated } }")


@st.composite
def questions(draw: st.DrawFn, defs: Definitions) -> dict:
    """GraphQL variables of a question built from the project's real names, with odd values in places."""
    dimensions = [f"{e}.{d}" for e, entity in defs.entities.items() for d in entity.dimensions]
    times = [d for d in dimensions if defs.entities[d.split(".")[0]].dimensions[d.split(".")[1]].type == "time"]
    metrics = draw(st.lists(st.sampled_from(sorted(defs.metrics)), min_size=1, max_size=3))
    scalar = st.one_of(st.sampled_from(["SMB", "Enterprise", "closed_won", "2024-05-20", *PAYLOADS]),
                       st.text(max_size=8), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                       st.booleans(), st.none())
    some_date = st.dates(date(2015, 1, 1), date(2027, 12, 31)).map(str) | st.sampled_from(DATES)
    op = st.sampled_from(typing.get_args(FilterOp))
    one_filter = st.fixed_dictionaries({"dimension": st.sampled_from(dimensions), "op": op},
                                       optional={"value": scalar, "values": st.lists(scalar, max_size=4)})
    return {"m": metrics,
            "d": draw(st.none() | st.lists(st.sampled_from(dimensions), max_size=2)),
            "g": draw(st.none() | st.sampled_from(typing.get_args(Grain))),
            "t": draw(st.none() | st.fixed_dictionaries({}, optional={
                "from": some_date, "to": some_date, "relative": st.sampled_from(RELATIVE)})),
            "f": draw(st.none() | st.lists(one_filter, max_size=3)),
            "o": draw(st.none() | st.lists(st.fixed_dictionaries({"column": st.sampled_from(
                ["period", *metrics, *dimensions[:10]]), "descending": st.booleans()}), max_size=2)),
            "l": draw(st.none() | st.integers(1, 1000)),
            "td": draw(st.none() | st.sampled_from(times))}


def literal(value: object) -> str:
    """A value as `where` syntax writes it (strings quoted with doubled quotes)."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return repr(value)


def as_params(question: dict) -> str:
    """The same question as /query.json parameters: each filter written as a `where` condition."""
    params: list[tuple[str, str]] = [("metrics", ",".join(question["m"]))]
    params += [("by", d) for d in question["d"] or ()]
    params += [("grain", question["g"])] if question["g"] else []
    time_range = question["t"] or {}
    params += [(name, time_range[key]) for key, name in (("from", "from"), ("to", "to"), ("relative", "range"))
               if key in time_range]
    for f in question["f"] or ():
        values = f.get("values") or [f.get("value")]
        condition = {"in": "in ({})", "not_in": "not in ({})", "is_null": "is null", "not_null": "is not null"}.get(
            f["op"], {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}.get(f["op"], "=") + " {}")
        params.append(("where", f"{f['dimension']} " + condition.format(", ".join(literal(v) for v in values))))
    params += [("order_by", o["column"] + (":desc" if o["descending"] else "")) for o in question["o"] or ()]
    params += [("limit", str(question["l"]))] if question["l"] else []
    params += [("time_dimension", question["td"])] if question["td"] else []
    return urlencode(params)


def test_fuzzed_questions_get_no_server_faults(app: FastAPI) -> None:
    """Well-formed questions over real names compile and run, or are refused with a request-side code."""
    defs = app.state.served.current.layer.definitions
    findings = Findings()

    @settings(max_examples=QUESTIONS, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(question=questions(defs))
    def ask(question: dict) -> None:
        timed = send(app, "POST", "/graphql", json={"query": QUESTION, "variables": question})
        findings.record("GraphQL", question, timed.status, timed.response.text, error_codes(timed.response),
                        timed.seconds)
        url = f"/query.json?{as_params(question)}"
        timed = send(app, "GET", url)
        findings.record("/query.json", url, timed.status, timed.response.text, error_codes(timed.response),
                        timed.seconds)
    ask()
    assert findings.requests >= 2 * QUESTIONS * 0.9, findings.requests
    assert not findings.shortest, f"{len(findings.shortest)} kinds of server fault in {findings.requests} " \
                                  f"requests:\n{findings.report()}"
