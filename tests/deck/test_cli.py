"""`semantic deck`: through the API the deck is the library's deck, slide for slide; bad input is one coded line."""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from semantic.cli import app
from tests.deck.conftest import REPO, TODAY, TOKEN, reopen
from tests.definitions.cases import FIXTURES
from tests.server.live import LiveServer


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["deck", *args])


def everything_shown(path: Path) -> list[Any]:
    """Every text, chart value and table cell of a deck, slide by slide, in drawing order."""
    shown: list[Any] = []
    for slide in reopen(path).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                shown.append((shape.name, [p.text for p in shape.text_frame.paragraphs]))
            if shape.has_chart:
                plot = shape.chart.plots[0]
                shown.append((list(plot.categories), [(s.name, list(s.values)) for s in plot.series]))
            if shape.has_table:
                shown.append([[cell.text for cell in row.cells] for row in shape.table.rows])
    return shown


@pytest.mark.parametrize("deck", ["forecast_review", "qbr"])
def test_the_deck_read_through_the_api_equals_the_library_deck(deck: str, live_api: LiveServer,
                                                                built_decks: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / f"{deck}.pptx"
    result = run(deck, "--api", live_api.url, "--token", TOKEN, "--output", str(target), "--project", str(REPO))
    assert result.exit_code == 0, result.output
    assert everything_shown(target) == everything_shown(built_decks[deck])


def test_the_library_deck_from_the_command_line(deck_ledger: str, built_decks: dict[str, Path],
                                                tmp_path: Path) -> None:
    target = tmp_path / "nested" / "qbr.pptx"
    result = run("qbr", "-o", str(target), "-p", str(REPO), "-d", deck_ledger, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in " ".join(result.output.split())
    assert everything_shown(target) == everything_shown(built_decks["qbr"])


def test_a_refused_token_is_the_servers_coded_error(live_api: LiveServer, tmp_path: Path) -> None:
    result = run("qbr", "--api", live_api.url, "--token", "wrong", "-o", str(tmp_path / "x.pptx"), "-p", str(REPO))
    assert result.exit_code == 1
    assert "error: [E_UNAUTHORIZED]" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pptx").exists()


def test_an_unreachable_api_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("qbr", "--api", f"http://127.0.0.1:{port}", "-o", str(tmp_path / "x.pptx"), "-p", str(REPO))
    assert result.exit_code == 1
    assert "error: [E_DECK_API] cannot read an answer from" in result.output and "hint:" in result.output


def test_unknown_deck_suggests_the_nearest(deck_ledger: str, tmp_path: Path) -> None:
    result = run("qbrr", "-o", str(tmp_path / "x.pptx"), "-p", str(REPO), "-d", deck_ledger)
    assert result.exit_code == 1
    assert "error: [E_UNKNOWN_DECK] unknown deck 'qbrr' (did you mean 'qbr'?)" in result.output
    assert "known decks: forecast_review, qbr" in result.output


def test_usage_mistakes(deck_ledger: str) -> None:
    not_pptx = run("qbr", "-o", "deck.pdf", "-p", str(REPO), "-d", deck_ledger)
    assert not_pptx.exit_code == 1 and "--output deck.pdf is not a .pptx file" in not_pptx.output
    mixed = run("qbr", "--api", "http://127.0.0.1:1", "--today", "2024-01-01", "-p", str(REPO))
    assert mixed.exit_code == 2 and "--today and --database apply to the library" in mixed.output


def test_invalid_deck_definitions_are_listed_with_their_places(tmp_path: Path) -> None:
    result = run("review", "-o", str(tmp_path / "x.pptx"), "-p", str(FIXTURES / "bad_deck"))
    assert result.exit_code == 1
    assert "decks.yaml:17:22: error[E_UNKNOWN_SAVED_QUERY] deck 'review' slide 2 (chart) uses unknown saved " \
           "query 'booking_by_product' (did you mean 'bookings_by_product'?)" in result.output
    assert "error: the definitions are invalid" in result.output


def test_only_http_apis_are_read() -> None:
    result = run("qbr", "--api", "file:///etc/passwd", "-p", str(REPO))
    assert result.exit_code == 1
    assert "error: [E_DECK_API] --api 'file:///etc/passwd' is not an http(s) URL" in result.output
