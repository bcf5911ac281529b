"""The conversion and funnel rules say where and how to fix: did-you-mean, the entity a term filters, the
`through` entity two events could meet on (the positions themselves are checked by the invalid fixtures)."""
from __future__ import annotations

from pathlib import Path

from semantic.definitions import load_project

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"


def messages(case: str) -> list[str]:
    return [issue.render() for issue in load_project(FIXTURES / case).issues]


def test_conversion_messages() -> None:
    found = messages("conversion")
    assert any("unknown term 'leed' (did you mean 'lead'?)" in m for m in found)
    assert any("unknown time dimension 'created' (did you mean 'created_at'?)" in m for m in found)
    assert any("term 'deal', which filters entity 'opportunity', to 'lead' rows" in m
               and "set the event's `entity: opportunity`" in m for m in found)
    assert any("E_CONVERSION_PATH" in m and "both reach 'account': set `through:` to one" in m for m in found)
    assert any("entity 'history' has no primary_key" in m for m in found)


def test_funnel_messages() -> None:
    found = messages("funnel")
    assert any("step 1 has a `within` window but no step before it" in m for m in found)
    assert any("step 2 uses unknown term 'mqll' (did you mean 'mql'?)" in m for m in found)
    assert any("names both metrics and a funnel" in m for m in found)
    assert any("runs funnel 'bad_steps', which has no `grain`" in m for m in found)
