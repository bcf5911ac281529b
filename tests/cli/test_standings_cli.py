"""`--share-of`, `--rank-by`, `--rank-within`, `--top` and date parts on the command line (numbers:
tests/correctness/test_shares_and_ranks.py and test_date_parts.py, on tests/fixtures/ledger_small.py)."""
from __future__ import annotations

import pytest

from tests.cli.small_ledger_cli import run_csv


def test_share_of_total_and_top_reps_per_team(small_ledger: str) -> None:
    """Ada 35k and Cy 3k in East (38k), Bo 32k in West; top 1 per team keeps Ada and Bo."""
    code, stdout, _ = run_csv(small_ledger, "query", "bookings", "--by", "rep.team", "--by", "rep.name", "--share-of",
                           "rep.team", "--rank-by", "bookings", "--rank-within", "rep.team", "--top", "1")
    assert code == 0, stdout
    lines = stdout.splitlines()
    assert lines[0] == "rep.team,rep.name,bookings,bookings_share,bookings_rank"
    assert [line.split(",")[:3] + line.split(",")[4:] for line in lines[1:]] == [
        ["East", "Ada", "35000.0", "1"], ["West", "Bo", "32000.0", "1"]]
    assert float(lines[1].split(",")[3]) == pytest.approx(35 / 38)


def test_share_of_total_cannot_take_dimensions_too(small_ledger: str) -> None:
    code, _, stderr = run_csv(small_ledger, "query", "bookings", "--by", "rep.team", "--share-of", "total",
                           "--share-of", "rep.team")
    assert code == 2 and "cannot be combined" in stderr


def test_refusals_are_one_coded_line(small_ledger: str) -> None:
    code, _, stderr = run_csv(small_ledger, "query", "win_rate", "--by", "rep.name", "--share-of", "total")
    assert code == 1 and "[E_BAD_REQUEST] a share of 'win_rate' is not meaningful" in stderr
    assert "Traceback" not in stderr
    code, _, stderr = run_csv(small_ledger, "query", "bookings", "--by", "rep.name", "--top", "3")
    assert code == 1 and "[E_BAD_REQUEST] top and rank_within need rank_by" in stderr


def test_day_of_week(small_ledger: str) -> None:
    """Won deals by ISO weekday of closed_at: Monday 109; Wednesday 110; Thursday 105; Saturday 102, 104;
    Sunday 101, 107."""
    code, stdout, _ = run_csv(small_ledger, "query", "won_deals", "--by", "opportunity.closed_at.day_of_week")
    assert code == 0 and stdout.splitlines() == ["opportunity.closed_at.day_of_week,won_deals", "1,1", "3,1", "4,1",
                                                 "6,2", "7,2"]
