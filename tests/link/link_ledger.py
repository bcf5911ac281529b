"""A hand-made ledger for linking, with the links every activity should get written down by hand.

Internal domain northpeak.example. Every activity happens on 2024-04-01 10:00; window +-14 days.

reps       1 Ann ann@   2 Bob bob@   3 Cat cat@   (all @northpeak.example)
accounts   10 Acme 'www.Acme.com'   20 Globex 'globex.com'   30 Initech 'initech.com'
           40 Freemail 'gmail.com' (a personal domain: never matched by domain)
contacts   100 carol@acme.com (10)   101 dave@acme.com (10)
           102 erin@globex.com (20, created 2024-01-01)   103 erin@globex.com (30, created 2024-03-01)
           104 frank@gmail.com (20)   105 m.b@initech.com (30, lead 501 converted to it)
leads      500 lena@newco.io (open)   501 mike@initech.com (converted to contact 105)
deals      1001 Acme, owner Ann, open, close 2024-06-30 (carol has a contact role on it)
           1002 Acme, owner Bob, open, close 2024-05-15
           1003 Acme, owner Ann, closed 2024-01-10 (closed before the window: never a candidate)
           2001 Globex, owner Bob, open   3001 Initech, owner Ann, open
           3002 Initech, created 2024-04-20 (after the window: never a candidate)

Under the base rules (tie_break contact_role, owner; max_deals 1) two open Acme deals compete: carol's role
picks 1001, Bob taking part picks his 1002, Cat (owner of neither) with dave leaves them tied: ambiguous.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from semantic.definitions.linking_models import Linking, OpportunityLinking
from semantic.ledger.schema import activities

AT = datetime(2024, 4, 1, 10, 0)
D = date.fromisoformat
T = datetime.fromisoformat
BASE_RULES = Linking(internal_domains=("northpeak.example",),
                     opportunity=OpportunityLinking(tie_break=("contact_role", "owner"), max_deals=1))


def _deal(opportunity_id: int, account_id: int, owner: int, created: str, close: str, closed_at: str | None = None,
          ) -> dict[str, Any]:
    return dict(opportunity_id=opportunity_id, account_id=account_id, owner_rep_id=owner, name=f"deal {opportunity_id}",
                stage="closed_lost" if closed_at else "discovery", created_at=T(created), close_date=D(close),
                closed_at=T(closed_at) if closed_at else None, is_closed=closed_at is not None, is_won=False)


def _activity(activity_id: int, kind: str = "email", **extra: Any) -> dict[str, Any]:
    row = dict.fromkeys(activities.columns.keys())  # every column, so the rows insert as one batch
    return {**row, **dict(activity_id=activity_id, source_system=extra.pop("source_system", "gmail"),
                          activity_type=kind, occurred_at=AT, source_id=f"src-{activity_id}"), **extra}


def _people(activity_id: int, *people: tuple) -> list[dict[str, Any]]:
    """(role, email[, declared_contact_id, declared_lead_id]) per participant, in position order."""
    rows = []
    for position, (role, email, *declared) in enumerate(people):
        contact, lead = (declared + [None, None])[:2]
        rows.append(dict(activity_id=activity_id, position=position, role=role, email=email,
                         declared_contact_id=contact, declared_lead_id=lead))
    return rows


ANN, BOB, CAT = "ann@northpeak.example", "bob@northpeak.example", "cat@northpeak.example"

ROWS: dict[str, list[dict[str, Any]]] = {
    "reps": [dict(rep_id=i, name=n, email=e, role="ae") for i, n, e in ((1, "Ann", ANN), (2, "Bob", BOB),
                                                                        (3, "Cat", CAT))],
    "accounts": [dict(account_id=i, name=n, domain=d) for i, n, d in (
        (10, "Acme", "www.Acme.com"), (20, "Globex", "globex.com"), (30, "Initech", "initech.com"),
        (40, "Freemail", "gmail.com"))],
    "contacts": [dict(contact_id=i, account_id=a, email=e, created_at=T(c)) for i, a, e, c in (
        (100, 10, "carol@acme.com", "2023-06-01"), (101, 10, "dave@acme.com", "2023-06-01"),
        (102, 20, "erin@globex.com", "2024-01-01"), (103, 30, "erin@globex.com", "2024-03-01"),
        (104, 20, "frank@gmail.com", "2023-06-01"), (105, 30, "m.b@initech.com", "2023-06-01"))],
    "leads": [dict(lead_id=500, email="lena@newco.io", status="open", created_at=T("2024-02-01"),
                   converted_at=None, contact_id=None),
              dict(lead_id=501, email="mike@initech.com", status="converted", created_at=T("2023-05-01"),
                   converted_at=T("2023-06-01"), contact_id=105)],
    "opportunities": [_deal(1001, 10, 1, "2024-01-01", "2024-06-30"), _deal(1002, 10, 2, "2024-02-01", "2024-05-15"),
                      _deal(1003, 10, 1, "2023-10-01", "2024-01-10", closed_at="2024-01-10 12:00"),
                      _deal(2001, 20, 2, "2024-01-01", "2024-05-01"), _deal(3001, 30, 1, "2024-01-01", "2024-06-01"),
                      _deal(3002, 30, 1, "2024-04-20", "2024-08-01")],
    "opportunity_contact_roles": [dict(opportunity_id=1001, contact_id=100, role="Decision Maker", is_primary=True)],
    "activities": [
        _activity(1, thread_id="t1"), _activity(2), _activity(3), _activity(4), _activity(5), _activity(6),
        _activity(7, "meeting", source_system="salesforce", declared_account_id=20),
        _activity(8, thread_id="t1"),
        _activity(9, "meeting", source_system="google_calendar", status="cancelled"),
        _activity(10, "meeting", source_system="google_calendar"),
        _activity(11, "meeting", source_system="zoom"),
        _activity(12, "call", source_system="salesforce"),
        _activity(14), _activity(15, "call", source_system="salesforce", declared_account_id=10,
                                 declared_opportunity_id=1002),
        _activity(16), _activity(17),
        _activity(18, source_system="crm", rep_id=2, contact_id=101, account_id=10, opportunity_id=1002,
                  contact_rule="generated", account_rule="generated", opportunity_rule="generated"),
        _activity(19, "call", source_system="salesforce"), _activity(20, "call", source_system="salesforce"),
        _activity(21, "call", source_system="crm", rep_id=3),  # like an unlinked direct-demo activity
        _activity(22, "call", source_system="salesforce", declared_account_id=30),  # no participants
    ],
    "activity_participants": [
        *_people(1, ("from", "carol@acme.com"), ("to", ANN)),
        *_people(2, ("from", BOB), ("to", "dave@acme.com")),
        *_people(3, ("from", CAT), ("to", "dave@acme.com")),
        *_people(4, ("from", "frank@gmail.com"), ("to", ANN)),
        *_people(5, ("from", "stranger@gmail.com"), ("to", ANN)),
        *_people(6, ("from", "erin@globex.com"), ("to", BOB)),
        *_people(7, ("organizer", BOB), ("attendee", "erin@globex.com")),
        *_people(8, ("from", ANN), ("to", "carol@acme.com")),
        *_people(9, ("organizer", ANN), ("attendee", "carol@acme.com")),
        *_people(10, ("organizer", ANN), ("attendee", BOB)),
        *_people(11, ("participant", "dave@acme.com"), ("host", BOB), ("participant", None)),
        *_people(12, ("callee", None, None, 501)),
        *_people(14, ("from", "lena@newco.io"), ("to", CAT)),
        *_people(15, ("caller", ANN), ("callee", "carol@acme.com")),
        *_people(16, ("from", "zed@initech.com"), ("to", CAT)),
        *_people(17, ("from", "yan@acme.com"), ("to", ANN)),
        *_people(19, ("callee", None, 101), ("caller", BOB)),
        *_people(20, ("callee", "carol@acme.com", 999)),
    ],
}

# activity -> (rep, contact, contact_rule, account, account_rule, opportunity, opportunity_rule), by hand
EXPECTED: dict[int, tuple] = {
    1: (1, 100, "contact.email", 10, "contact.account", 1001, "opportunity.open_window.role"),
    2: (2, 101, "contact.email", 10, "contact.account", 1002, "opportunity.open_window.owner"),
    3: (3, 101, "contact.email", 10, "contact.account", None, "opportunity.ambiguous"),
    4: (1, 104, "contact.email", 20, "contact.account", 2001, "opportunity.single_open"),
    5: (1, None, None, None, None, None, None),  # personal domain, no contact: gmail.com's account 40 not used
    6: (2, 103, "contact.email", 30, "contact.account", 3001, "opportunity.single_open"),  # newest contact row
    7: (2, 102, "contact.email", 20, "declared", 2001, "opportunity.single_open"),  # the declared account's erin
    8: (1, 100, "contact.email", 10, "contact.account", 1001, "opportunity.open_window.role"),  # reply in t1
    9: (1, None, None, None, None, None, None),  # cancelled: rep only
    10: (1, None, None, None, None, None, None),  # internal only: the organizer
    11: (2, 101, "contact.email", 10, "contact.account", 1002, "opportunity.open_window.owner"),  # host Bob
    12: (None, None, None, 30, "lead.converted_contact", 3001, "opportunity.single_open"),  # declared lead
    14: (3, None, None, None, None, None, None),  # lead 500 by email, not converted: no account
    15: (1, 100, "contact.email", 10, "declared", 1002, "declared"),
    16: (3, None, None, 30, "account.domain", 3001, "opportunity.single_open"),
    17: (1, None, None, 10, "account.domain", 1001, "opportunity.open_window.owner"),  # www.Acme.com, Ann
    18: (2, 101, "generated", 10, "generated", 1002, "generated"),  # left as generated
    19: (2, 101, "declared", 10, "contact.account", 1002, "opportunity.open_window.owner"),
    20: (None, 100, "contact.email", 10, "contact.account", 1001, "opportunity.open_window.role"),  # 999 unknown
    21: (3, None, None, None, None, None, None),  # nothing to link by: left as it is
    22: (None, None, None, 30, "declared", 3001, "opportunity.single_open"),
}

# (activity, position) -> (is_internal, rep, contact, lead, account, match_rule), by hand
EXPECTED_PARTICIPANTS: dict[tuple[int, int], tuple] = {
    (1, 0): (False, None, 100, None, 10, "contact.email"), (1, 1): (True, 1, None, None, None, "rep.email"),
    (5, 0): (False, None, None, None, None, None),
    (6, 0): (False, None, 103, None, 30, "contact.email"),
    (7, 1): (False, None, 102, None, 20, "contact.email"),
    (9, 1): (False, None, 100, None, 10, "contact.email"),
    (11, 2): (False, None, None, None, None, None),  # the guest without an email
    (12, 0): (False, None, None, 501, 30, "declared"),
    (14, 0): (False, None, None, 500, None, "lead.email"),
    (16, 0): (False, None, None, None, 30, "account.domain"),
    (19, 0): (False, None, 101, None, 10, "declared"),
    (20, 0): (False, None, 100, None, 10, "contact.email"),
}
