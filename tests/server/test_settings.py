"""Settings are data: defaults, environment, CLI flags, validation, and every one documented."""
from __future__ import annotations

from dataclasses import fields

import pytest

from server.settings import SETTINGS, ServerSettings, parse_cli_settings
from tests.server.conftest import REPO


def test_table_and_dataclass_agree() -> None:
    assert [f.name for f in fields(ServerSettings)] == [s.name for s in SETTINGS]
    assert all(getattr(ServerSettings(), s.name) == s.default for s in SETTINGS)
    assert all(s.help.endswith(".") for s in SETTINGS)


def test_every_setting_is_documented() -> None:
    docs = (REPO / "docs" / "api.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs and f"`{setting.env}`" in docs, setting.name


def test_env_then_cli_precedence() -> None:
    env = {"SEMANTIC_MAX_ROWS": "500", "SEMANTIC_GRAPHIQL": "off", "SEMANTIC_MAX_ALIASES": "7"}
    settings = ServerSettings.from_env(env, overrides=parse_cli_settings(["max_rows=42"]))
    assert (settings.max_rows, settings.graphiql, settings.max_aliases) == (42, False, 7)
    assert settings.execution().max_rows == 42


@pytest.mark.parametrize("pairs, message", [
    (["max_rowz=1"], "unknown setting 'max_rowz'"),
    (["max_rows=lots"], "must be an integer"),
    (["max_rows=0"], "must be positive"),
    (["graphiql=maybe"], "true or false"),
    (["max_rows"], "NAME=VALUE"),
])
def test_bad_values_are_refused(pairs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServerSettings.from_env({}, overrides=parse_cli_settings(pairs))
