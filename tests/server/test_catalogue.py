"""The catalogue answers from the definitions: formulas as written, terms, dimensions, SQL, version."""
from __future__ import annotations

from fastapi import FastAPI

from tests.server.conftest import data, get, post


def test_metrics_list_every_metric_with_its_formula(app: FastAPI) -> None:
    metrics = data(post(app, "{ metrics { name type format certified formula } }"))["metrics"]
    by_name = {m["name"]: m for m in metrics}
    assert "bookings" in by_name and "win_rate" in by_name
    assert by_name["win_rate"] == {"name": "win_rate", "type": "ratio", "format": "percent", "certified": True,
                                   "formula": "won_deals / closed_deals"}
    assert by_name["bookings_per_won_deal_check"]["formula"] == "bookings / won_deals"


def test_metric_shows_terms_via_measures_time_axis_dimensions_and_sql(app: FastAPI) -> None:
    metric = data(post(app, """{ metric(name: activities_per_open_opportunity) {
        label owner numerator denominator measure expr
        measures { name entity agg timeDimension }
        terms { name filter } timeDimension timeDimensions dimensions { name type } sql } }"""))["metric"]
    assert (metric["numerator"], metric["denominator"], metric["measure"]) == \
        ("open_deal_activities", "open_opportunities", None)
    assert [t["name"] for t in metric["terms"]] == ["open_pipeline"]  # reached through the denominator
    assert metric["terms"][0]["filter"] == "not is_closed"
    assert metric["measures"][1] == {"name": "open_opportunities", "entity": "opportunity", "agg": "count",
                                     "timeDimension": "opportunity.close_date"}
    assert metric["timeDimension"] == "open_deal_activity.close_date"
    # the SQL dates the activities by their deal's close date and the open deals by opportunity.close_date
    assert metric["timeDimensions"] == ["open_deal_activity.close_date", "opportunity.close_date"]
    assert "account.segment" in {d["name"] for d in metric["dimensions"]}
    assert "select" in metric["sql"].lower()


def test_derived_metric_terms_follow_the_metrics_it_names(app: FastAPI) -> None:
    metric = data(post(app, "{ metric(name: bookings_per_won_deal_check) { expr terms { name } } }"))["metric"]
    assert metric == {"expr": "bookings / won_deals", "terms": [{"name": "closed_won"}]}


def test_sql_in_another_dialect(app: FastAPI) -> None:
    sql = data(post(app, '{ metric(name: bookings) { sql(dialect: "postgres") } }'))["metric"]["sql"]
    assert "opportunities" in sql


def test_glossary_term_by_synonym_and_stages_in_order(app: FastAPI) -> None:
    result = data(post(app, """{ glossary { name } term(name: "MQL") { name status entity filter metrics }
        stages { name position probability forecastCategory isWon } }"""))
    assert {"lead", "mql", "open_pipeline"} <= {t["name"] for t in result["glossary"]}
    assert result["term"]["name"] == "mql" and "mqls" in result["term"]["metrics"]
    names = [s["name"] for s in result["stages"]]
    assert names[0] == "prospecting" and names[-2:] == ["closed_won", "closed_lost"]
    assert result["stages"][0]["position"] == 1


def test_entities_saved_queries_and_dimensions(app: FastAPI) -> None:
    result = data(post(app, """{ entities { name table dimensions { name } joins { name entity } }
        savedQueries { name metrics dimensions timeRange { from to relative } }
        dimensions(metrics: [bookings, leads]) { name } }"""))
    account = next(e for e in result["entities"] if e["name"] == "account")
    assert account["table"] == "accounts" and "account.segment" in {d["name"] for d in account["dimensions"]}
    assert {"name": "owner", "entity": "rep"} in account["joins"]
    saved = {s["name"]: s for s in result["savedQueries"]}
    assert saved["forecast_this_quarter"]["timeRange"] == {"from": None, "to": None, "relative": "this_quarter"}
    common = {d["name"] for d in result["dimensions"]}
    assert "account.segment" in common and not {"opportunity.stage", "lead.source"} & common


def test_version_matches_health_and_header(app: FastAPI) -> None:
    response = post(app, "{ version { content gitCommit gitDirty stamp } }")
    version = data(response)["version"]
    assert version["stamp"].startswith(version["content"])
    assert response.headers["x-semantic-version"] == version["stamp"]
    assert response.json()["extensions"]["version"] == version["stamp"]
    assert get(app, "/health").json()["version"] == version["stamp"]


def test_metric_enum_carries_yaml_descriptions(app: FastAPI) -> None:
    enum = data(post(app, """{ __type(name: "MetricName") { enumValues { name description } } }"""))["__type"]
    values = {v["name"]: v["description"] for v in enum["enumValues"]}
    assert values["bookings"] == "Amount of deals won, on the day they closed."


def test_graphiql_is_served_to_browsers(app: FastAPI) -> None:
    page = get(app, "/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
