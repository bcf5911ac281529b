"""The issue's proof end to end: hand-made exports of a small company (Salesforce CRM objects and tasks, Gmail,
Google Calendar, Zoom; tests/fixtures/exports/world/) ingested and linked by the starter linking.yaml.

Each expected link below was worked out by hand from the files and the rules in docs/linking.md, never
copied from a run. Both file orders give the same ledger: CRM objects after the activities relink them.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from semantic.definitions import load_project
from semantic.ingest.run import ingest
from tests.ingest.conftest import NewDatabase, rows

WORLD = Path(__file__).parents[1] / "fixtures" / "exports" / "world"
CRM = ["User.csv", "Account.csv", "Contact.csv", "Lead.csv", "Opportunity.csv", "OpportunityContactRole.csv"]
ACTIVITY_FILES = [("gmail_api", ["gmail_messages.jsonl"]), ("google_calendar", ["calendar_events.json"]),
                  ("zoom", ["zoom_meetings.json"]), ("salesforce", ["Task.csv"])]

# source_id: rep, contact, account, opportunity, contact_rule, account_rule, opportunity_rule
EXPECTED = {
    # Two open Acme deals; Carol has the Decision Maker role on Platform only.
    "m1@northpeak.example": ("ann", "carol", "Acme", "Acme - Platform",
                             "contact.email", "contact.account", "opportunity.open_window.role"),
    # The reply in the thread is linked on its own participants, to the same deal.
    "m2@acme.example": ("ann", "carol", "Acme", "Acme - Platform",
                        "contact.email", "contact.account", "opportunity.open_window.role"),
    # A personal-domain sender: never matched to an account by domain.
    "m3@mail.gmail.com": ("ann", None, None, None, None, None, None),
    # Erin is a contact at Globex and (a newer row) at Initech: the newest contact row wins; Initech has no deal.
    "m4@globex.example": ("bob", "erin", "Initech", None, "contact.email", "contact.account", None),
    # Dan (first matched contact) and Carol both have roles: roles tie, Ann owns Platform and sent the mail.
    "m5@northpeak.example": ("ann", "dan", "Acme", "Acme - Platform",
                             "contact.email", "contact.account", "opportunity.open_window.owner"),
    # A cancelled meeting: a rep only (link_cancelled: false).
    "evt1cancelled": ("ann", None, None, None, None, None, None),
    # An internal-only meeting: a rep only.
    "evt2internal": ("bob", None, None, None, None, None, None),
    # Gina is no contact: Globex by its domain, and its one open deal (the room is not a participant).
    "evt3globex": ("bob", None, "Globex", "Globex - Platform", None, "account.domain", "opportunity.single_open"),
    # Zoom with a guest who has no email: Carol's role picks Platform; the guest stays unmatched.
    "zUuid1==": ("ann", "carol", "Acme", "Acme - Platform",
                 "contact.email", "contact.account", "opportunity.open_window.role"),
    # A Salesforce task on a lead (not converted): the lead on the participant, no contact, account or deal.
    "00T000000000001": ("ann", None, None, None, None, None, None),
    # A task naming its contact and deal: declared links; the account is the contact's.
    "00T000000000002": ("bob", "erin", "Globex", "Globex - Platform", "declared", "contact.account", "declared"),
}

LINKS_SQL = """
select a.source_id, r.name, c.name, acc.name, o.name, a.contact_rule, a.account_rule, a.opportunity_rule
from activities a
left join reps r on r.rep_id = a.rep_id
left join contacts c on c.contact_id = a.contact_id
left join accounts acc on acc.account_id = a.account_id
left join opportunities o on o.opportunity_id = a.opportunity_id
"""
PEOPLE = {"Ann Archer": "ann", "Bob Baker": "bob", "Carol Chen": "carol", "Dan Diaz": "dan", "Erin Evans": "erin"}


def _ingest_world(url: str, crm_first: bool) -> None:
    rules = load_project(Path(__file__).parents[2]).definitions.linking
    crm = [("salesforce", CRM)]
    for source, names in (crm + ACTIVITY_FILES if crm_first else ACTIVITY_FILES + crm):
        list(ingest(url, source, [WORLD / n for n in names], rules=rules))


def _links(url: str) -> dict[str, tuple]:
    return {source_id: (PEOPLE.get(rep), PEOPLE.get(contact), *rest)
            for source_id, rep, contact, *rest in rows(url, LINKS_SQL)}


@pytest.mark.parametrize("crm_first", [True, False], ids=["crm-first", "activities-first"])
def test_every_case_links_as_worked_out_by_hand(new_database: NewDatabase, crm_first: bool) -> None:
    url = new_database()
    _ingest_world(url, crm_first)
    assert _links(url) == EXPECTED


def test_participants_of_the_special_cases(new_database: NewDatabase) -> None:
    url = new_database()
    _ingest_world(url, crm_first=True)
    people = rows(url, """select a.source_id, p.position, p.role, p.email, p.is_internal, p.match_rule,
                                 l.email
                          from activity_participants p join activities a using (activity_id)
                          left join leads l on l.lead_id = p.lead_id
                          where a.source_id in ('zUuid1==', '00T000000000001', 'evt3globex', 'm3@mail.gmail.com')
                          order by a.source_id, p.position""")
    assert people == [
        ("00T000000000001", 0, "callee", None, False, "declared", "frank@hooli.example"),  # the lead, by WhoId
        ("evt3globex", 0, "organizer", "bob@northpeak.example", True, "rep.email", None),
        ("evt3globex", 1, "attendee", "gina@globex.example", False, "account.domain", None),
        ("m3@mail.gmail.com", 0, "from", "zed.personal@gmail.com", False, None, None),
        ("m3@mail.gmail.com", 1, "to", "ann@northpeak.example", True, "rep.email", None),
        ("zUuid1==", 0, "host", "ann@northpeak.example", True, "rep.email", None),
        ("zUuid1==", 1, "participant", "carol@acme.example", False, "contact.email", None),
        ("zUuid1==", 2, "participant", None, False, None, None),  # the guest without an email
    ]
    assert rows(url, "select status, thread_id from activities where source_id = 'm2@acme.example'") == \
        [(None, "18f0000000000001")]  # the reply keeps the thread of the mail it answers
    assert rows(url, "select status from activities where source_id = 'evt1cancelled'") == [("cancelled",)]


def test_either_order_and_a_second_run_give_the_same_ledger(new_database: NewDatabase) -> None:
    first, second = new_database(), new_database()
    _ingest_world(first, crm_first=True)
    _ingest_world(second, crm_first=False)
    _ingest_world(second, crm_first=True)  # everything again: nothing changes
    for table, key in (("activities", "activity_id"), ("activity_participants", "activity_id, position"),
                       ("contacts", "contact_id"), ("opportunities", "opportunity_id")):
        sql = f"select * from {table} order by {key}"
        assert rows(first, sql) == rows(second, sql), table
