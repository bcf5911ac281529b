"""Hostile requests: injection in every string argument, huge and deeply nested input, GraphQL abuse, bad HTTP.

Each one must be answered fast with a coded refusal from the documented set (never a 5xx, never a
traceback), or, where the input is merely odd data, with the hand-counted answer; and the ledger must be
byte for byte unchanged and still read-only afterwards. Bookings in the tiny ledger, by hand: won deals
100 (Acme, Enterprise, 1000.50), 102 (Bolt, SMB, 2000) and 104 (Cog, SMB, 700), all closed in 2024.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fastapi import FastAPI

from tests.reliability.conftest import PAYLOADS, assert_answered, assert_refused, graphql, send

pytestmark = pytest.mark.usefixtures("ledger_stays_read_only", "log_stays_small")

QUERY = ("query($d: [String!], $f: [FilterInput!], $o: [OrderByInput!], $t: TimeRangeInput, $td: String) {"
         " query(metrics: [bookings], dimensions: $d, filters: $f, orderBy: $o, timeRange: $t,"
         " timeDimension: $td) { rows } }")
BAD_DIMENSION = {"E_BAD_REQUEST", "E_UNKNOWN_DIMENSION"}
# Where a payload goes in a GraphQL request, and the codes that may refuse it there.
GRAPHQL_PLACES = {
    "dimensions": (QUERY, lambda p: {"d": [p]}, BAD_DIMENSION),
    "filter dimension": (QUERY, lambda p: {"f": [{"dimension": p, "value": "SMB"}]}, BAD_DIMENSION | {"E_BAD_FILTER"}),
    "orderBy": (QUERY, lambda p: {"o": [{"column": p}]}, {"E_BAD_ORDER_BY", "E_BAD_REQUEST"}),
    "timeRange from": (QUERY, lambda p: {"t": {"from": p}}, {"E_BAD_TIME_RANGE"}),
    "timeRange to": (QUERY, lambda p: {"t": {"to": p}}, {"E_BAD_TIME_RANGE"}),
    "timeRange relative": (QUERY, lambda p: {"t": {"relative": p}}, {"E_BAD_TIME_RANGE"}),
    "timeDimension": (QUERY, lambda p: {"td": p}, BAD_DIMENSION),
    "metrics": ("query($m: [MetricName!]!) { query(metrics: $m) { rows } }", lambda p: {"m": [p]},
                {"E_UNKNOWN_METRIC", "E_BAD_REQUEST"}),
    "savedQuery name": ("query($n: SavedQueryName!) { savedQuery(name: $n) { rows } }", lambda p: {"n": p},
                        {"E_UNKNOWN_SAVED_QUERY", "E_BAD_REQUEST"}),
    "term name": ("query($n: String!) { term(name: $n) { name } }", lambda p: {"n": p}, {"E_UNKNOWN_TERM"}),
}
# The same for a parameter of /query.json (commas split list parameters; that is fine for a payload).
PLAIN_PLACES = {
    "metrics": {"E_UNKNOWN_METRIC", "E_BAD_REQUEST"}, "by": BAD_DIMENSION,
    "order_by": {"E_BAD_ORDER_BY", "E_BAD_REQUEST"}, "from": {"E_BAD_TIME_RANGE"}, "to": {"E_BAD_TIME_RANGE"},
    "range": {"E_BAD_TIME_RANGE"}, "time_dimension": BAD_DIMENSION, "grain": {"E_BAD_GRAIN"},
    "saved": {"E_UNKNOWN_SAVED_QUERY"}, "where": {"E_BAD_FILTER"},
}
SQL_IN_WHERE = [
    "account.segment = 'x' or 1=1",
    "account.segment = 'x'; drop table accounts",
    "account.segment = (select max(email) from reps)",
    "account.segment = 'x' union select email from reps",
    "account.segment in (select name from reps)",
    "1 = 1",
    "account.segment = read_csv_auto('/etc/passwd')",
    "pg_sleep(10) = 1",
]
COSTLY = ('q{i}: query(metrics: [bookings], dimensions: ["account.segment"], grain: day, '
          'timeRange: {{from: "1971-01-01", to: "2024-12-31"}}) {{ rows }}')  # 54 years of days
CHEAP = "q{i}: query(metrics: [bookings]) {{ rows }}"


def bookings(body: dict) -> list[float]:
    return [row["bookings"] for row in body["data"]["query"]["rows"]]


def plain(app: FastAPI, query: str):
    return send(app, "GET", f"/query.json?{query}")


# --- injection -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("place", GRAPHQL_PLACES)
def test_graphql_injection_is_refused(app: FastAPI, place: str, payload: str) -> None:
    document, variables, expected = GRAPHQL_PLACES[place]
    assert_refused(graphql(app, document, variables(payload)), expected)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("param", PLAIN_PLACES)
def test_plain_http_injection_is_refused(app: FastAPI, param: str, payload: str) -> None:
    metrics = "" if param in ("metrics", "saved") else "metrics=bookings&"
    assert_refused(plain(app, f"{metrics}{param}={quote(payload)}"), PLAIN_PLACES[param])


@pytest.mark.parametrize("where", SQL_IN_WHERE)
def test_sql_in_where_is_refused(app: FastAPI, where: str) -> None:
    assert_refused(plain(app, f"metrics=bookings&where={quote(where)}"), {"E_BAD_FILTER"})


@pytest.mark.parametrize("payload", PAYLOADS + ["%", "_", "Enterprise' OR '1'='1"])
def test_filter_values_are_data(app: FastAPI, payload: str) -> None:
    """A payload as a filter value matches nothing (no segment or name holds it), so bookings are 0."""
    for op in ("eq", "contains"):
        condition = {"dimension": "account.segment", "op": op, "value": payload}
        body = assert_answered(graphql(app, QUERY, {"f": [condition]}))
        assert bookings(body) == [0.0], (op, body)
    body = assert_answered(graphql(app, QUERY, {"f": [{"dimension": "account.segment", "op": "in",
                                                          "values": ["SMB", payload]}]}))
    assert bookings(body) == [2700.0]
    where = quote("account.segment in ('Enterprise', '{}')".format(payload.replace("'", "''")))
    assert assert_answered(plain(app, f"metrics=bookings&where={where}"))["rows"] == [{"bookings": 1000.5}]


# --- huge inputs -----------------------------------------------------------------------------------------

def test_long_strings_are_refused_or_matched_as_data(app: FastAPI) -> None:
    assert_refused(graphql(app, QUERY, {"d": ["account." + "a" * 200_000]}), BAD_DIMENSION)
    assert_refused(plain(app, "metrics=bookings&by=account." + "a" * 60_000), BAD_DIMENSION)  # URLs stop at 64 KiB
    body = assert_answered(graphql(app, QUERY, {"f": [{"dimension": "account.segment", "value": "S" * 1000}]}))
    assert bookings(body) == [0.0]  # the longest value allowed is data that matches nothing
    assert_refused(graphql(app, QUERY, {"f": [{"dimension": "account.segment", "value": "S" * 500_000}]}),
                   {"E_BAD_FILTER"})


@pytest.mark.parametrize("field, items", [
    ("metrics", ["bookings"] * 10_000), ("dimensions", ["account.segment"] * 10_000),
    ("filters", [{"dimension": "account.segment", "value": "SMB"}] * 10_000),
    ("orderBy", [{"column": "bookings"}] * 10_000),
])
def test_thousands_of_list_items_are_refused(app: FastAPI, field: str, items: list) -> None:
    document = ("query($m: [MetricName!]!, $d: [String!], $f: [FilterInput!], $o: [OrderByInput!]) {"
                " query(metrics: $m, dimensions: $d, filters: $f, orderBy: $o) { rows } }")
    variables = {"m": ["bookings"], "d": None, "f": None, "o": None} | {field[0]: items}
    assert_refused(graphql(app, document, variables), {"E_BAD_REQUEST", "E_BAD_ORDER_BY", "E_BAD_FILTER"})


def test_the_largest_in_list_is_answered_and_a_larger_one_refused(app: FastAPI) -> None:
    values = ["SMB"] + [f"junk{i}" for i in range(999)]
    body = assert_answered(graphql(app, QUERY, {"f": [{"dimension": "account.segment", "op": "in", "values": values}]}))
    assert bookings(body) == [2700.0]
    where = quote("account.segment in ({})".format(", ".join(f"'{v}'" for v in values)))
    assert assert_answered(plain(app, f"metrics=bookings&where={where}"))["rows"] == [{"bookings": 2700.0}]
    more = values + [f"more{i}" for i in range(4000)]
    assert_refused(graphql(app, QUERY, {"f": [{"dimension": "account.segment", "op": "in", "values": more}]}),
                   {"E_BAD_FILTER"})


@pytest.mark.parametrize("depth", [300, 5_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
@pytest.mark.parametrize("op", ["eq", "in"])
def test_deeply_nested_filter_values_are_refused(app: FastAPI, depth: int, kind: str, op: str) -> None:
    opening, closing = ("[", "]") if kind == "list" else ('{"a": ', "}")
    value = opening * depth + '"SMB"' + closing * depth  # written out: json.dumps itself stops near 1,000 levels
    condition = f'{{"dimension": "account.segment", "op": "{op}", ' + \
        (f'"value": {value}}}' if op == "eq" else f'"values": [{value}]}}')
    body = f'{{"query": {json.dumps(QUERY)}, "variables": {{"f": [{condition}]}}}}'
    if depth < 900:
        json.loads(body)  # the hand-written text is valid JSON (json.loads also stops near 1,000)
    timed = send(app, "POST", "/graphql", content=body, headers={"content-type": "application/json"})
    # refused as too deep, or (checked first) as not a single value; never E_INTERNAL
    assert_refused(timed, {"E_VALUE_TOO_DEEP", "E_BAD_FILTER"} | ({"E_BAD_REQUEST"} if depth > 1000 else set()))


@pytest.mark.parametrize("depth, expected", [(150, {"E_VALUE_TOO_DEEP", "E_BAD_FILTER"}),
                                             (300, {"E_VALUE_TOO_DEEP", "E_GRAPHQL_SYNTAX"})])
def test_deeply_nested_value_literal_in_the_document_is_refused(app: FastAPI, depth: int, expected: set[str]) -> None:
    literal = "[" * depth + '"SMB"' + "]" * depth
    condition = f'{{dimension: "account.segment", op: in, values: [{literal}]}}'
    document = f"{{ query(metrics: [bookings], filters: [{condition}]) {{ rows }} }}"
    assert_refused(graphql(app, document), expected)


@pytest.mark.parametrize("where, expected", [
    ("(" * 1000 + "account.segment = 'SMB'" + ")" * 1000, {"E_EXPRESSION_TOO_DEEP"}),
    ("not " * 600 + "account.segment = 'SMB'", {"E_EXPRESSION_TOO_DEEP"}),
    # too deep as a tree, or (if ANDs are flattened) more than the 50 filters a question may have
    (" and ".join(["account.segment = 'SMB'"] * 1000), {"E_EXPRESSION_TOO_DEEP", "E_BAD_REQUEST", "E_BAD_FILTER"}),
], ids=["1000-parentheses", "600-nots", "1000-ands"])
def test_deep_where_expressions_are_refused(app: FastAPI, where: str, expected: set[str]) -> None:
    assert_refused(plain(app, f"metrics=bookings&where={quote(where)}"), expected)


# --- GraphQL abuse ---------------------------------------------------------------------------------------

def test_twenty_aliased_day_grain_questions_over_54_years_are_refused_quickly(app: FastAPI) -> None:
    document = "{ " + " ".join(COSTLY.format(i=i) for i in range(20)) + " }"
    assert_refused(graphql(app, document), {"E_TOO_MANY_QUESTIONS", "E_QUERY_TOO_COSTLY"})


def test_one_day_grain_question_over_54_years_is_refused_before_it_runs(app: FastAPI) -> None:
    assert_refused(graphql(app, "{ " + COSTLY.format(i=0) + " }"), {"E_QUERY_TOO_COSTLY"})
    where = quote("account.segment = 'SMB'")
    assert_refused(plain(app, f"metrics=bookings&by=account.segment&grain=day&from=1971-01-01&to=2024-12-31"
                              f"&where={where}"), {"E_QUERY_TOO_COSTLY"})


def test_five_questions_are_answered_six_refused(app: FastAPI) -> None:
    body = assert_answered(graphql(app, "{ " + " ".join(CHEAP.format(i=i) for i in range(5)) + " }"))
    assert [body["data"][f"q{i}"]["rows"] for i in range(5)] == [[{"bookings": 3700.5}]] * 5
    assert_refused(graphql(app, "{ " + " ".join(CHEAP.format(i=i) for i in range(6)) + " }"), {"E_TOO_MANY_QUESTIONS"})


@pytest.mark.parametrize("document", [
    "{ " + " ".join(f"s{i}: savedQuery(name: forecast_call) {{ rows }}" for i in range(6)) + " }",
    "{ " + " ".join(CHEAP.format(i=i) for i in range(3))
    + " ".join(f" s{i}: savedQuery(name: forecast_call) {{ rows }}" for i in range(3)) + " }",
    "{ " + " ".join(f"...F{i}" for i in range(6)) + " } "
    + " ".join(f"fragment F{i} on Query {{ {CHEAP.format(i=i)} }}" for i in range(6)),
], ids=["six-saved", "three-and-three", "six-in-fragments"])
def test_questions_are_counted_however_written(app: FastAPI, document: str) -> None:
    assert_refused(graphql(app, document), {"E_TOO_MANY_QUESTIONS"})


def test_one_fragment_spread_many_times_runs_once_or_is_refused(app: FastAPI) -> None:
    document = "{ " + " ".join(["...F"] * 500) + " } fragment F on Query { query(metrics: [bookings]) { rows } }"
    timed = graphql(app, document)
    if timed.json().get("errors"):
        assert_refused(timed, {"E_TOO_MANY_QUESTIONS", "E_QUERY_TOO_LARGE"})
    else:
        assert assert_answered(timed)["data"]["query"]["rows"] == [{"bookings": 3700.5}]


@pytest.mark.parametrize("document, expected", [
    ("{ " + " ".join(f"v{i}: version {{ content }}" for i in range(21)) + " }", {"E_TOO_MANY_ALIASES"}),
    ("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", {"E_GRAPHQL_VALIDATION"}),
    ("{ __schema { types { " + "ofType { " * 900 + "name" + " }" * 900 + " } } }",
     {"E_QUERY_TOO_LARGE", "E_QUERY_TOO_DEEP", "E_GRAPHQL_SYNTAX"}),
    ("{ version " + "@skip(if: false) " * 400 + "{ content } }", {"E_GRAPHQL_VALIDATION", "E_QUERY_TOO_LARGE"}),
    ("query A { version { content } } query B { metrics { name } }", {"E_BAD_REQUEST"}),
    ('{ query(metrics: [bookings], dimensions: ["' + "a" * 900_000 + '"]) { rows } }', BAD_DIMENSION),
    ("{" * 5_000 + "}" * 5_000, {"E_GRAPHQL_SYNTAX", "E_QUERY_TOO_LARGE"}),
], ids=["21-aliases", "fragment-cycle", "deep-introspection", "400-directives", "two-operations",
        "900kB-string", "5000-braces"])
def test_graphql_abuse_is_refused(app: FastAPI, document: str, expected: set[str]) -> None:
    assert_refused(graphql(app, document), expected)


def test_every_catalogue_field_at_once_is_answered(app: FastAPI) -> None:
    document = ("{ metrics { name } glossary { name } stages { name } entities { name } savedQueries { name }"
                " version { content } dimensions(metrics: [bookings]) { name } metric(name: bookings) { name } }")
    data = assert_answered(graphql(app, document))["data"]
    assert data["metric"] == {"name": "bookings"} and {"name": "account.segment"} in data["dimensions"]


# --- bad HTTP --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [(m, "/graphql") for m in ("PUT", "DELETE", "PATCH", "OPTIONS")]
                         + [(m, "/query.json") for m in ("POST", "PUT", "DELETE")])
def test_wrong_methods_are_405(app: FastAPI, method: str, path: str) -> None:
    timed = send(app, method, path, content=b'{"query": "{ version { content } }"}')
    assert timed.status == 405
    assert_refused(timed, {"E_METHOD_NOT_ALLOWED"})


@pytest.mark.parametrize("content_type, body", [
    ("text/plain", b'{"query": "{ version { content } }"}'),
    ("application/x-www-form-urlencoded", b"query=%7B+version+%7B+content+%7D+%7D"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--'),
    ("application/json", b'{"query": '),
    ("application/json", b'{"query": "\xff\xfe{ version }"}'),
    ("application/json", b"\xef\xbb\xbf\xff"),
    ("application/json", b""),
    ("application/json", b"null"),
    ("application/json", b'[{"query": "{ version { content } }"}]'),
    ("application/json", b'{"query": 5}'),
    ("application/json", b'{"query": "{ version { content } }", "variables": "x"}'),
    ("application/json", b'{"query": "' + b"[" * 200_000 + b'"}'),
    ("application/json", b"[" * 400_000),
], ids=["text-plain", "form", "multipart", "truncated-json", "bad-utf8-in-string", "bad-utf8", "empty", "null",
        "batch", "query-not-string", "variables-not-object", "brackets-in-string", "400k-brackets"])
def test_malformed_bodies_are_refused(app: FastAPI, content_type: str, body: bytes) -> None:
    timed = send(app, "POST", "/graphql", content=body, headers={"content-type": content_type})
    assert_refused(timed, {"E_BAD_REQUEST", "E_GRAPHQL_SYNTAX", "E_QUERY_TOO_LARGE"})


@pytest.mark.parametrize("path, expected", [
    ("/query.json?metrics=%FF%FE", {"E_UNKNOWN_METRIC", "E_BAD_REQUEST"}),
    ("/query.json?metrics=bookings&where=account.segment%20%3D%20%27%FF%27", None),
    ("/query.json?metrics=bookings&where=account.segment%20%3D%20%27%00%27", None),
    ("/query.json?" + "&".join(f"p{i}=1" for i in range(5_000)), {"E_BAD_REQUEST"}),
    ("/graphql?query=%FF%FE", {"E_GRAPHQL_SYNTAX", "E_BAD_REQUEST"}),
    ("/graphql/..%2F..%2Fetc%2Fpasswd", {"E_NOT_FOUND"}),
], ids=["bad-utf8-metric", "bad-utf8-value", "nul-value", "5000-params", "bad-utf8-graphql-get", "traversal"])
def test_odd_urls_are_refused_or_matched_as_data(app: FastAPI, path: str, expected: set[str] | None) -> None:
    timed = send(app, "GET", path)
    if expected is None:
        assert assert_answered(timed)["rows"] == [{"bookings": 0.0}]
    else:
        assert_refused(timed, expected)


def test_oversized_body_is_413(app: FastAPI) -> None:
    timed = send(app, "POST", "/graphql", content=b" " * (1_048_576 + 1), headers={"content-type": "application/json"})
    assert timed.status == 413
    assert_refused(timed, {"E_REQUEST_TOO_LARGE"})


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc"])
def test_open_routes_describe_nothing(app: FastAPI, path: str) -> None:
    assert send(app, "GET", path).status == 404
