"""Who takes part in each demo activity, so every sample export names the same people the same way.

The demo ledger says which rep, contact and account an activity belongs to; an export needs people with
emails. The rep is the demo's rep (internal domain). The other side is, in order: the activity's contact; a
contact of its account (picked by the activity id), or a lead at the account's domain; for a meeting the
demo cannot place, a colleague (an internal-only meeting); for other unplaceable activities, a lead by email
(every other one) or someone writing from a personal mailbox that no account owns. A few oddities are drawn deterministically from the activity id (see `personal_sender`). All
names are the demo's synthetic ones; nothing here is random, so the same ledger gives the same files.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

PERSONAL_DOMAIN = "gmail.com"  # a consumer mail domain: linking never maps it to an account


@dataclass(frozen=True, slots=True)
class Person:
    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Activity:
    """One demo activity with the people an export shows on it."""
    activity_id: int
    activity_type: str
    occurred_at: datetime
    inbound: bool
    duration_seconds: int
    subject: str
    rep: Person
    rep_region: str
    other: Person          # the customer side, or a colleague on an internal-only activity
    internal_only: bool
    contact_id: int | None
    account_id: int | None
    opportunity_id: int | None


class Cast:
    def __init__(self, tables: dict[str, pa.Table]) -> None:
        self.reps = {r["rep_id"]: r for r in tables["reps"].select(["rep_id", "name", "email", "region"]).to_pylist()}
        self.rep_ids = sorted(self.reps)
        self.accounts = {a["account_id"]: a["domain"] for a in tables["accounts"].select(["account_id", "domain"])
                         .to_pylist()}
        self.contacts = {c["contact_id"]: c for c in tables["contacts"].select(["contact_id", "account_id", "name",
                                                                               "email"]).to_pylist()}
        self.by_account: dict[int, list[int]] = {}
        for contact in self.contacts.values():
            self.by_account.setdefault(contact["account_id"], []).append(contact["contact_id"])
        self.leads = [lead["email"] for lead in tables["leads"].select(["email"]).to_pylist() if lead["email"]]
        self.leads_by_domain: dict[str, list[str]] = {}
        for email in self.leads:
            self.leads_by_domain.setdefault(email.split("@", 1)[1], []).append(email)

    def activities(self, table: pa.Table, source_system: str) -> Iterator[Activity]:
        """The demo's activities of one source system, in time order, with their people."""
        rows = table.filter(pc.equal(table["source_system"], source_system))
        for row in rows.to_pylist():
            yield self._activity(row)

    def _activity(self, row: dict) -> Activity:
        rep = self.reps[row["rep_id"]]
        other, internal = self._other_side(row)
        return Activity(
            activity_id=row["activity_id"], activity_type=row["activity_type"], occurred_at=row["occurred_at"],
            inbound=row["direction"] == "inbound", duration_seconds=row["duration_seconds"] or 0,
            subject=row["subject"], rep=Person(rep["name"], rep["email"]), rep_region=rep["region"], other=other,
            internal_only=internal, contact_id=row["contact_id"],
            account_id=row["account_id"], opportunity_id=row["opportunity_id"],
        )

    def _other_side(self, row: dict) -> tuple[Person, bool]:
        activity_id = row["activity_id"]
        contact_id = row["contact_id"]
        if contact_id is None and row["account_id"] is not None:
            in_account = self.by_account.get(row["account_id"], [])
            contact_id = in_account[activity_id % len(in_account)] if in_account else None
            if contact_id is None:
                at_domain = self.leads_by_domain.get(self.accounts[row["account_id"]], [])
                if at_domain:
                    return Person(None, at_domain[activity_id % len(at_domain)]), False
        if contact_id is not None:
            contact = self.contacts[contact_id]
            if personal_sender(activity_id):
                return Person(contact["name"], personal_address(contact["name"], activity_id)), False
            return Person(contact["name"], contact["email"]), False
        if row["activity_type"] == "meeting":  # nobody outside: a meeting among colleagues
            colleague = self.reps[self.rep_ids[(self.rep_ids.index(row["rep_id"]) + 1) % len(self.rep_ids)]]
            return Person(colleague["name"], colleague["email"]), True
        if activity_id % 2 == 0 and self.leads:
            return Person(None, self.leads[activity_id % len(self.leads)]), False
        return Person(None, personal_address("Pat Doe", activity_id)), False


def personal_sender(activity_id: int) -> bool:
    """One in 25 contacts writes or joins from a personal mailbox: the layer must not place it by domain."""
    return activity_id % 25 == 7


def personal_address(name: str, activity_id: int) -> str:
    return f"{name.lower().replace(' ', '.')}.{activity_id % 97}@{PERSONAL_DOMAIN}"
