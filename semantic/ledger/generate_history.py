"""The stage history of every opportunity, built as a fixed-width path matrix and flattened.

Each opportunity gets up to ten path slots: the five open stages (with skipped stages left out), a slip
back to the previous stage and the recovery, a loss that was reopened, and the final close. Empty slots
are dropped when flattening, so one vector pass produces every row; the last stage of a path is the
opportunity's current stage by construction. Changes of amount or close date without a stage move are
added between these rows by semantic/ledger/generate_history_changes.py.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from semantic.ledger.demo_common import DAY, Clock, dates, ids, labels, money
from semantic.ledger.generate_deals import LOST, OPEN, WON, Deals
from semantic.ledger.generate_history_changes import StageMoves, with_value_changes
from semantic.ledger.generate_org import Reps
from semantic.ledger.stages import LOST as LOST_STAGE
from semantic.ledger.stages import OPEN_STAGE_COUNT, STAGE_NAMES
from semantic.ledger.stages import WON as WON_STAGE

SLOTS = OPEN_STAGE_COUNT + 5
_BACK, _RECOVER, _FIRST_LOSS, _REOPEN, _FINAL = range(OPEN_STAGE_COUNT, SLOTS)


def _paths(rng: np.random.Generator, deals: Deals) -> np.ndarray:
    """Stage index per (opportunity, slot), -1 for an unused slot."""
    n, top = deals.outcome.size, OPEN_STAGE_COUNT - 1
    jitter = np.rint(rng.normal(0, 0.7, n)).astype(np.int64)
    open_reach = np.clip((np.minimum(deals.progress, 1.0) * OPEN_STAGE_COUNT).astype(np.int64) + jitter, 0, top)
    lost_reach = rng.choice(OPEN_STAGE_COUNT, n, p=[0.25, 0.25, 0.2, 0.2, 0.1])
    reach = np.select([deals.outcome == WON, deals.outcome == LOST],
                      [np.where(rng.random(n) < 0.85, top, top - 1), lost_reach], open_reach)
    first = np.where(rng.random(n) < np.where(deals.type == 0, 0.25, 0.5), 1, 0)
    first = np.minimum(first, reach)

    stage = np.arange(OPEN_STAGE_COUNT)
    inside = (stage >= first[:, None]) & (stage <= reach[:, None])
    skipped = (rng.random((n, OPEN_STAGE_COUNT)) < 0.12) & (stage > first[:, None]) & (stage < reach[:, None])
    forward = inside & ~skipped
    path = np.full((n, SLOTS), -1, dtype=np.int64)
    path[:, :OPEN_STAGE_COUNT] = np.where(forward, stage, -1)

    previous = np.where(forward & (stage < reach[:, None]), stage, -1).max(axis=1)
    slip = (previous >= 0) & (rng.random(n) < 0.10)
    path[:, _BACK] = np.where(slip, previous, -1)
    stays_back = (deals.outcome == OPEN) & (rng.random(n) < 0.4)
    path[:, _RECOVER] = np.where(slip & ~stays_back, reach, -1)
    final = np.select([deals.outcome == WON, deals.outcome == LOST], [WON_STAGE, LOST_STAGE], -1)
    reopened = (deals.outcome != OPEN) & (rng.random(n) < 0.04)
    path[:, _FIRST_LOSS] = np.where(reopened, LOST_STAGE, -1)
    path[:, _REOPEN] = np.where(reopened, reach, -1)
    path[:, _FINAL] = final
    return path


def make_history(rng: np.random.Generator, changes_rng: np.random.Generator, clock: Clock, deals: Deals,
                 reps: Reps) -> tuple[pa.Table, np.ndarray]:
    """History rows and each opportunity's current stage (the last stage of its path).

    `rng` draws the stage paths and their times; `changes_rng` the changes without a stage move and every
    amount and close date (semantic/ledger/generate_history_changes.py), so adding kinds of change never
    moves a stage path.
    """
    path = _paths(rng, deals)
    used = path >= 0
    per_opp = used.sum(axis=1)
    opp = np.repeat(np.arange(path.shape[0]), per_opp)
    to_stage = path[used]
    group_start = np.concatenate([[0], np.cumsum(per_opp)[:-1]])
    rank = np.arange(to_stage.size) - group_start[opp]
    is_first = rank == 0
    is_last = rank == per_opp[opp] - 1

    # Change times: random increasing fractions of each opportunity's active window, one second apart at
    # least; the first change is the creation, the last change of a closed deal is its close.
    is_open = deals.outcome == OPEN
    quiet_from = deals.created + ((clock.end - 1 - deals.created) * rng.uniform(0.3, 1.0, is_open.size))
    window_end = np.where(is_open, quiet_from.astype(np.int64), deals.closed)
    gap = np.where(is_first, 0.0, rng.exponential(1.0, to_stage.size))
    running = np.cumsum(gap)
    within = running - running[group_start][opp]
    total = within[group_start + per_opp - 1] + np.where(is_open, rng.exponential(1.0, is_open.size), 0.0)
    frac = np.divide(within, total[opp], out=np.zeros_like(within), where=total[opp] > 0)
    span = np.maximum(window_end - deals.created - SLOTS, 0)
    changed = deals.created[opp] + (frac * span[opp]).astype(np.int64) + rank
    changed = np.where(is_last & ~is_open[opp], deals.closed[opp], changed)

    rows = with_value_changes(changes_rng, clock, deals, StageMoves(opp, to_stage, changed, is_first,
                                                                    is_last & ~is_open[opp]))
    boss = reps.manager[deals.owner[rows.opp]]
    changed_by = np.where((changes_rng.random(rows.opp.size) < 0.1) & (boss >= 0), boss, deals.owner[rows.opp])
    table = pa.table({
        "opportunity_id": ids(rows.opp + 1),
        "from_stage": labels(STAGE_NAMES, np.maximum(rows.from_stage, 0), rows.from_stage >= 0),
        "to_stage": labels(STAGE_NAMES, rows.to_stage),
        "amount": money(rows.amount), "close_date": dates(rows.close_day * DAY),
        "changed_at": pa.array(rows.changed * 1_000_000, type=pa.timestamp("us")),
        "changed_by": ids(changed_by + 1),
        "source_id": pa.nulls(rows.opp.size, pa.string()),  # only ingested history rows have one
    })
    return table, to_stage[is_last]
