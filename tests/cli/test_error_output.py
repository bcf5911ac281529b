"""User text in CLI messages is printed as written: brackets are neither eaten nor a Rich markup crash."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from semantic.cli import app

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--project", str(REPO)])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", [("query", "--saved", "[/x]"), ("query", "bookings", "--today", "[/]"),
                                  ("compile", "--saved", "[bold]x[/bold]")])
def test_bracketed_user_text_is_an_error_line_not_a_traceback(args: tuple[str, ...]) -> None:
    code, _, stderr = _run(*args)
    assert code in (1, 2) and "Traceback" not in stderr and "MarkupError" not in stderr
    assert stderr.startswith("error: "), stderr
    assert args[-1] in stderr  # the user's text, brackets and all


def test_pattern_in_a_validation_message_keeps_its_brackets() -> None:
    code, _, stderr = _run("query", "opportunity.amount")
    assert code == 1
    assert "[a-z]" in stderr and "'^*$'" not in stderr, stderr


def test_error_prefix_is_still_red_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = importlib.import_module("semantic.cli.app")  # the package's `app` attribute is the Typer app
    console = Console(force_terminal=True, color_system="standard", markup=False, record=True)
    monkeypatch.setattr(shared, "err", console)
    shared.fail("bad [/x] input", "try [this]")
    text = console.export_text(styles=True)
    assert "\x1b[1;31merror\x1b[0m: bad [/x] input" in text and "hint: try [this]" in text
