"""`semantic test`: run the project's definition tests (definition_tests/*.yaml) on their fixture ledgers.

One line per failure, file:line:col first like `semantic validate`, so CI annotates the expectation that
broke; exit 0 when every test passes, 1 when any fails, errors, or no test exists (a CI job that tests
nothing must not look green).
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from semantic.cli.app import ProjectOption, app, err, fail, out
from semantic.definitions import require_valid
from semantic.errors import DefinitionsInvalid
from semantic.governance.definition_tests import TESTS_FOLDER, run_definition_tests
from semantic.governance.expectations import Verdict


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("test")
def test_command(project: Path = ProjectOption,
                 verbose: bool = typer.Option(False, "--verbose", "-v", help="List passing tests too."),
                 output: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f", help="text or json.")) -> None:
    """Run the definition tests: expected metric values and invariants on small fixture ledgers."""
    try:
        defs = require_valid(project)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail("the definitions are invalid", "fix the issues above (semantic validate)") from None
    report = run_definition_tests(project, defs)
    if not report.files:
        raise fail(f"[E_NO_DEFINITION_TESTS] no test files in {project / TESTS_FOLDER}",
                   "write definition_tests/<name>.yaml (docs/governance.md shows one)")
    if output is ReportFormat.json:
        payload = {"ok": report.ok, "files": list(report.files),
                   "issues": [i.to_dict() for i in report.issues],
                   "tests": [{"test": o.test, "verdict": o.verdict.value, "message": o.message,
                              "file": o.position.file, "line": o.position.line, "col": o.position.col}
                             for o in report.outcomes]}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        for issue in report.issues:
            out.print(issue.render(), highlight=False, markup=False)
        for outcome in report.outcomes:
            if verbose or outcome.verdict is not Verdict.passed:
                out.print(outcome.render(), highlight=False, markup=False)
        tests = {(o.position.file, o.test) for o in report.outcomes}
        failed = {(o.position.file, o.test) for o in report.outcomes if o.verdict is not Verdict.passed}
        files = f"{len(report.files)} file" + ("" if len(report.files) == 1 else "s")
        summary = f"{len(tests) - len(failed)} passed, {len(failed)} failed in {files}"
        if report.issues:
            summary += f"; {len(report.issues)} problems in the test files or fixtures"
        out.print(summary, highlight=False, markup=False)
    if not report.ok:
        raise typer.Exit(1)
