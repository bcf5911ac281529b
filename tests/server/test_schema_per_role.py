"""Introspection shows a restricted token only the names its roles see: each view has its own schema.

A tiny project over the tiny ledger: three metrics (`bookings_per_win` reads `bookings`), three saved queries,
four dimensions. The agency role hides `bookings` (so `bookings_per_win` and the saved query `wins`); the
analyst role hides `rep.quota_amount` (so the saved query `wins_by_quota`). Every hidden thing's description
holds a word found nowhere else, so a leak anywhere in an introspection answer shows.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from graphql import get_introspection_query

from semantic.access import Caller
from server.app import create_app
from server.auth import TokenAuth
from server.caller_schemas import VIEWS_PER_VERSION, schema_for, views_of
from server.settings import ServerSettings
from server.state import build_served
from tests.server.conftest import data, error, post

METRICS = """
entities:
  opportunity:
    table: opportunities
    primary_key: opportunity_id
    default_time_dimension: closed_at
    columns: [amount, is_won]
    joins:
      rep: {foreign_key: owner_rep_id}
    dimensions:
      closed_at: {type: time}
      stage: {description: Where the deal stands}
    measures:
      won_amount: {agg: sum, expr: amount, filter: is_won}
      won_count: {agg: count, filter: is_won}
  rep:
    table: reps
    primary_key: rep_id
    dimensions:
      region: {description: The rep's sales region}
      quota_amount: {type: number, description: Zebrafinch quota of the rep}
metrics:
  bookings: {type: simple, measure: won_amount, description: Quokkas won in money}
  won_deals: {type: simple, measure: won_count, description: Deals won}
  bookings_per_win: {type: derived, expr: bookings / won_deals, description: Narwhal average}
saved_queries:
  wins: {metrics: [bookings], description: Ocelot wins}
  win_count: {metrics: [won_deals], description: Deals won in a count}
  wins_by_quota: {metrics: [won_deals], dimensions: [rep.quota_amount], description: Pangolin split}
"""
POLICIES = """
roles:
  agency: {metrics: {exclude: [bookings]}}
  analyst: {dimensions: {exclude: [rep.quota_amount]}}
  blind: {metrics: {exclude: ["*"]}}
  revops: {}
"""
TOKENS = {"agency": "roles=agency", "analyst": "roles=analyst", "both": "roles=agency,analyst",
          "blind": "roles=blind", "intern": "roles=intern", "admin": ""}
ENUM = '{ __type(name: "%s") { enumValues { name description } } }'


def write_project(target: Path, policies: str = POLICIES) -> Path:
    (target / "metrics.yaml").write_text(METRICS)
    (target / "policies.yaml").write_text(policies)
    return target


@pytest.fixture
def app(tmp_path: Path, ledger_url: str) -> FastAPI:
    (tmp_path / "project").mkdir()
    project = write_project(tmp_path / "project")
    tokens = tmp_path / "tokens"
    tokens.write_text("".join(f"{name}-token {fields}\n" for name, fields in TOKENS.items()))
    return create_app(project, ledger_url, ServerSettings(), auth=TokenAuth.load(tokens, environ={}))


def ask(app: FastAPI, who: str, query: str, variables: dict | None = None):  # noqa: ANN201
    return post(app, query, variables, headers={"authorization": f"Bearer {who}-token"})


def enum_values(app: FastAPI, who: str, type_name: str) -> dict[str, str] | None:
    found = data(ask(app, who, ENUM % type_name))["__type"]
    return None if found is None else {v["name"]: v["description"] for v in found["enumValues"]}


def column_names(app: FastAPI, who: str) -> set[str]:
    """DimensionName members naming entity.dimension (the date parts of closed_at are checked apart)."""
    return {name for name in enum_values(app, who, "DimensionName") or () if name.count("__") == 1}


def test_a_restricted_token_introspects_only_what_it_sees(app: FastAPI) -> None:
    assert enum_values(app, "agency", "MetricName") == {"won_deals": "Deals won"}
    assert set(enum_values(app, "agency", "SavedQueryName")) == {"win_count", "wins_by_quota"}
    assert column_names(app, "agency") == {"opportunity__closed_at", "opportunity__stage", "rep__quota_amount",
                                           "rep__region"}
    assert set(enum_values(app, "analyst", "MetricName")) == {"bookings", "won_deals", "bookings_per_win"}
    assert set(enum_values(app, "analyst", "SavedQueryName")) == {"wins", "win_count"}
    assert column_names(app, "analyst") == {"opportunity__closed_at", "opportunity__stage", "rep__region"}
    parts = {n for n in enum_values(app, "analyst", "DimensionName") or () if n.count("__") == 2}
    assert parts and all(n.startswith("opportunity__closed_at__") for n in parts)


@pytest.mark.parametrize("who, hidden", [
    ("agency", ("Quokkas", "Narwhal", "Ocelot", '"bookings"', '"bookings_per_win"', '"wins"')),
    ("analyst", ("Zebrafinch", "Pangolin", '"rep__quota_amount"', '"wins_by_quota"'))])
def test_hidden_names_and_descriptions_are_nowhere_in_the_introspection(app: FastAPI, who: str,
                                                                        hidden: tuple[str, ...]) -> None:
    text = ask(app, who, get_introspection_query(descriptions=True)).text
    assert '"__schema"' in text
    for word in hidden:
        assert word not in text, word


def test_an_unrestricted_token_sees_every_name(app: FastAPI) -> None:
    assert set(enum_values(app, "admin", "MetricName")) == {"bookings", "won_deals", "bookings_per_win"}
    assert set(enum_values(app, "admin", "SavedQueryName")) == {"wins", "win_count", "wins_by_quota"}
    assert column_names(app, "admin") == {"opportunity__closed_at", "opportunity__stage", "rep__quota_amount",
                                          "rep__region"}
    text = ask(app, "admin", get_introspection_query(descriptions=True)).text
    assert all(word in text for word in ("Quokkas", "Narwhal", "Ocelot", "Zebrafinch", "Pangolin"))


def test_several_roles_see_the_union(app: FastAPI) -> None:
    assert set(enum_values(app, "both", "MetricName")) == {"bookings", "won_deals", "bookings_per_win"}
    assert set(enum_values(app, "both", "SavedQueryName")) == {"wins", "win_count", "wins_by_quota"}
    assert "rep__quota_amount" in column_names(app, "both")


def test_a_hidden_name_is_refused_like_an_unknown_one(app: FastAPI) -> None:
    for name in ("bookings", "bookingz"):
        first = error(ask(app, "agency", "{ metric(name: %s) { name } }" % name))
        assert first["extensions"]["code"] == "E_UNKNOWN_METRIC" and first["message"] == f"unknown metric '{name}'"
        assert "bookings" not in first["extensions"]["hint"]
        sent = error(ask(app, "agency", "query($m: [MetricName!]!) { query(metrics: $m) { rows } }", {"m": [name]}))
        assert sent["extensions"]["code"] == "E_UNKNOWN_METRIC"
    for name in ("wins", "winz"):
        first = error(ask(app, "agency", "{ savedQuery(name: %s) { rows } }" % name))
        assert first["extensions"]["code"] == "E_UNKNOWN_SAVED_QUERY", first
    for member, ref in (("rep__quota_amount", "rep.quota_amount"), ("rep__quota_amoun", "rep.quota_amoun")):
        first = error(ask(app, "analyst", "{ query(metrics: [won_deals], by: [%s]) { rows } }" % member))
        assert first["extensions"]["code"] == "E_UNKNOWN_DIMENSION", first  # a value not in the enum, hidden or not
        assert first["message"] == f"unknown dimension '{ref}'"  # no "did you mean" the hidden one
        assert "quota_amount" not in first["extensions"]["hint"]


def test_a_role_that_sees_no_metric_gets_strings(app: FastAPI) -> None:
    assert enum_values(app, "blind", "MetricName") is None and enum_values(app, "blind", "SavedQueryName") is None
    assert "rep__region" in column_names(app, "blind")
    assert data(ask(app, "blind", "{ metrics { name } }"))["metrics"] == []
    for name in ("won_deals", "nothing"):
        first = error(ask(app, "blind", '{ metric(name: "%s") { name } }' % name))
        assert first["extensions"]["code"] == "E_UNKNOWN_METRIC" and first["message"] == f"unknown metric '{name}'"


def test_a_token_with_no_known_role_sees_no_name_and_is_denied(app: FastAPI) -> None:
    for type_name in ("MetricName", "SavedQueryName", "FunnelName", "DimensionName"):
        assert enum_values(app, "intern", type_name) is None
    for query in ("{ query(metrics: [won_deals]) { rows } }", '{ query(metrics: ["won_deals"]) { rows } }'):
        assert error(ask(app, "intern", query))["extensions"]["code"] == "E_ACCESS_DENIED", query


def test_callers_with_the_same_roles_share_one_schema(app: FastAPI) -> None:
    served = app.state.served.current
    settings = app.state.settings
    ada = schema_for(served, Caller("ada", frozenset({"agency"}), {"region": "NA"}), settings)
    assert schema_for(served, Caller("bo", frozenset({"agency", "ghost"}), {"region": "EMEA"}), settings) is ada
    assert schema_for(served, Caller("cy", frozenset({"analyst"})), settings) is not ada
    assert schema_for(served, Caller.unrestricted(), settings) is served.schema
    assert len(views_of(served)) == 2  # the unrestricted schema is the version's own, not one of the views


def test_a_reload_brings_new_schemas(app: FastAPI, tmp_path: Path, ledger_url: str) -> None:
    before = schema_for(app.state.served.current, Caller("a", frozenset({"agency"})), app.state.settings)
    project = tmp_path / "project"
    added = "  deals_won_twice: {type: derived, expr: won_deals * 2}\nsaved_queries:\n"
    (project / "metrics.yaml").write_text(METRICS.replace("saved_queries:\n", added))
    app.state.served.swap(build_served(project, ledger_url, app.state.settings))
    assert set(enum_values(app, "agency", "MetricName")) == {"won_deals", "deals_won_twice"}
    assert schema_for(app.state.served.current, Caller("a", frozenset({"agency"})), app.state.settings) is not before


def test_at_most_a_bounded_number_of_views_per_version(tmp_path: Path, ledger_url: str) -> None:
    """Six roles make 63 sets of known roles: the views kept stay bounded, the least recently used going first."""
    roles = [f"team_{i}" for i in range(6)]
    write_project(tmp_path, "roles:\n" + "".join(f"  {r}: {{}}\n" for r in roles))
    served = build_served(tmp_path, ledger_url, ServerSettings())
    sets = [frozenset(r for i, r in enumerate(roles) if mask >> i & 1) for mask in range(1, 2 ** len(roles))]
    first = schema_for(served, Caller("x", sets[0]), ServerSettings())
    for held in sets[1:]:
        assert schema_for(served, Caller("x", held), ServerSettings()) is not served.schema
    assert len(views_of(served)) == VIEWS_PER_VERSION < len(sets)
    last = schema_for(served, Caller("y", sets[-1]), ServerSettings())
    assert schema_for(served, Caller("z", sets[-1]), ServerSettings()) is last  # kept: recently used
    assert schema_for(served, Caller("x", sets[0]), ServerSettings()) is not first  # evicted, so built again
