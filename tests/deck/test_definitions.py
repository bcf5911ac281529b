"""A bad deck definition is refused at `semantic validate`, each problem coded at its file:line:col with a fix."""
from __future__ import annotations

from semantic.definitions import load_project
from tests.definitions.cases import FIXTURES


def rendered() -> list[str]:
    return [issue.render() for issue in load_project(FIXTURES / "bad_deck").issues]


def test_unknown_slide_kind_chart_kind_and_saved_query() -> None:
    issues = rendered()
    assert ("decks.yaml:6:15: error[E_INVALID_VALUE] decks.misspelt.slides.0.kind: 'kpi' is not allowed "
            "(did you mean 'kpis'?) -- hint: expected 'title', 'kpis', 'chart' or 'table'") in issues
    assert ("decks.yaml:10:16: error[E_INVALID_VALUE] decks.misspelt.slides.1.chart: 'pie' is not allowed "
            "-- hint: expected 'column', 'bar' or 'line'") in issues
    assert any(i.startswith("decks.yaml:17:22: error[E_UNKNOWN_SAVED_QUERY] deck 'review' slide 2 (chart) uses "
                            "unknown saved query 'booking_by_product' (did you mean 'bookings_by_product'?)")
               for i in issues)


def test_slides_that_cannot_show_their_question() -> None:
    issues = "\n".join(rendered())
    assert "slide 3 (kpis): KPI tiles show one value per metric, but the question has dimensions" in issues
    assert "decks.yaml:22:19: error[E_UNKNOWN_METRIC] deck 'review' slide 4 (table) shows metric 'win_rate', " \
           "which its question does not ask for" in issues
    assert "decks.yaml:23:20: error[E_DECK_SLIDE] deck 'review' slide 4 (table): `series_by` applies to chart " \
           "slides only" in issues
    assert "decks.yaml:25:19: error[E_UNKNOWN_DIMENSION] deck 'review' slide 5 (chart) question: entity " \
           "'opportunity' has no dimension 'region'" in issues
    assert "slide 6 (chart): a chart needs categories" in issues
    assert "slide 7 (table) needs exactly one of `saved_query` and `question`" in issues


def test_the_freshness_column_must_exist() -> None:
    assert ("metrics.yaml:7:16: error[E_UNKNOWN_COLUMN] entity 'opportunity' freshness uses unknown column "
            "'loaded_at' (did you mean 'closed_at'?)") in "\n".join(rendered())
