"""Quotas: what each account executive is asked to book per fiscal quarter.

A quota is set per rep and period, not per rep (reps.quota_amount is the annual figure HR agreed), so
attainment and coverage can be asked per quarter and rolled up to team and region by summing. Only AEs
carry a quota: a manager's or SDR's own row would count the team's number twice when summed by team or
region, so a team's quota is the sum of its AEs'. Each quarter gets a quarter of the annual quota, prorated
by the days the rep was employed in it (a rep hired mid-quarter is not asked for the whole quarter). Rows
run from the fiscal quarter holding the first day of the demo to the quarter after the one holding as_of,
because coverage is asked for the next quarter too. No randomness: quotas follow from the reps table.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from semantic.ledger.demo_common import DAY, Clock, dates, ids, money
from semantic.ledger.generate_org import Reps

FISCAL_YEAR_START_MONTH = 1  # the starter metrics.yaml's calendar; a test keeps the two equal


def fiscal_quarters(first: date, last: date, start_month: int = FISCAL_YEAR_START_MONTH) -> list[tuple[date, date]]:
    """(first day, last day) of every fiscal quarter overlapping [first, last]."""
    index = first.year * 12 + first.month - 1
    index -= (index - (start_month - 1)) % 3  # back to the quarter's first month
    out: list[tuple[date, date]] = []
    while True:
        begin = date(index // 12, index % 12 + 1, 1)
        if begin > last:
            return out
        index += 3
        out.append((begin, date.fromordinal(date(index // 12, index % 12 + 1, 1).toordinal() - 1)))


def quarter_amounts(annual: np.ndarray, hired_day: np.ndarray, begin_day: int, end_day: int) -> np.ndarray:
    """A quarter of each annual quota, times the share of the quarter's days from the hire day on, in whole
    hundreds (days are days since the epoch; end_day is the quarter's last day)."""
    days = end_day - begin_day + 1
    employed = np.clip(end_day - np.maximum(hired_day, begin_day) + 1, 0, days)
    return np.round(annual / 4 * employed / days, -2).astype(np.int64)


def make_quotas(clock: Clock, reps: Reps) -> pa.Table:
    aes = reps.ae_rows
    annual = np.asarray(reps.table["quota_amount"].to_numpy(zero_copy_only=False), dtype=float)[aes]
    hired = reps.table["hired_at"].to_numpy().astype("datetime64[D]").astype(np.int64)[aes]
    last = date.fromordinal(fiscal_quarters(clock.as_of, clock.as_of)[0][1].toordinal() + 1)  # the next quarter
    first = date.fromordinal(date(1970, 1, 1).toordinal() + clock.start // DAY)
    rep, begins, ends, amounts = [], [], [], []
    for begin, end in fiscal_quarters(first, last):
        begin_day, end_day = (d.toordinal() - date(1970, 1, 1).toordinal() for d in (begin, end))
        amount = quarter_amounts(annual, hired, begin_day, end_day)
        keep = amount > 0
        rep.append(aes[keep])
        amounts.append(amount[keep])
        begins.append(np.full(keep.sum(), begin_day))
        ends.append(np.full(keep.sum(), end_day))
    rep_row, begin_days, end_days = np.concatenate(rep), np.concatenate(begins), np.concatenate(ends)
    order = np.lexsort((begin_days, rep_row))  # one rep's quarters together, in time order
    return pa.table({
        "quota_id": ids(np.arange(1, order.size + 1)),
        "rep_id": ids(rep_row[order] + 1),
        "period_start": dates(begin_days[order] * DAY),
        "period_end": dates(end_days[order] * DAY),
        "amount": money(np.concatenate(amounts)[order]),
    })
