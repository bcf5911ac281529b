"""Opportunities before their stage history: who, when, how big, and how it ended.

The realism that the starter metrics exercise lives here: deal size and cycle length grow with the
account segment, creation follows a seasonal curve with growth, wins bunch up at quarter end, and a deal
is an expansion or renewal only if its account had already won a deal before the deal was created.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semantic.ledger.demo_common import DAY, HISTORY_DAYS, Clock, count, pick
from semantic.ledger.generate_org import Accounts, Reps

OPEN, WON, LOST = 0, 1, 2
TYPES = ("new_business", "expansion", "renewal")
PRODUCTS = ("Core Platform", "Analytics", "Integrations", "Premium Support")
LOSS_REASONS = ("price", "competitor", "no_decision", "timing", "product_fit")
COMPETITORS = ("Acme Analytics", "Globex", "Initech", "Umbrella Data")
LEAD_SOURCES = ("inbound", "outbound", "partner", "event", "referral")

_CYCLE_MEDIAN_DAYS = np.array([25.0, 55.0, 110.0])        # SMB, Mid-Market, Enterprise
_AMOUNT_MEDIAN = np.array([12_000.0, 45_000.0, 160_000.0])
_WIN_RATE = np.array([0.32, 0.27, 0.22])
_TYPE_FACTOR = np.array([1.0, 0.45, 0.8])
_PRODUCT_FACTOR = np.array([1.3, 1.0, 0.6, 0.4])
_MONTH_FACTOR = np.array([1.1, 1.05, 1.0, 1.05, 1.0, 0.95, 0.9, 0.8, 1.05, 1.1, 1.0, 0.75])


@dataclass
class Deals:
    account: np.ndarray   # row index into accounts
    owner: np.ndarray     # row index into reps
    created: np.ndarray   # epoch seconds
    closed: np.ndarray    # epoch seconds, -1 when open
    close_date: np.ndarray  # epoch seconds of the expected (or actual) close day
    outcome: np.ndarray   # OPEN, WON or LOST
    progress: np.ndarray  # share of the planned cycle already elapsed at as_of (open deals)
    amount: np.ndarray    # whole currency units
    type: np.ndarray      # index into TYPES
    product: np.ndarray
    loss_reason: np.ndarray  # -1 unless lost
    competitor: np.ndarray   # -1 when none recorded
    lead_source: np.ndarray


def _creation_times(rng: np.random.Generator, clock: Clock, n: int) -> np.ndarray:
    """Days weighted by growth (+50% over the window), month seasonality and quiet weekends."""
    day = np.arange(HISTORY_DAYS)
    epoch_day = clock.start // DAY + day
    month = epoch_day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    weekend = (epoch_day + 3) % 7 >= 5
    weight = (1 + 0.5 * day / HISTORY_DAYS) * _MONTH_FACTOR[month] * np.where(weekend, 0.12, 1.0)
    chosen = np.sort(rng.choice(HISTORY_DAYS, n, p=weight / weight.sum()))
    return clock.start + chosen * DAY + 8 * 3600 + rng.integers(0, 10 * 3600, n)


def _quarter_end_day(seconds: np.ndarray) -> np.ndarray:
    month = (seconds // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    next_quarter = (month // 3 + 1) * 3
    return next_quarter.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1


def make_deals(rng: np.random.Generator, clock: Clock, scale: float, accounts: Accounts, reps: Reps) -> Deals:
    n = count(2000, scale, 40)
    created = _creation_times(rng, clock, n)
    weight = np.array([1.0, 2.0, 4.0])[accounts.segment] * rng.lognormal(0, 0.8, accounts.segment.size)
    account = rng.choice(accounts.segment.size, n, p=weight / weight.sum())
    segment = accounts.segment[account]
    cycle = np.clip(rng.lognormal(np.log(_CYCLE_MEDIAN_DAYS[segment]), 0.5), 4, 540)
    planned = created + (cycle * DAY).astype(np.int64)
    due = planned < clock.end
    slipped = due & (planned >= clock.end - 90 * DAY) & (rng.random(n) < 0.06)  # overdue, still open
    closing = due & ~slipped
    outcome = np.where(closing, np.where(rng.random(n) < _WIN_RATE[segment], WON, LOST), OPEN)

    # Quarter-end push: many deals close in the last days of their quarter, wins more than losses.
    close_day = planned // DAY
    push = rng.random(n) < np.where(outcome == WON, 0.4, 0.2)
    pushed = _quarter_end_day(planned) - rng.integers(0, 8, n)
    ok = push & (pushed * DAY > created + 2 * DAY) & (pushed < clock.end // DAY)
    close_day = np.where(ok, pushed, close_day)
    closed = np.where(outcome != OPEN, close_day * DAY + 9 * 3600 + rng.integers(0, 9 * 3600, n), -1)

    first_win = np.full(accounts.segment.size, np.iinfo(np.int64).max)
    np.minimum.at(first_win, account[outcome == WON], closed[outcome == WON])
    existing = first_win[account] < created
    deal_type = np.where(existing, np.where(rng.random(n) < 0.65, 1, 2), 0)
    # Existing customers win more often; redrawing them cannot move an account's first win (it is earlier).
    again = existing & (outcome != OPEN)
    outcome = np.where(again, np.where(rng.random(n) < np.where(deal_type == 2, 0.75, 0.5), WON, LOST), outcome)

    product = pick(rng, PRODUCTS, n, [0.45, 0.25, 0.18, 0.12])
    raw = rng.lognormal(np.log(_AMOUNT_MEDIAN[segment]), 0.6) * _TYPE_FACTOR[deal_type] * _PRODUCT_FACTOR[product]
    amount = np.maximum(np.round(raw, -2), 1000).astype(np.int64)
    lost = outcome == LOST
    loss_reason = np.where(lost, pick(rng, LOSS_REASONS, n, [0.2, 0.25, 0.3, 0.15, 0.1]), -1)
    competitor = np.where(rng.random(n) < np.array([0.3, 0.45, 0.6])[segment], pick(rng, COMPETITORS, n), -1)
    competitor = np.where(loss_reason == 1, np.abs(competitor) % len(COMPETITORS), competitor)
    aes = reps.ae_rows
    owner = np.where(rng.random(n) < 0.85, accounts.owner[account], aes[rng.integers(0, aes.size, n)])
    progress = (clock.end - created) / (planned - created)
    return Deals(account=account, owner=owner, created=created, closed=closed,
                 close_date=np.where(outcome != OPEN, close_day, planned // DAY) * DAY, outcome=outcome,
                 progress=progress, amount=amount, type=deal_type, product=product, loss_reason=loss_reason,
                 competitor=competitor, lead_source=pick(rng, LEAD_SOURCES, n, [0.35, 0.3, 0.12, 0.1, 0.13]))
