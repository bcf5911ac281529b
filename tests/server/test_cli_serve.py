"""`semantic serve` refuses to start on bad definitions, settings or tokens, before binding a port."""
from __future__ import annotations

from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from semantic.cli import app


def test_bad_definitions_print_issues_and_exit_1(project_dir: Path, ledger_url: str) -> None:
    metrics = project_dir / "metrics.yaml"
    metrics.write_text(metrics.read_text().replace("measure: won_amount\n", "measure: won_amountz\n", 1))
    result = CliRunner().invoke(app, ["serve", "--project", str(project_dir), "--database", ledger_url])
    assert result.exit_code == 1
    assert "metrics.yaml:" in result.output and "won_amountz" in result.output


def test_bad_setting_exits_2(project_dir: Path, ledger_url: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--project", str(project_dir), "--database", ledger_url,
                                      "--setting", "max_rowz=5"])
    assert result.exit_code == 2 and "max_rowz" in result.output


@pytest.mark.parametrize("pair", ["max_rows=99999999999999999999", "statement_timeout_s=inf",
                                  "statement_timeout_s=nan"])
def test_out_of_range_setting_exits_2_naming_it(project_dir: Path, ledger_url: str, pair: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("the server started"))
    result = CliRunner().invoke(app, ["serve", "--project", str(project_dir), "--database", ledger_url,
                                      "-s", pair])
    name, _, value = pair.partition("=")
    assert result.exit_code == 2 and f"'{name}'" in result.output and value in result.output, result.output
    assert "between" in result.output


def test_missing_tokens_file_exits_2(project_dir: Path, ledger_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--project", str(project_dir), "--database", ledger_url,
                                      "--tokens-file", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "cannot read tokens file" in result.output
