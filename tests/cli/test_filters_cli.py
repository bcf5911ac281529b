"""`--where` trees, metric conditions and `--metric-range` on the command line, against hand-written SQL on the
small ledger (tests/fixtures/ledger_small.py; numbers on both engines: tests/correctness/)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from semantic.execute import engine_for
from tests.cli.small_ledger_cli import run_csv


def _hand(small_ledger: str, sql: str) -> list[tuple]:
    with engine_for(small_ledger).connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_where_with_or_and_a_metric_condition(small_ledger: str) -> None:
    code, stdout, _ = run_csv(small_ledger, "query", "won_deals", "--by", "opportunity.product", "--where",
                           "(account.segment = 'SMB' or opportunity.amount >= 10000) and won_deals >= 2")
    hand = _hand(small_ledger, """select o.product, count(*) from opportunities o left join accounts a
        on a.account_id = o.account_id where o.is_won and (a.segment = 'SMB' or o.amount >= 10000)
        group by 1 having count(*) >= 2 order by 1""")
    assert code == 0 and hand and stdout.splitlines() == ["opportunity.product,won_deals"] + \
        [f"{product},{count}" for product, count in hand]


def test_metric_range(small_ledger: str) -> None:
    code, stdout, _ = run_csv(small_ledger, "query", "won_deals", "activities", "--metric-range",
                           "won_deals=2025-01-01..2025-06-30")
    [(won,)] = _hand(small_ledger, "select count(*) from opportunities where is_won and closed_at >= '2025-01-01' "
                               "and closed_at < '2025-07-01'")
    [(activities,)] = _hand(small_ledger, "select count(*) from activities")
    assert code == 0 and stdout.splitlines() == ["won_deals,activities", f"{won},{activities}"]


@pytest.mark.parametrize("args, code", [
    (("--metric-range", "won_deals"), "E_METRIC_RANGE"),
    (("--metric-range", "won_deals=last_7_days", "--grain", "month"), "E_METRIC_RANGE"),
    (("--where", "won_deals > 1 or account.segment = 'SMB'"), "E_BAD_FILTER"),
])
def test_refusals_are_one_coded_line(small_ledger: str, args: tuple[str, ...], code: str) -> None:
    exit_code, _, stderr = run_csv(small_ledger, "query", "won_deals", *args)
    assert exit_code == 1 and f"[{code}]" in stderr and "Traceback" not in stderr
