"""A tiny funnel ledger written for the conversion and funnel tests, loaded into DuckDB and PostgreSQL.

Today is 2024-06-15 (a leap year, so 29 February exists). Every row is listed here so each expected number
in the tests can be counted by hand from this file.

Leads (glossary: lead = status <> 'duplicate'; mql = mql_at set and not disqualified; sql likewise):

    id  status        source  created_at        mql_at            sql_at      contact (account)
    1   new           web     2024-01-05 10:00  2024-02-04 09:00  2024-02-10  1 (A1)   MQL exactly 30 days later
    2   new           list    2024-01-20        2024-02-20        -           1 (A1)   MQL 31 days later
    3   new           web     2024-02-29 12:00  2024-02-29 08:00  2024-03-01  2 (A2)   MQL the same day, earlier hour
    4   disqualified  web     2024-02-10        2024-02-12        -           -        not an MQL
    5   duplicate     web     2024-02-11        2024-02-12        -           -        not a lead
    6   new           list    2024-03-31        2024-03-30        -           -        MQL a day before creation
    7   new           web     2024-05-25        2024-06-10        -           -        open cohort (May)
    8   new           web     2023-12-28        2024-01-10        2024-01-11  -        cohort before 2024
    9   new           web     2024-03-20        2024-04-05        2024-04-30  3 (A3)   MQL after a March range
    10  new           list    2024-06-01        -                 -           -        open cohort (June)

Opportunities (account, created_at): o1 A1 2024-01-10 | o2 A1 2024-02-15 | o3 A2 2024-02-28 | o4 A3 2024-05-19.
Stage history (opportunity: to_stage on day):
    o1: prospecting 01-10, proposal 01-20, negotiation 02-01, proposal 02-10 (re-entry), closed_won 03-01
    o2: closed_won 02-14, proposal 02-15 (won before it entered proposal; never again)
    o3: proposal 02-29, closed_won 05-30 (91 days later)
    o4: proposal 05-19 10:00, closed_won 05-19 09:00 (the same day)
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.fixtures.rows import load_rows

TODAY = date(2024, 6, 15)


def _t(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


_LEADS = [
    (1, "new", "web", "2024-01-05 10:00", "2024-02-04 09:00", "2024-02-10", 1),
    (2, "new", "list", "2024-01-20", "2024-02-20", None, 1),
    (3, "new", "web", "2024-02-29 12:00", "2024-02-29 08:00", "2024-03-01", 2),
    (4, "disqualified", "web", "2024-02-10", "2024-02-12", None, None),
    (5, "duplicate", "web", "2024-02-11", "2024-02-12", None, None),
    (6, "new", "list", "2024-03-31", "2024-03-30", None, None),
    (7, "new", "web", "2024-05-25", "2024-06-10", None, None),
    (8, "new", "web", "2023-12-28", "2024-01-10", "2024-01-11", None),
    (9, "new", "web", "2024-03-20", "2024-04-05", "2024-04-30", 3),
    (10, "new", "list", "2024-06-01", None, None, None),
]
_HISTORY = [
    (1, None, "prospecting", "2024-01-10"), (1, "prospecting", "proposal", "2024-01-20"),
    (1, "proposal", "negotiation", "2024-02-01"), (1, "negotiation", "proposal", "2024-02-10"),
    (1, "proposal", "closed_won", "2024-03-01"),
    (2, None, "closed_won", "2024-02-14"), (2, "closed_won", "proposal", "2024-02-15"),
    (3, None, "proposal", "2024-02-29"), (3, "proposal", "closed_won", "2024-05-30"),
    (4, None, "proposal", "2024-05-19 10:00"), (4, "proposal", "closed_won", "2024-05-19 09:00"),
]
ROWS: dict[str, list[dict[str, Any]]] = {
    "reps": [dict(rep_id=1, name="Ann", email="ann@example.test", role="ae", hired_at=_t("2020-01-01"))],
    "accounts": [dict(account_id=a, name=f"A{a}", segment=seg, region="NA", owner_rep_id=1,
                      created_at=_t("2023-01-01")) for a, seg in ((1, "Enterprise"), (2, "SMB"), (3, "SMB"))],
    "contacts": [dict(contact_id=c, account_id=c, name=f"C{c}", created_at=_t("2023-06-01")) for c in (1, 2, 3)],
    "leads": [dict(lead_id=i, status=st, source=src, created_at=_t(c), mql_at=_t(m), sql_at=_t(s), contact_id=ct,
                   email=f"l{i}@example.test", company=f"Co {i}") for i, st, src, c, m, s, ct in _LEADS],
    "opportunities": [dict(opportunity_id=o, account_id=a, owner_rep_id=1, name=f"O{o}", type="new_business",
                           product=p, amount=1000, stage="proposal", created_at=_t(c), close_date=date(2024, 12, 31),
                           is_closed=False, is_won=False)
                      for o, a, p, c in ((1, 1, "Core", "2024-01-10"), (2, 1, "Addon", "2024-02-15"),
                                         (3, 2, "Core", "2024-02-28"), (4, 3, "Core", "2024-05-19"))],
    "opportunity_stage_history": [dict(opportunity_id=o, from_stage=f, to_stage=t, changed_at=_t(at), changed_by=1)
                                  for o, f, t, at in _HISTORY],
    "activities": [],
    "quotas": [],
}


def load(url: str) -> None:
    """Create the canonical tables at `url` and insert the rows above."""
    load_rows(url, ROWS)
