"""Amount and close-date changes in the stage history, at the rates a CRM shows.

A stage history that only moves stages hides what a forecast call argues about: deals pushed to a later
close date (often more than once), deals pulled in, amounts cut or grown. Rates per opportunity, chosen
from what pipeline reviews commonly report (a third of deals slip at least once; pull-ins are rarer than
pushes; amounts move on a minority of deals, more often down, a discount or a cut scope, than up):

- push without a stage move: 33% of deals, of which 45% more than once (at most 4 times); 1 to 8 weeks each;
- pull-in without a stage move: 10% of deals, 3 to 30 days earlier;
- amount change without a stage move: 20% of deals (a quarter of them twice), 60% down, by 5% to 35%;
- at a stage move: 8% of moves revise the amount (the priced proposal differs from the first guess) and
  4% push the close date; 20% of closed deals close on another day than the last one expected.

Measured with SQL on the scale-1 demo (seed 42, as_of 2025-06-30), per 100 opportunities: 68 pushes (45
opportunities pushed at least once; 30% of the open ones), 19 pull-ins (18 opportunities), 50 amount
changes (37 opportunities), 3.8 reopens of a closed deal; 84 of 100 history rows move a stage.
A push or pull-in counts a row whose close date is later or earlier than the row before. Changes without a
stage move are rows with from_stage = to_stage; moves of the close date come late in a deal's life, as
the expected day nears. Values are walked backwards from each opportunity's current amount and
close date, so the last row always equals the current row, whatever happened before.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semantic.ledger.demo_common import DAY, Clock
from semantic.ledger.generate_deals import OPEN, Deals
from semantic.ledger.stages import STAGES

P_PUSHED, P_PUSHED_AGAIN, MAX_PUSHES = 0.33, 0.45, 4
P_PULLED = 0.10
P_AMOUNT, P_AMOUNT_TWICE = 0.20, 0.25
P_MOVE_AMOUNT, P_MOVE_PUSH, P_CLOSE_MOVES = 0.08, 0.04, 0.20
PUSH, PULL, AMOUNT = 0, 1, 2
_CLOSED = np.array([s.is_closed for s in STAGES])


@dataclass(frozen=True)
class StageMoves:
    """The stage rows of every opportunity, grouped by opportunity in time order."""

    opp: np.ndarray        # row index into the deals
    to_stage: np.ndarray   # stage index
    changed: np.ndarray    # epoch seconds
    is_first: np.ndarray   # the creation row
    is_close: np.ndarray   # the row that closed a closed deal


@dataclass(frozen=True)
class HistoryRows:
    opp: np.ndarray
    from_stage: np.ndarray  # -1 on the creation row
    to_stage: np.ndarray
    changed: np.ndarray
    amount: np.ndarray      # whole currency units after the change
    close_day: np.ndarray   # days since the epoch: the expected close date after the change


def _amount_steps(rng: np.random.Generator, size: int) -> np.ndarray:
    """Log factors of amount changes: 60% down, 5% to 35% each."""
    return np.where(rng.random(size) < 0.6, -1.0, 1.0) * np.log1p(rng.uniform(0.05, 0.35, size))


def _value_events(rng: np.random.Generator, clock: Clock, deals: Deals) -> tuple[np.ndarray, ...]:
    """(opportunity, time, amount log factor, close-date days) of each change without a stage move."""
    n = deals.outcome.size
    pushes = np.where(rng.random(n) < P_PUSHED, np.minimum(rng.geometric(1 - P_PUSHED_AGAIN, n), MAX_PUSHES), 0)
    pulls = (rng.random(n) < P_PULLED).astype(np.int64)
    amounts = np.where(rng.random(n) < P_AMOUNT, 1 + (rng.random(n) < P_AMOUNT_TWICE), 0)
    deal = np.arange(n)
    opp = np.concatenate([np.repeat(deal, pushes), np.repeat(deal, pulls), np.repeat(deal, amounts)])
    kind = np.repeat([PUSH, PULL, AMOUNT], [pushes.sum(), pulls.sum(), amounts.sum()])
    lo = deals.created + 1
    hi = np.where(deals.outcome == OPEN, clock.end - 1, deals.closed - 1)
    where = np.where(kind == AMOUNT, rng.random(kind.size), rng.beta(2.0, 1.3, kind.size))
    changed = lo[opp] + (where * np.maximum(hi - lo, 0)[opp]).astype(np.int64)
    days = np.select([kind == PUSH, kind == PULL],
                     [rng.integers(7, 57, kind.size), -rng.integers(3, 31, kind.size)], 0)
    log_factor = np.where(kind == AMOUNT, _amount_steps(rng, kind.size), 0.0)
    fits = hi[opp] > lo[opp]
    return opp[fits], changed[fits], log_factor[fits], days[fits]


def with_value_changes(rng: np.random.Generator, clock: Clock, deals: Deals, moves: StageMoves) -> HistoryRows:
    """The stage rows with value-only changes merged in, each row carrying the amount and close date after it."""
    size = moves.opp.size
    move_factor = np.where(~moves.is_first & (rng.random(size) < P_MOVE_AMOUNT), _amount_steps(rng, size), 0.0)
    move_days = np.where(~moves.is_first & ~moves.is_close & (rng.random(size) < P_MOVE_PUSH),
                         rng.integers(7, 57, size), 0)
    close_shift = np.where(rng.random(size) < 0.5, -1, 1) * rng.integers(1, 22, size)
    move_days = np.where(moves.is_close & (rng.random(size) < P_CLOSE_MOVES), close_shift, move_days)
    event_opp, event_at, event_factor, event_days = _value_events(rng, clock, deals)

    key = lambda o, t: o.astype(np.int64) * (1 << 34) + t  # noqa: E731 - one opportunity's instant
    event_key = key(event_opp, event_at)
    _, first_seen = np.unique(event_key, return_index=True)
    keep = np.zeros(event_key.size, bool)
    keep[first_seen] = True
    keep &= ~np.isin(event_key, key(moves.opp, moves.changed))  # changed_at stays unique per opportunity

    opp = np.concatenate([moves.opp, event_opp[keep]])
    changed = np.concatenate([moves.changed, event_at[keep]])
    stage = np.concatenate([moves.to_stage, np.full(keep.sum(), -1)])
    factor = np.concatenate([move_factor, event_factor[keep]])
    days = np.concatenate([move_days, event_days[keep]])
    order = np.lexsort((changed, opp))
    to_stage = stage[order][np.maximum.accumulate(np.where(stage[order] >= 0, np.arange(stage.size), 0))]
    order = order[(stage[order] >= 0) | ~_CLOSED[to_stage]]  # a lost deal before its reopening is not worked
    opp, changed, stage, factor, days = opp[order], changed[order], stage[order], factor[order], days[order]
    to_stage = stage[np.maximum.accumulate(np.where(stage >= 0, np.arange(stage.size), 0))]  # stage so far

    # Walk back from the current values: a row's value is the current one undone by every later change.
    factor_after = _sum_after(opp, factor)
    days_after = _sum_after(opp, days)
    amount = np.maximum(np.round(deals.amount[opp] * np.exp(-factor_after), -2), 1000).astype(np.int64)
    close_day = np.maximum(deals.close_date[opp] // DAY - days_after, deals.created[opp] // DAY)

    first = np.r_[True, opp[1:] != opp[:-1]]
    same = ~first & (stage < 0) & (amount == np.roll(amount, 1)) & (close_day == np.roll(close_day, 1))
    live = ~same  # rounding or the creation-day floor left nothing changed: no row
    opp, changed, to_stage, amount, close_day, first = (a[live] for a in (opp, changed, to_stage, amount,
                                                                         close_day, first))
    from_stage = np.where(first, -1, np.roll(to_stage, 1))
    return HistoryRows(opp, from_stage, to_stage, changed, amount, close_day)


def _sum_after(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per row, the sum of `values` over the later rows of the same group (rows sorted by group)."""
    running = np.cumsum(values)
    last = np.r_[group[1:] != group[:-1], True]
    group_total = running[last][np.cumsum(np.r_[0, last[:-1]])]
    return group_total - running
