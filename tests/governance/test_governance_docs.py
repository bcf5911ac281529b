"""docs/governance.md stays true: its workflow's commands are ones the CLI accepts, and its example definition
test passes on the starter project."""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from semantic.cli import app


def blocks(repo_root: Path, language: str) -> list[str]:
    text = (repo_root / "docs" / "governance.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_workflow_runs_commands_the_cli_accepts(repo_root):
    workflow = yaml.safe_load(next(b for b in blocks(repo_root, "yaml") if "runs-on" in b))
    runs = [step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step]
    commands = [line.split(">")[0] for run in runs for line in run.splitlines() if line.startswith("semantic ")]
    assert [c.split()[1] for c in commands] == ["validate", "test", "demo", "diff"]
    for command in commands:
        result = CliRunner().invoke(app, [*shlex.split(command)[1:], "--help"])
        assert result.exit_code == 0, f"{command}: {result.output}"


def test_the_example_definition_test_passes(repo_root, tmp_path):
    example = next(b for b in blocks(repo_root, "yaml") if b.startswith("# definition_tests/outcomes.yaml"))
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(repo_root / name, tmp_path / name)
    shutil.copytree(repo_root / "definition_tests" / "ledgers", tmp_path / "definition_tests" / "ledgers")
    (tmp_path / "definition_tests" / "outcomes.yaml").write_text(example, encoding="utf-8")
    result = CliRunner().invoke(app, ["test", "-p", str(tmp_path), "-v"])
    assert result.exit_code == 0, result.output
    assert result.output.count("PASSED") == 3


def test_the_failure_sample_is_what_semantic_test_prints(repo_root, tmp_path):
    text = (repo_root / "docs" / "governance.md").read_text(encoding="utf-8")
    sample = re.search(r"a rep named Bob\):\n```\n(.*?)```", text, flags=re.S).group(1)
    for name in ("metrics.yaml", "glossary.yaml"):
        shutil.copy(repo_root / name, tmp_path / name)
    shutil.copytree(repo_root / "definition_tests", tmp_path / "definition_tests")
    starter = tmp_path / "definition_tests" / "starter.yaml"
    starter.write_text(starter.read_text().replace("      - bookings: 45000 ", "      - bookings: 45500 ")
                       .replace("{rep.name: Bo, quota: 15000", "{rep.name: Bob, quota: 15000"))
    result = CliRunner().invoke(app, ["test", "-p", str(tmp_path)])
    assert result.exit_code == 1 and result.output == sample
