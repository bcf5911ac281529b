"""The link engine against links written down by hand (tests/link/link_ledger.py), on DuckDB and PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from semantic.definitions.linking_models import Linking, OpportunityLinking
from semantic.ledger.schema import activities, activity_participants
from semantic.link import link
from semantic.link import engine
from tests.link.link_ledger import BASE_RULES, EXPECTED, EXPECTED_PARTICIPANTS, ROWS

A, P = activities.c, activity_participants.c


def _links(conn: sa.Connection) -> dict[int, tuple]:
    query = sa.select(A.activity_id, A.rep_id, A.contact_id, A.contact_rule, A.account_id, A.account_rule,
                      A.opportunity_id, A.opportunity_rule)
    return {row[0]: tuple(row[1:]) for row in conn.execute(query)}


def _participants(conn: sa.Connection) -> dict[tuple[int, int], tuple]:
    query = sa.select(P.activity_id, P.position, P.is_internal, P.rep_id, P.contact_id, P.lead_id, P.account_id,
                      P.match_rule)
    return {(row[0], row[1]): tuple(row[2:]) for row in conn.execute(query)}


def _tables(conn: sa.Connection) -> tuple[list, list]:
    return (conn.execute(sa.select(activities).order_by(A.activity_id)).all(),
            conn.execute(sa.select(activity_participants).order_by(P.activity_id, P.position)).all())


def _rules(**opportunity) -> Linking:
    return BASE_RULES.model_copy(update={"opportunity": OpportunityLinking(**{
        "tie_break": ("contact_role", "owner"), "max_deals": 1, **opportunity})})


def test_every_activity_gets_the_links_written_by_hand(connection) -> None:
    link(connection, BASE_RULES)
    assert _links(connection) == EXPECTED


def test_every_participant_is_matched_as_written_by_hand(connection) -> None:
    link(connection, BASE_RULES)
    got = _participants(connection)
    assert {key: got[key] for key in EXPECTED_PARTICIPANTS} == EXPECTED_PARTICIPANTS
    assert len(got) == len(ROWS["activity_participants"]) == 35  # every participant stays, matched or not


def test_nearest_close_date_settles_the_tie_after_a_rules_change(connection) -> None:
    link(connection, BASE_RULES)
    link(connection, _rules(tie_break=("contact_role", "owner", "nearest_close_date")))
    # Acme's 1002 closes 2024-05-15 (44 days after the activity), 1001 on 2024-06-30 (90 days)
    assert _links(connection) == {**EXPECTED, 3: (3, 101, "contact.email", 10, "contact.account", 1002,
                                                  "opportunity.open_window.close_date")}


def test_a_cap_of_two_equal_deals_links_the_lowest_id(connection) -> None:
    link(connection, _rules(max_deals=2))
    assert _links(connection)[3][5:] == (1001, "opportunity.open_window.lowest_id")


def test_a_wider_internal_domain_makes_a_conversation_internal_only(connection) -> None:
    link(connection, BASE_RULES.model_copy(update={"internal_domains": ("northpeak.example", "acme.com")}))
    links = _links(connection)
    assert links[1] == (1, None, None, None, None, None, None)  # carol is now a colleague: rep only
    assert links[17] == (1, None, None, None, None, None, None)  # yan@acme.com too


def test_cancelled_meetings_are_linked_when_the_rules_say_so(connection) -> None:
    link(connection, BASE_RULES.model_copy(update={"link_cancelled": True}))
    assert _links(connection)[9] == (1, 100, "contact.email", 10, "contact.account", 1001,
                                     "opportunity.open_window.role")


def _scramble(conn: sa.Connection) -> None:
    """Wrong links everywhere; participants are taken out first (DuckDB cannot update a referenced row)."""
    participants = conn.execute(sa.select(activity_participants)).mappings().all()
    conn.execute(activity_participants.delete())
    conn.commit()
    conn.execute(activities.update().where(A.activity_id.not_in([18, 21])).values(  # the two left as they are
        rep_id=3, contact_id=105, account_id=40, opportunity_id=3002, contact_rule="x", account_rule="y",
        opportunity_rule="z"))
    wrong = dict(is_internal=True, rep_id=1, contact_id=104, lead_id=500, account_id=40, match_rule="w")
    conn.execute(activity_participants.insert(), [{**row, **wrong} for row in participants])
    conn.commit()


def test_relinking_gives_identical_tables_whatever_was_linked_before(connection) -> None:
    link(connection, BASE_RULES)
    first = _tables(connection)
    link(connection, BASE_RULES)
    assert _tables(connection) == first
    _scramble(connection)
    link(connection, BASE_RULES)
    assert _tables(connection) == first


def test_only_the_activities_asked_for_are_relinked(connection) -> None:
    link(connection, BASE_RULES)
    link(connection, _rules(max_deals=2), activity_ids=[1, 2])
    assert _links(connection)[3][5:] == (None, "opportunity.ambiguous")
    link(connection, _rules(max_deals=2), activity_ids=[3])
    assert _links(connection)[3][5:] == (1001, "opportunity.open_window.lowest_id")


def test_generated_links_and_activities_with_nothing_to_link_by_stay_unless_asked(connection) -> None:
    link(connection, BASE_RULES)
    assert (_links(connection)[18], _links(connection)[21]) == (EXPECTED[18], EXPECTED[21])
    link(connection, BASE_RULES, relink_generated=True)
    links = _links(connection)
    assert links[18] == links[21] == (None,) * 7  # no participants and nothing declared: nothing to link by


def test_a_run_that_fails_changes_nothing(connection, monkeypatch) -> None:
    link(connection, BASE_RULES)
    before = _tables(connection)
    broken = sa.select(*(sa.literal_column("no_such_column").label(name)
                         for name in ("activity_id", "opportunity_id", "opportunity_rule")))
    monkeypatch.setattr(engine, "opportunity_choice", lambda *_: broken)  # fails after staging, before writing
    with pytest.raises(sa.exc.DBAPIError):
        link(connection, _rules(max_deals=2))
    assert _tables(connection) == before
    monkeypatch.undo()
    link(connection, _rules(max_deals=2))  # and the next run works: no staging table was left behind
    assert _links(connection)[3][5:] == (1001, "opportunity.open_window.lowest_id")
