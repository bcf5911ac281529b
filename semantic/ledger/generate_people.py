"""Contacts at accounts and the marketing funnel of leads.

Funnel shares follow common B2B benchmarks: about 35% of leads become MQLs (likelier with a higher
score), about 40% of MQLs become SQLs and about half of SQLs convert to a contact. Stages that would
fall after as_of simply have not happened yet.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from semantic.ledger.demo_common import (DAY, HISTORY_DAYS, Clock, Streams, count, ids, labels, part_sizes,
                                         people_names, pick, ts)
from semantic.ledger.generate_deals import LEAD_SOURCES
from semantic.ledger.generate_org import Accounts

TITLES = ("VP Sales", "CFO", "Head of RevOps", "Sales Manager", "Data Analyst", "CTO", "Marketing Director",
          "Account Executive", "Operations Lead", "CEO")
LEAD_STATUSES = ("new", "working", "nurturing", "disqualified", "converted", "duplicate")


@dataclass
class Contacts:
    account: np.ndarray        # row index into accounts (contacts are sorted by account)
    first_row: np.ndarray      # per account: first contact row, with per_account[a] rows from there
    per_account: np.ndarray
    table: pa.Table


def make_contacts(rng: np.random.Generator, clock: Clock, scale: float, accounts: Accounts,
                  account_created: np.ndarray) -> Contacts:
    """Bigger accounts have more contacts; each is created some time after its account."""
    n = count(4000, scale, 60)
    weight = np.array([1.0, 2.0, 4.0])[accounts.segment]
    account = np.sort(rng.choice(weight.size, n, p=weight / weight.sum()))
    per_account = np.bincount(account, minlength=weight.size)
    first_row = np.concatenate([[0], np.cumsum(per_account)[:-1]])
    room = np.maximum(clock.end - DAY - account_created[account], DAY)
    created = account_created[account] + (room * rng.random(n) ** 2).astype(np.int64)
    name, handle = people_names(rng, n)
    email = pc.binary_join_element_wise(handle, accounts.domain.take(pa.array(account)), "@")
    table = pa.table({
        "contact_id": ids(np.arange(1, n + 1)), "account_id": ids(account + 1), "name": name, "email": email,
        "title": labels(TITLES, pick(rng, TITLES, n)), "created_at": ts(created),
    })
    return Contacts(account=account, first_row=first_row, per_account=per_account, table=table)


def lead_count(scale: float) -> int:
    return count(10_000, scale, 100)


def lead_parts(streams: Streams, clock: Clock, scale: float, accounts: Accounts,
               contacts: Contacts) -> Iterator[pa.Table]:
    """The leads in parts of at most PART_ROWS rows, drawn as they are consumed (as the activities are:
    the first part from the `leads` stream as a one-part table always was, later parts from their own)."""
    first_id = 1
    for k, n in enumerate(part_sizes(lead_count(scale))):
        yield _leads(streams.part("leads", k), clock, n, first_id, accounts, contacts)
        first_id += n


def _leads(rng: np.random.Generator, clock: Clock, n: int, first_id: int, accounts: Accounts,
           contacts: Contacts) -> pa.Table:
    day = np.sort(rng.choice(HISTORY_DAYS, n, p=_growth(HISTORY_DAYS)))
    created = clock.start + day * DAY + rng.integers(0, DAY, n)
    score = np.clip(np.round(rng.beta(2, 2, n) * 100), 0, 100).astype(np.int64)
    mql_at = created + rng.exponential(5 * DAY, n).astype(np.int64) + 3600
    mql = (rng.random(n) < score / 100 * 0.7) & (mql_at < clock.end)
    sql_at = mql_at + rng.exponential(7 * DAY, n).astype(np.int64) + 3600
    sql = mql & (rng.random(n) < 0.4) & (sql_at < clock.end)
    converted_at = sql_at + rng.exponential(10 * DAY, n).astype(np.int64) + 3600
    converted = sql & (rng.random(n) < 0.5) & (converted_at < clock.end)

    age = clock.end - created
    status = np.where(age < 14 * DAY, 0, np.where(rng.random(n) < 0.5, 1, 2))
    status = np.where(mql & ~sql & (rng.random(n) < 0.25), 3, status)          # sales rejected the MQL
    status = np.where(~mql & (rng.random(n) < 0.12), 3, status)
    status = np.where(~mql & (rng.random(n) < 0.04), 5, status)                # duplicates never qualify
    status = np.where(sql, 1, status)                                           # SQLs are being worked
    status = np.where(sql & ~converted & (rng.random(n) < 0.3), 3, status)
    status = np.where(converted, 4, status)

    company = rng.integers(0, accounts.segment.size, n)
    _, handle = people_names(rng, n)
    email = pc.binary_join_element_wise(handle, accounts.domain.take(pa.array(company)), "@")
    # A converted lead becomes a contact at its company; if the company has no contacts it stays unlinked.
    has_contacts = contacts.per_account[company] > 0
    pick_row = contacts.first_row[company] + (rng.random(n) * np.maximum(contacts.per_account[company], 1))
    contact_row = pick_row.astype(np.int64)
    return pa.table({
        "lead_id": ids(np.arange(first_id, first_id + n)), "email": email, "company": accounts.name.take(pa.array(company)),
        "source": labels(LEAD_SOURCES, pick(rng, LEAD_SOURCES, n, [0.4, 0.25, 0.1, 0.15, 0.1])),
        "status": labels(LEAD_STATUSES, status), "score": pa.array(score, pa.int32()),
        "created_at": ts(created), "mql_at": ts(mql_at, mql), "sql_at": ts(sql_at, sql),
        "converted_at": ts(converted_at, converted), "contact_id": ids(contact_row + 1, converted & has_contacts),
    })


CONTACT_ROLES = ("Decision Maker", "Economic Buyer", "Evaluator", "Influencer")


def make_contact_roles(rng: np.random.Generator, contacts: Contacts, deal_account: np.ndarray) -> pa.Table:
    """Up to three contacts of each deal's account play a role on it; the first one listed is primary."""
    per_deal = np.minimum(rng.integers(1, 4, deal_account.size), contacts.per_account[deal_account])
    deal = np.repeat(np.arange(deal_account.size), per_deal)
    nth = np.arange(deal.size) - np.repeat(np.cumsum(per_deal) - per_deal, per_deal)
    available = np.maximum(contacts.per_account[deal_account], 1)
    start = rng.integers(0, available)[deal]  # consecutive contacts from a random one per deal: no repeats
    contact_row = contacts.first_row[deal_account[deal]] + (start + nth) % available[deal]
    return pa.table({
        "opportunity_id": ids(deal + 1), "contact_id": ids(contact_row + 1),
        "role": labels(CONTACT_ROLES, np.where(nth == 0, 0, rng.integers(1, len(CONTACT_ROLES), deal.size))),
        "is_primary": pa.array(nth == 0),
    })


def _growth(days: int) -> np.ndarray:
    weight = 1 + 0.6 * np.arange(days) / days
    return weight / weight.sum()
