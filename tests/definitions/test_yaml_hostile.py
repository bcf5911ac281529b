"""Hostile YAML (alias bombs, self-referencing aliases, absurd nesting, giant keys) becomes a clear issue
quickly: `serve --watch` reloads whatever is saved, and no edit may take the process down."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from semantic.definitions import load_project


def _issues(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "metrics.yaml").write_text(text, encoding="utf-8")
    return [f"{i.position}: {i.code} {i.message}" for i in load_project(tmp_path).issues]


def _laughs(levels: int = 9, width: int = 9) -> str:
    """The classic alias bomb: each level lists the previous one `width` times (9**9 strings expanded)."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_self_referencing_alias_is_an_issue_not_a_recursion_error(tmp_path: Path) -> None:
    assert _issues(tmp_path, "a: &a [*a]\n") == [
        "metrics.yaml:1:8: E_YAML_ALIAS YAML anchors/aliases are not supported in definitions"]


def test_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    text = _laughs()
    assert len(text) < 500
    started = time.perf_counter()
    issues = _issues(tmp_path, text)
    assert time.perf_counter() - started < 2
    assert len(issues) == 8 * 9 and all("E_YAML_ALIAS" in i for i in issues)


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, "\n  - " + "- " * 100_000 + "x",
                                  "[" * 900 + "]" * 900, "[" * 1500 + "]" * 1500, "\n  - " + "- " * 1500 + "x",
                                  "{a: " * 1200 + "1" + "}" * 1200, "[" * 1500],
                         ids=["flow_100k", "block_100k", "flow_900", "flow_1500", "block_1500", "mapping_1200",
                              "unclosed_1500"])
def test_deep_nesting_is_refused_quickly(tmp_path: Path, body: str) -> None:
    started = time.perf_counter()
    issues = _issues(tmp_path, f"metrics: {body}\n")
    assert time.perf_counter() - started < 3
    assert len(issues) == 1 and "E_YAML_DEPTH YAML nested deeper than 64 levels" in issues[0]


def test_a_key_too_long_for_yaml_says_so(tmp_path: Path) -> None:
    issues = _issues(tmp_path, "metrics:\n  " + "k" * 1100 + ": {type: simple}\n")
    assert issues == ["metrics.yaml:2:3: E_YAML_SYNTAX keys longer than 1024 characters are not supported"]


def test_a_long_line_with_another_syntax_error_keeps_the_parser_message(tmp_path: Path) -> None:
    issues = _issues(tmp_path, "metrics:\n  bookings: {label: x\n")
    assert len(issues) == 1 and "keys longer" not in issues[0] and "E_YAML_SYNTAX YAML syntax error" in issues[0]
