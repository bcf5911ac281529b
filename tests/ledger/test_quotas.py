"""The quotas table: one row per AE per fiscal quarter, a quarter of the annual quota, prorated at hire."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import yaml

from semantic.ledger.generate_quotas import FISCAL_YEAR_START_MONTH, fiscal_quarters, quarter_amounts
from tests.ledger.conftest import AS_OF, scalar


def test_every_ae_has_one_quota_per_quarter(duck: duckdb.DuckDBPyConnection) -> None:
    bad = """select count(*) from quotas q join reps r using (rep_id)
             where r.role <> 'ae' or q.amount <= 0 or q.period_end <> q.period_start + interval 3 month - interval 1 day
                or extract(month from q.period_start) not in (1, 4, 7, 10) or extract(day from q.period_start) <> 1"""
    assert scalar(duck, bad) == 0
    twice = "select count(*) from (select rep_id, period_start from quotas group by 1, 2 having count(*) > 1)"
    assert scalar(duck, twice) == 0
    missing = """select count(*) from reps r cross join (select distinct period_start from quotas) p
                 where r.role = 'ae' and r.hired_at <= p.period_start and not exists
                   (select 1 from quotas q where q.rep_id = r.rep_id and q.period_start = p.period_start)"""
    assert scalar(duck, missing) == 0


def test_quarters_span_the_demo_and_the_next_quarter(duck: duckdb.DuckDBPyConnection) -> None:
    assert scalar(duck, "select max(period_start) from quotas") == date(2025, 7, 1)  # AS_OF 2025-06-30: next is Q3
    # the demo's first day is 3 * 365 days before AS_OF: 2022-07-01, the first day of Q3 2022
    assert AS_OF - timedelta(days=3 * 365) == date(2022, 7, 1)
    assert scalar(duck, "select min(period_start) from quotas") == date(2022, 7, 1)
    assert scalar(duck, "select count(distinct period_start) from quotas") == 13  # Q3 2022 .. Q3 2025


def test_full_quarters_are_a_quarter_of_the_annual_quota(duck: duckdb.DuckDBPyConnection) -> None:
    bad = """select count(*) from quotas q join reps r using (rep_id)
             where r.hired_at <= q.period_start and q.amount <> round(r.quota_amount / 4, -2)"""
    assert scalar(duck, bad) == 0


def test_a_rep_hired_mid_quarter_is_prorated() -> None:
    epoch = date(1970, 1, 1).toordinal()
    begin, end = date(2025, 1, 1).toordinal() - epoch, date(2025, 3, 31).toordinal() - epoch
    hired = np.array([date(2024, 5, 1), date(2025, 2, 15), date(2025, 3, 31), date(2025, 4, 2)])
    days = np.array([d.toordinal() - epoch for d in hired])
    got = quarter_amounts(np.full(4, 400_000.0), days, begin, end)
    # 90 days in Q1 2025; hired 15 Feb: 45 days (15 Feb..31 Mar) of 100 000 -> 50 000; on 31 Mar: 1 day -> 1 111
    assert got.tolist() == [100_000, 50_000, 1_100, 0]


def test_fiscal_quarters_follow_the_fiscal_year() -> None:
    assert fiscal_quarters(date(2025, 1, 15), date(2025, 4, 1), start_month=2) == [
        (date(2024, 11, 1), date(2025, 1, 31)), (date(2025, 2, 1), date(2025, 4, 30))]
    assert fiscal_quarters(date(2024, 12, 31), date(2025, 1, 1)) == [
        (date(2024, 10, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 3, 31))]


def test_generator_calendar_is_the_starter_calendar(repo_root: Path) -> None:
    calendar = yaml.safe_load((repo_root / "metrics.yaml").read_text())["calendar"]
    assert calendar["fiscal_year_start_month"] == FISCAL_YEAR_START_MONTH
