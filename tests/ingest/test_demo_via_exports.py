"""`semantic demo --via-exports`: the demo's activities written as exports, ingested and linked, arrive once each
beside the same CRM facts; every activity link is made by a linking rule."""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow.compute as pc
from typer.testing import CliRunner

from semantic.cli import app
from semantic.execute import dispose_engines
from semantic.ledger.demo import generate
from tests.ingest.conftest import rows

AS_OF, SCALE = date(2025, 6, 30), 0.03
RULES = {"declared", "contact.email", "contact.account", "lead.converted_contact", "account.domain",
         "opportunity.single_open", "opportunity.open_window.role", "opportunity.open_window.owner",
         "opportunity.open_window.close_date", "opportunity.open_window.lowest_id", "opportunity.ambiguous", None}


def test_the_demo_through_exports(tmp_path: Path, repo_root: Path) -> None:
    url = f"duckdb:///{tmp_path / 'via.duckdb'}"
    result = CliRunner().invoke(app, ["demo", "--via-exports", "--scale", str(SCALE), "--as-of", AS_OF.isoformat(),
                                      "--database", url, "--project", str(repo_root),
                                      "--exports-dir", str(tmp_path / "exports")])
    assert result.exit_code == 0, result.output
    generated = generate(scale=SCALE, as_of=AS_OF)
    activities = generated["activities"]

    # Every generated activity lands once (calendar exports add cancelled first plans on top, kept as cancelled).
    held = "coalesce(status, '') <> 'cancelled'"
    assert rows(url, f"select count(*) from activities where {held}") == [(activities.num_rows,)]
    assert dict(rows(url, f"select activity_type, count(*) from activities where {held} group by 1")) == \
        dict(Counter(activities["activity_type"].to_pylist()))
    # Meetings held leave out the cancelled calendar events: exactly the generator's meetings.
    meetings = activities.filter(pc.equal(activities["activity_type"], "meeting")).num_rows
    answer = CliRunner().invoke(app, ["query", "meetings", "--database", url, "--project", str(repo_root),
                                      "--format", "csv", "--today", AS_OF.isoformat()])
    assert answer.stdout.splitlines() == ["meetings", str(meetings)]
    dispose_engines()  # the layer's pooled read-only engine; the checks below open the file their own way
    # The CRM facts are the generator's: bookings and open pipeline from the generated rows by hand.
    deals = generated["opportunities"]
    won = pc.sum(deals.filter(deals["is_won"])["amount"]).as_py()
    open_amount = pc.sum(deals.filter(pc.invert(deals["is_closed"]))["amount"]).as_py()
    assert rows(url, "select sum(amount) from opportunities where is_won") == [(Decimal(won),)]
    assert rows(url, "select sum(amount) from opportunities where not is_closed") == [(Decimal(open_amount),)]
    # Links come from rules only, and they reach deals.
    used = {r for (r,) in rows(url, "select distinct contact_rule from activities union "
                                    "select distinct account_rule from activities union "
                                    "select distinct opportunity_rule from activities")}
    assert used <= RULES and "generated" not in used
    assert rows(url, "select count(*) > 0 from activities where opportunity_rule = 'opportunity.open_window.role'") \
        == [(True,)]
    # Linked deals exist in the ledger (the re-keyed CRM ids and the ingested references agree).
    assert rows(url, "select count(*) from activities a left join opportunities o using (opportunity_id) "
                     "where a.opportunity_id is not null and o.opportunity_id is null") == [(0,)]


def test_ingesting_the_same_exports_again_changes_nothing(tmp_path: Path, repo_root: Path) -> None:
    url = f"duckdb:///{tmp_path / 'via.duckdb'}"
    exports = tmp_path / "exports"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--via-exports", "--scale", "0.01", "--as-of", AS_OF.isoformat(),
                               "--database", url, "--project", str(repo_root),
                               "--exports-dir", str(exports)]).exit_code == 0
    before = rows(url, "select * from activities order by activity_id")
    again = runner.invoke(app, ["ingest", "gmail_api", str(exports / "gmail_messages.jsonl"), "--database", url,
                                "--project", str(repo_root)])
    assert again.exit_code == 0, again.output
    assert ", new 0, updated 0," in again.stdout.splitlines()[0]
    assert rows(url, "select * from activities order by activity_id") == before
