"""Reps, accounts, contacts, leads and activities, plus cross-table rules, checked with SQL in DuckDB."""
from __future__ import annotations

import duckdb
import pytest

from semantic.ledger import metadata
from tests.ledger.conftest import AS_OF, scalar


def _foreign_keys() -> list[tuple[str, str, str, str]]:
    keys = [(t.name, fk.parent.name, fk.column.table.name, fk.column.name)
            for t in metadata.tables.values() for fk in t.foreign_keys]
    return keys + [("reps", "manager_id", "reps", "rep_id")]


@pytest.mark.parametrize("child, column, parent, key", _foreign_keys())
def test_every_foreign_key_points_to_a_row(duck: duckdb.DuckDBPyConnection, child: str, column: str, parent: str,
                                           key: str) -> None:
    sql = f"select count(*) from {child} c where c.{column} is not null and c.{column} not in (select {key} from {parent})"
    assert scalar(duck, sql) == 0


def test_nothing_happens_after_as_of(duck: duckdb.DuckDBPyConnection) -> None:
    for table in metadata.tables.values():
        for column in table.columns:
            if column.name.endswith("_at"):
                latest = scalar(duck, f"select cast(max({column.name}) as date) from {table.name}")
                assert latest is None or latest < AS_OF, f"{table.name}.{column.name} = {latest}"
    assert scalar(duck, "select min(created_at) from opportunities").date() >= AS_OF.replace(year=AS_OF.year - 3)


def test_reps(duck: duckdb.DuckDBPyConnection) -> None:
    bad = """select count(*) from reps r left join reps m on m.rep_id = r.manager_id
             where r.role not in ('ae','sdr','manager')
                or (r.role = 'manager') <> (r.manager_id is null)
                or (r.manager_id is not null and m.role <> 'manager')
                or (r.role = 'ae') <> (r.quota_amount is not null) or r.quota_amount <= 0
                or r.region not in ('NA','EMEA','APAC') or r.team is null or r.hired_at is null"""
    assert scalar(duck, bad) == 0
    assert scalar(duck, "select count(distinct role) from reps") == 3


def test_accounts_and_contacts(duck: duckdb.DuckDBPyConnection) -> None:
    assert scalar(duck, """select count(*) from accounts where segment not in ('SMB','Mid-Market','Enterprise')
                           or region not in ('NA','EMEA','APAC') or domain is null or industry is null""") == 0
    assert scalar(duck, "select count(distinct domain) = count(*) from accounts")
    assert scalar(duck, """select count(*) from accounts a join opportunities o using (account_id)
                           where o.created_at < a.created_at""") == 0
    assert scalar(duck, """select count(*) from contacts c join accounts a using (account_id)
                           where c.created_at < a.created_at or not ends_with(c.email, '@' || a.domain)""") == 0


def test_lead_funnel(duck: duckdb.DuckDBPyConnection) -> None:
    leads = scalar(duck, "select count(*) from leads")
    mql = scalar(duck, "select count(*) from leads where mql_at is not null")
    sql_ = scalar(duck, "select count(*) from leads where sql_at is not null")
    converted = scalar(duck, "select count(*) from leads where converted_at is not null")
    assert 0.28 < mql / leads < 0.42 and 0.3 < sql_ / mql < 0.5 and 0.35 < converted / sql_ < 0.65
    order = """select count(*) from leads where mql_at <= created_at or sql_at <= mql_at
               or converted_at <= sql_at or (sql_at is not null and mql_at is null)
               or (converted_at is not null and sql_at is null) or (contact_id is not null and converted_at is null)
               or (status = 'converted') <> (converted_at is not null) or score not between 0 and 100
               or source not in ('inbound','outbound','partner','event','referral')
               or status not in ('new','working','nurturing','disqualified','converted','duplicate')"""
    assert scalar(duck, order) == 0
    assert 0.01 < scalar(duck, "select avg((status = 'duplicate')::int) from leads") < 0.08
    assert scalar(duck, "select count(*) from leads where status = 'disqualified' and mql_at is not null") > 0
    assert scalar(duck, "select count(*) from leads where contact_id is not null") > 0.8 * converted


def test_activity_capture_is_realistically_incomplete(duck: duckdb.DuckDBPyConnection) -> None:
    shares = duck.execute("""select avg((opportunity_id is not null)::int), avg((account_id is not null)::int),
                             avg((coalesce(opportunity_id, account_id, contact_id) is null)::int)
                             from activities""").fetchone()
    assert 0.25 <= shares[0] <= 0.35 and shares[1] > shares[0] + 0.2 and 0.05 < shares[2] < 0.3


def test_activity_fields(duck: duckdb.DuckDBPyConnection) -> None:
    bad = """select count(*) from activities where activity_type not in ('email','call','meeting')
             or source_system not in ('gmail','zoom','truly','crm') or direction not in ('inbound','outbound')
             or (source_system = 'gmail' and activity_type <> 'email')
             or (source_system = 'zoom' and activity_type <> 'meeting')
             or (source_system = 'truly' and activity_type <> 'call')
             or (activity_type = 'email') <> (duration_seconds = 0) or subject is null or rep_id is null"""
    assert scalar(duck, bad) == 0
    assert scalar(duck, "select count(distinct source_system || activity_type) from activities") == 6


def test_linked_activities_agree_with_their_deal(duck: duckdb.DuckDBPyConnection) -> None:
    bad = """select count(*) from activities a join opportunities o using (opportunity_id)
             where a.account_id is distinct from o.account_id or a.occurred_at < o.created_at
                or a.occurred_at > coalesce(o.closed_at, ?::timestamp)"""
    assert scalar(duck, bad, AS_OF) == 0
    assert scalar(duck, """select count(*) from activities a join contacts c using (contact_id)
                           where a.account_id is distinct from c.account_id""") == 0


def test_activity_clusters_around_live_deals(duck: duckdb.DuckDBPyConnection) -> None:
    late_share = dict(duck.execute("""
        select o.stage, avg(((epoch(a.occurred_at) - epoch(o.created_at))
                             / greatest(epoch(o.closed_at) - epoch(o.created_at), 1) > 0.5)::int)
        from activities a join opportunities o using (opportunity_id) where o.is_closed group by 1""").fetchall())
    assert late_share["closed_won"] > late_share["closed_lost"] + 0.1  # wins heat up, losses fade out
    recently_touched = scalar(duck, """
        select avg((exists (select 1 from activities a where a.opportunity_id = o.opportunity_id
                            and a.occurred_at >= ?::timestamp - interval 14 day))::int)
        from opportunities o where not o.is_closed""", AS_OF)
    assert 0.3 < recently_touched < 0.95  # most open deals are worked, some have gone dark
    assert scalar(duck, "select count(distinct opportunity_id) from activities") > \
        0.8 * scalar(duck, "select count(*) from opportunities")
