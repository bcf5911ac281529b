"""`python -m semantic.ingest.exports OUTDIR`: writes every sample; bad arguments are one-line errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from semantic.ingest.exports.__main__ import main


def test_writes_every_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "out"), "--scale", "0.01", "--as-of", "2025-06-30"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    salesforce = ["Account.csv", "Contact.csv", "Event.csv", "Lead.csv", "Opportunity.csv",
                  "OpportunityContactRole.csv", "OpportunityHistory.csv", "Task.csv", "User.csv"]
    assert names == sorted(salesforce + ["calendar_events.json", "gmail_messages.jsonl", "gmail_takeout.mbox",
                                         "hubspot_engagements_001.json", "truly_calls.csv", "truly_mapping.yaml",
                                         "zoom_meetings.json", "zoom_participants.csv"])
    assert len(capsys.readouterr().out.splitlines()) == len(names)


@pytest.mark.parametrize(("args", "says"), [
    (["--scale", "0"], "--scale must be a positive number"),
    (["--as-of", "30/06/2025"], "argument --as-of: expected a date as YYYY-MM-DD, got '30/06/2025'"),
])
def test_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main([str(tmp_path), *args])
    assert caught.value.code == 2
    assert says in capsys.readouterr().err
