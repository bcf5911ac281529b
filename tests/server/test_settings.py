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
    (["max_rows=0"], r"'max_rows' must be between 1 and 1000000, not 0"),
    (["graphiql=maybe"], "true or false"),
    (["max_rows"], "NAME=VALUE"),
])
def test_bad_values_are_refused(pairs: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServerSettings.from_env({}, overrides=parse_cli_settings(pairs))


@pytest.mark.parametrize("pair, message", [
    ("max_rows=99999999999999999999", r"'max_rows' must be between 1 and 1000000, not 99999999999999999999"),
    ("max_rows=-3", "'max_rows' must be between 1 and 1000000"),
    ("statement_timeout_s=inf", r"'statement_timeout_s' must be between 0.1 and 3600, not inf"),
    ("statement_timeout_s=nan", r"'statement_timeout_s' must be between 0.1 and 3600, not nan"),
    ("statement_timeout_s=-inf", "'statement_timeout_s' must be between"),
    ("statement_timeout_s=1e400", "not inf"),
    ("statement_timeout_s=0.01", "'statement_timeout_s' must be between"),
    ("max_body_bytes=100", "'max_body_bytes' must be between 1024 and 104857600, not 100"),
    ("max_body_bytes=1e9", "must be an integer"),
    ("max_query_depth=1000", "'max_query_depth' must be between"),
    ("max_aliases=0", "'max_aliases' must be between"),
    ("max_tokens=10000000", "'max_tokens' must be between"),
    ("reload_interval_s=nan", "'reload_interval_s' must be between"),
])
def test_out_of_range_and_non_finite_values_are_refused(pair: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ServerSettings.from_env({}, overrides=parse_cli_settings([pair]))


def test_environment_is_checked_too_and_direct_construction_as_well() -> None:
    with pytest.raises(ValueError, match="'max_rows' must be between"):
        ServerSettings.from_env({"SEMANTIC_MAX_ROWS": "99999999999999999999"})
    with pytest.raises(ValueError, match="'statement_timeout_s' must be between"):
        ServerSettings(statement_timeout_s=float("inf"))


def test_bounds_are_inclusive_and_documented() -> None:
    docs = (REPO / "docs" / "api.md").read_text()
    for setting in SETTINGS:
        if setting.low is None:
            continue
        ServerSettings.from_env({}, overrides={setting.name: str(setting.low)})
        ServerSettings.from_env({}, overrides={setting.name: str(setting.high)})
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{setting.name}` |"))
        assert setting.range_text in row, (setting.name, setting.range_text)


def test_library_settings_are_the_execution_settings() -> None:
    """`semantic query` and the server enforce the same limits with the same defaults."""
    from semantic.settings import LIBRARY_SETTINGS, ExecutionSettings

    assert [f.name for f in fields(ExecutionSettings) if f.name != "today"] == [s.name for s in LIBRARY_SETTINGS]
    assert all(getattr(ExecutionSettings(), s.name) == s.default for s in LIBRARY_SETTINGS)
    assert ExecutionSettings.from_env({"SEMANTIC_MAX_PERIODS": "9000"}, {"max_rows": "7"}).max_periods == 9000
    with pytest.raises(ValueError, match="between 1 and 20000"):
        ExecutionSettings.from_env({}, {"max_periods": "0"})
