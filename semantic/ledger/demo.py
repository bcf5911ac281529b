"""The deterministic demo ledger: a small B2B software company's last three years of revenue data.

`generate_parts` only computes Arrow tables (no database), the big ones in parts so that scale 100 (5M
activities) fits in a bounded memory; `semantic.ledger.load` and `semantic.ledger.parquet` write them as
they come. Every table is drawn with numpy vector operations from its own random stream derived from
(seed, as_of), so the same pair always yields identical tables and scale 100 stays a matter of seconds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from semantic.ledger.demo_common import Clock, Streams, dates, empty_table, ids, labels, money, ts
from semantic.ledger.generate_activities import activity_count, activity_parts
from semantic.ledger.generate_deals import COMPETITORS, LEAD_SOURCES, LOSS_REASONS, OPEN, PRODUCTS, TYPES, Deals, make_deals
from semantic.ledger.generate_history import make_history
from semantic.ledger.generate_org import accounts_table, make_accounts, make_reps
from semantic.ledger.generate_people import lead_count, lead_parts, make_contact_roles, make_contacts
from semantic.ledger.generate_quotas import make_quotas
from semantic.ledger.schema import metadata
from semantic.ledger.stages import STAGES

_TYPE_LABELS = ("", " (expansion)", " (renewal)")


@dataclass(frozen=True)
class Part:
    """Rows of one ledger table; `table_rows` is the whole table's count, known before its rows are drawn."""

    table: str
    rows: pa.Table
    table_rows: int


def generate_parts(scale: float = 1.0, seed: int = 42, as_of: date | None = None) -> Iterator[Part]:
    """Every ledger table in load order (parents before children), the big ones in parts drawn lazily.

    Reps, accounts, contacts, deals and their stage history come whole (a few rows per deal); leads and
    activities (5 and 25 per deal) come in parts of PART_ROWS rows, drawn only when the previous part has
    been consumed, so a writer that streams them holds one part at a time whatever the scale.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    clock = Clock(as_of or date.today())
    rng = Streams(seed, clock.as_of)
    reps = make_reps(rng("reps"), clock, scale)
    accounts = make_accounts(rng("accounts"), scale, reps)
    deals = make_deals(rng("opportunities"), clock, scale, accounts, reps)
    first_deal = np.full(accounts.segment.size, np.iinfo(np.int64).max)
    np.minimum.at(first_deal, deals.account, deals.created)
    first_deal = np.where(first_deal == np.iinfo(np.int64).max, -1, first_deal)
    account_rows, account_created = accounts_table(rng("account_dates"), clock, accounts, first_deal)
    contacts = make_contacts(rng("contacts"), clock, scale, accounts, account_created)
    history, current_stage = make_history(rng("stage_history"), rng("history_changes"), clock, deals, reps)
    tables: dict[str, Callable[[], Iterator[pa.Table]] | pa.Table] = {
        "reps": reps.table,
        "accounts": account_rows,
        "contacts": contacts.table,
        "leads": lambda: lead_parts(rng, clock, scale, accounts, contacts),
        "opportunities": _opportunities(deals, current_stage, accounts.name),
        "opportunity_stage_history": history,
        "activities": lambda: activity_parts(rng, clock, scale, reps, accounts, account_created, contacts, deals),
        "activity_participants": empty_table("activity_participants"),  # only ingest lists participants
        "opportunity_contact_roles": make_contact_roles(rng("contact_roles"), contacts, deals.account),
        "quotas": make_quotas(clock, reps),
    }
    del history  # the dict holds it until it is handed on, and no longer
    counts = {"leads": lead_count(scale), "activities": activity_count(scale)}
    for name in metadata.tables:
        columns = [c.name for c in metadata.tables[name].columns]
        source = tables.pop(name)
        if isinstance(source, pa.Table):
            yield Part(name, source.select(columns), source.num_rows)
            continue
        for rows in source():
            yield Part(name, rows.select(columns), counts.get(name, rows.num_rows))


def generate(scale: float = 1.0, seed: int = 42, as_of: date | None = None) -> dict[str, pa.Table]:
    """All ledger tables, keyed by table name, in load order (parents before children), whole in memory."""
    parts: dict[str, list[pa.Table]] = {}
    for part in generate_parts(scale, seed, as_of):
        parts.setdefault(part.table, []).append(part.rows)
    return {name: rows[0] if len(rows) == 1 else pa.concat_tables(rows) for name, rows in parts.items()}


def _opportunities(deals: Deals, stage: np.ndarray, account_names: pa.Array) -> pa.Table:
    closed = deals.outcome != OPEN
    product = labels(PRODUCTS, deals.product)
    name = pc.binary_join_element_wise(account_names.take(pa.array(deals.account)), product, " - ")
    name = pc.binary_join_element_wise(name, labels(_TYPE_LABELS, deals.type), "")
    return pa.table({
        "opportunity_id": ids(np.arange(1, stage.size + 1)),
        "account_id": ids(deals.account + 1),
        "owner_rep_id": ids(deals.owner + 1),
        "name": name,
        "type": labels(TYPES, deals.type),
        "product": product,
        "amount": money(deals.amount),
        "stage": labels(tuple(s.name for s in STAGES), stage),
        "forecast_category": labels(tuple(s.forecast_category for s in STAGES), stage),
        "created_at": ts(deals.created),
        "close_date": dates(deals.close_date),
        "closed_at": ts(deals.closed, closed),
        "is_closed": pa.array(np.array([s.is_closed for s in STAGES])[stage]),
        "is_won": pa.array(np.array([s.is_won for s in STAGES])[stage]),
        "loss_reason": labels(LOSS_REASONS, np.maximum(deals.loss_reason, 0), deals.loss_reason >= 0),
        "competitor": labels(COMPETITORS, np.maximum(deals.competitor, 0), deals.competitor >= 0),
        "lead_source": labels(LEAD_SOURCES, deals.lead_source),
    })
