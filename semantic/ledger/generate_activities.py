"""Emails, calls and meetings as the capture tools see them: plenty, and only partly linked.

Most activity happens around deals (denser for bigger accounts, rising towards a win, fading for deals
that are lost or go dark); the rest is prospecting on accounts and mail nobody can place. Capture is
incomplete on purpose: a Gmail/Zoom/Truly record knows the account from an email domain at best, and
only some activity is tied to the right opportunity (about 30% overall), as the product brief describes.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from semantic.ledger.demo_common import DAY, Clock, Streams, business_time, count, ids, labels, part_sizes, pick, ts
from semantic.ledger.generate_deals import LOST, OPEN, WON, Deals
from semantic.ledger.generate_org import Accounts, Reps
from semantic.ledger.generate_people import Contacts

TYPES = ("email", "call", "meeting")
SOURCES = ("gmail", "truly", "zoom", "crm")  # the native tool of each type, in TYPES order, then the CRM
DIRECTIONS = ("inbound", "outbound")
SUBJECTS = (("Following up", "Re: pricing question", "Intro", "Proposal attached", "Next steps",
             "Contract redlines", "Checking in"),
            ("Discovery call", "Follow-up call", "Left voicemail", "Pricing call", "Reference call"),
            ("Demo", "Kickoff", "Technical deep dive", "Quarterly business review", "Negotiation meeting"))
_SUBJECT_OFFSET = np.cumsum([0] + [len(s) for s in SUBJECTS])
_FLAT_SUBJECTS = tuple(s for group in SUBJECTS for s in group)


def _deal_windows(rng: np.random.Generator, clock: Clock, deals: Deals) -> tuple[np.ndarray, np.ndarray]:
    """When each deal is worked: until it closes, or until it goes quiet for a quarter of open deals."""
    dark = (deals.outcome == OPEN) & ((rng.random(deals.outcome.size) < 0.25) | (deals.progress > 1))
    quiet = deals.created + ((clock.end - 1 - deals.created) * rng.uniform(0.2, 0.7, deals.outcome.size))
    end = np.where(deals.outcome == OPEN, np.where(dark, quiet.astype(np.int64), clock.end - 1), deals.closed)
    return deals.created, np.maximum(end, deals.created + 3600)


def activity_count(scale: float) -> int:
    return count(50_000, scale, 500)


def activity_parts(streams: Streams, clock: Clock, scale: float, reps: Reps, accounts: Accounts,
                   account_created: np.ndarray, contacts: Contacts, deals: Deals) -> Iterator[pa.Table]:
    """The activities in parts of at most PART_ROWS rows, each drawn only when the previous one is consumed.

    The first part is drawn from the `activities` stream exactly as a ledger of one part always was (so
    scales up to PART_ROWS / 50,000 give the same rows as before parts existed); each later part has its
    own stream and reuses the first part's deal windows, so memory holds one part whatever the scale.
    Ids run on across parts; each part is in time order, the table as a whole only up to PART_ROWS rows.
    """
    deal_weight: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    first_id = 1
    for k, n in enumerate(part_sizes(activity_count(scale))):
        rng = streams.part("activities", k)
        kind = rng.choice(3, n, p=[0.62, 0.23, 0.15])  # around a deal, on an account, unplaceable
        if deal_weight is None:
            start, end = _deal_windows(rng, clock, deals)
            segment = accounts.segment[deals.account]
            weight = (end - start) / DAY * np.array([1.0, 1.5, 2.5])[segment]
            weight = weight * np.select([deals.outcome == WON, deals.outcome == LOST], [1.3, 0.7], 1.2)
            deal_weight = start, end, weight / weight.sum()
        yield _part(rng, kind, deal_weight, first_id, clock, reps, accounts, account_created, contacts, deals)
        first_id += n


def _part(rng: np.random.Generator, kind: np.ndarray, deal_weight: tuple[np.ndarray, np.ndarray, np.ndarray],
          first_id: int, clock: Clock, reps: Reps, accounts: Accounts, account_created: np.ndarray,
          contacts: Contacts, deals: Deals) -> pa.Table:
    n = kind.size
    on_deal, on_account = kind == 0, kind == 1
    start, end, p_deal = deal_weight
    deal = rng.choice(deals.outcome.size, n, p=p_deal)
    outcome = deals.outcome[deal]
    shape = np.select([outcome == WON, outcome == LOST], [rng.beta(1.6, 1.0, n), rng.beta(1.0, 1.8, n)],
                      rng.beta(1.4, 1.0, n))
    deal_time = start[deal] + (shape * (end[deal] - start[deal])).astype(np.int64)
    deal_time = np.clip(business_time(rng, deal_time), start[deal], end[deal])

    weight = np.array([1.0, 2.0, 4.0])[accounts.segment]
    account = np.where(on_deal, deals.account[deal], rng.choice(weight.size, n, p=weight / weight.sum()))
    since = np.maximum(account_created[account], clock.start)
    account_time = since + (rng.random(n) * (clock.end - since)).astype(np.int64)
    account_time = np.clip(business_time(rng, account_time), since, clock.end - 1)
    loose_time = np.clip(business_time(rng, rng.integers(clock.start, clock.end, n)), clock.start, clock.end - 1)
    occurred = np.select([on_deal, on_account], [deal_time, account_time], loose_time)

    act_type = pick(rng, TYPES, n, [0.55, 0.25, 0.20])
    via_crm = rng.random(n) < np.array([0.25, 0.35, 0.30])[act_type]
    source = np.where(via_crm, 3, act_type)
    opp_linked = on_deal & (rng.random(n) < np.where(via_crm, 0.75, 0.38))
    account_linked = opp_linked | ((on_deal | on_account) & (rng.random(n) < np.where(via_crm, 0.95, 0.85)))
    has_contact = contacts.per_account[account] > 0
    contact_linked = account_linked & has_contact & (rng.random(n) < 0.8)
    contact_row = contacts.first_row[account] + (rng.random(n) * contacts.per_account[account]).astype(np.int64)

    others = np.flatnonzero(reps.role != 0)
    helper = others[rng.integers(0, others.size, n)]
    primary = np.select([on_deal, on_account], [deals.owner[deal], accounts.owner[account]], helper)
    rep = np.where(rng.random(n) < 0.8, primary, helper)

    inbound = rng.random(n) < np.array([0.4, 0.2, 0.15])[act_type]
    call_seconds = np.where(rng.random(n) < 0.3, rng.integers(15, 60, n), rng.lognormal(np.log(360), 0.6, n))
    meeting_seconds = rng.choice([1800, 2700, 3600], n) * rng.uniform(0.8, 1.1, n)
    duration = np.select([act_type == 1, act_type == 2], [call_seconds, meeting_seconds], 0).astype(np.int64)
    subject = _SUBJECT_OFFSET[act_type] + (rng.random(n) * np.diff(_SUBJECT_OFFSET)[act_type]).astype(np.int64)

    order = np.argsort(occurred, kind="stable")
    return pa.table({
        "activity_id": ids(np.arange(first_id, first_id + n)),
        "source_system": labels(SOURCES, source[order]),
        "activity_type": labels(TYPES, act_type[order]),
        "direction": labels(DIRECTIONS, np.where(inbound, 0, 1)[order]),
        "occurred_at": ts(occurred[order]),
        "rep_id": ids(rep[order] + 1),
        "contact_id": ids(contact_row[order] + 1, contact_linked[order]),
        "account_id": ids(account[order] + 1, account_linked[order]),
        "opportunity_id": ids(deal[order] + 1, opp_linked[order]),
        "duration_seconds": pa.array(duration[order], pa.int32()),
        "subject": labels(_FLAT_SUBJECTS, subject[order]),
        # Generated links stand for what capture tools recorded; the rule says so (ingest links by rules).
        "source_id": pa.array(np.char.mod("demo-%d", np.arange(first_id, first_id + n))),
        "status": pa.nulls(n, pa.string()),
        "thread_id": pa.nulls(n, pa.string()),
        "declared_account_id": pa.nulls(n, pa.int64()),
        "declared_opportunity_id": pa.nulls(n, pa.int64()),
        "declared_rep_id": pa.nulls(n, pa.int64()),
        "contact_rule": labels(("generated",), np.zeros(n, np.int64), contact_linked[order]),
        "account_rule": labels(("generated",), np.zeros(n, np.int64), account_linked[order]),
        "opportunity_rule": labels(("generated",), np.zeros(n, np.int64), opp_linked[order]),
    })
