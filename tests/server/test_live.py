"""A real uvicorn server on loopback, queried with the gql client (schema from introspection); our own client is
tested in tests/client."""
from __future__ import annotations

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXTransport
from graphql import GraphQLEnumType

from tests.server.live import LiveServer
from tests.server.tiny_ledger import hand_sql


def test_gql_client_with_introspected_schema(live: LiveServer, ledger_url: str) -> None:
    transport = HTTPXTransport(url=f"{live.url}/graphql", timeout=30)
    with Client(transport=transport, fetch_schema_from_transport=True) as session:
        metric_enum = session.client.schema.get_type("MetricName")
        assert isinstance(metric_enum, GraphQLEnumType) and "win_rate" in metric_enum.values
        request = GraphQLRequest("""query($by: [String!]) {
            query(metrics: [won_deals, lost_deals], dimensions: $by) { rows version } }""",
                                 variable_values={"by": ["rep.team"]})
        result = session.execute(request)
        rows = {r["rep.team"]: (r["won_deals"], r["lost_deals"]) for r in result["query"]["rows"]}
        hand = hand_sql(ledger_url, """select r.team, count(*) filter (where o.is_won),
            count(*) filter (where o.is_closed and not o.is_won)
            from opportunities o join reps r on r.rep_id = o.owner_rep_id group by r.team""")
        assert rows == {team: (won, lost) for team, won, lost in hand}
        # the client validates against the introspected schema before sending
        with pytest.raises(Exception, match="bookingz"):
            session.execute(gql("{ query(metrics: [bookingz]) { rows } }"))


def test_gql_client_sees_error_codes(live: LiveServer) -> None:
    with Client(transport=HTTPXTransport(url=f"{live.url}/graphql", timeout=30)) as session:
        with pytest.raises(TransportQueryError) as raised:
            session.execute(gql('{ query(metrics: [bookings], dimensions: ["account.sgment"]) { rows } }'))
    assert raised.value.errors[0]["extensions"]["code"] == "E_UNKNOWN_DIMENSION"
