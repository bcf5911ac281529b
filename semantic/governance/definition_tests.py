"""Definition tests: questions asked of the definitions on a hand-made ledger, with the answers counted by hand.

They live in `definition_tests/*.yaml` beside the definitions, not in them: a test is not part of what the
API serves, so editing one must not change the definitions version (nor reload a server), and the base of a
pull request is loaded without them. Each file names its fixture ledger (YAML rows, fixture_ledger.py) and a
`today` that relative ranges and hygiene are judged on; each test asks a metric question (or a saved query)
and states the expected rows and/or invariants (semantic/governance/expectations.py judges them).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import Field, ValidationError, model_validator
from sqlalchemy.exc import SQLAlchemyError

from semantic.definitions import Definitions
from semantic.definitions.model_types import Model, Name
from semantic.definitions.schema_check import parse_item
from semantic.definitions.yaml_source import SourceMap, load_yaml_file
from semantic.errors import Issue, IssueList, Position, SemanticError, first_line
from semantic.execute import execute_compiled, json_rows
from semantic.governance.expectations import Outcome, Verdict, check_expected_rows, check_invariants
from semantic.governance.fixture_ledger import load_fixture_ledger
from semantic.layer import SemanticLayer, VersionInfo
from semantic.question import Question
from semantic.result import Result
from semantic.settings import ExecutionSettings

TESTS_FOLDER = "definition_tests"


class Invariants(Model):
    between_0_and_1: tuple[Name, ...] = Field((), description="Metrics every value of which lies in [0, 1].")
    non_negative: tuple[Name, ...] = Field((), description="Metrics no value of which is below 0.")
    sums_to_total: tuple[Name, ...] = Field((), description="Metrics whose values by the question's dimensions "
                                                           "add up to the value asked without them.")


class DefinitionTest(Model):
    description: str | None = None
    question: Question | None = Field(None, description="The question, shaped like a saved query.")
    saved: Name | None = Field(None, description="A saved query to ask instead of `question`.")
    today: date | None = Field(None, description="Overrides the file's `today` for this test.")
    expect: tuple[dict[str, Any], ...] | None = Field(None, description="Every row of the answer: its period and "
                                                      "dimension values and the metric values to check.")
    invariants: Invariants | None = None
    tolerance: float = Field(1e-9, ge=0, description="Largest absolute difference accepted between numbers.")

    @model_validator(mode="after")
    def _asks_and_checks(self) -> "DefinitionTest":
        if (self.question is None) == (self.saved is None):
            raise ValueError("give exactly one of `question` or `saved`")
        if self.expect is None and self.invariants is None:
            raise ValueError("give `expect` rows, `invariants`, or both")
        return self


class DefinitionTestFile(Model):
    ledger: str = Field(description="The fixture ledger's YAML file, relative to this file.")
    today: date = Field(description="The day relative ranges (this_quarter ...) and hygiene are judged on.")
    tests: dict[Name, DefinitionTest] = Field(min_length=1)


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]
    issues: tuple[Issue, ...]  # problems with the test files or fixtures themselves (file:line:col, code, hint)
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.issues and bool(self.outcomes) and all(o.verdict is Verdict.passed for o in self.outcomes)


def definition_test_files(project: Path) -> list[Path]:
    folder = project / TESTS_FOLDER
    return sorted(p for p in folder.glob("*.y*ml") if p.is_file()) if folder.is_dir() else []


def run_definition_tests(project: Path, defs: Definitions) -> Report:
    """Run every test of every file; a broken file is reported as issues and the other files still run."""
    issues, outcomes, files = IssueList(), [], definition_test_files(project)
    for path in files:
        shown = path.relative_to(project).as_posix()
        smap = SourceMap()
        data = load_yaml_file(path, shown, smap, issues)
        parsed = parse_item(DefinitionTestFile, data, shown, (), smap, issues) if data is not None else None
        if parsed is None:
            continue
        ledger_path = path.parent / parsed.ledger
        if not ledger_path.is_file():
            issues.add("E_FIXTURE_MISSING", f"the fixture ledger '{parsed.ledger}' does not exist",
                       smap.value(shown, ("ledger",)), f"write it next to {shown}, or fix the path (relative "
                       "to the test file)")
            continue
        engine = load_fixture_ledger(ledger_path, ledger_path.relative_to(project).as_posix(), issues)
        if engine is None:
            continue
        try:
            for name, test in parsed.tests.items():
                outcomes.extend(_run_one(defs, engine, parsed, name, test, shown, smap))
        finally:
            engine.dispose()
    return Report(tuple(outcomes), tuple(issues.sorted()), tuple(p.relative_to(project).as_posix() for p in files))


def _run_one(defs: Definitions, engine: sa.Engine, file: DefinitionTestFile, name: str, test: DefinitionTest, shown: str,
             smap: SourceMap) -> list[Outcome]:
    def at(*path: Any) -> Position:
        return smap.value(shown, ("tests", name, *path)) or Position(shown, 1, 1)

    settings = ExecutionSettings(today=test.today or file.today)
    layer = SemanticLayer(defs, "duckdb:///:memory:", VersionInfo(defs.version), settings)
    asked_at = at("question") if test.question is not None else at("saved")
    named_at = smap.key(shown, ("tests", name)) or asked_at
    try:
        question = test.question or _saved_question(layer, test.saved or "")

        def ask(q: Question) -> Result:
            compiled = layer.compile(q)
            with engine.connect() as conn:
                fetched = execute_compiled(conn, compiled).fetchall()
            return Result(compiled.columns, json_rows(compiled, fetched), str(layer.version), False, compiled)

        answer = ask(question)
        outcomes: list[Outcome] = []
        if test.expect is not None:
            outcomes += check_expected_rows(name, answer, test.expect, test.tolerance, at)
        if test.invariants is not None:
            outcomes += check_invariants(name, answer, question, test.invariants, test.tolerance, ask, at)
    except SemanticError as exc:
        return [Outcome(name, asked_at, Verdict.error, f"[{exc.code}] {exc}")]
    except ValidationError as exc:  # a saved query whose fields no longer make a question
        return [Outcome(name, asked_at, Verdict.error, f"[E_BAD_REQUEST] {exc.errors()[0]['msg']}")]
    except SQLAlchemyError as exc:
        return [Outcome(name, asked_at, Verdict.error, f"[E_QUERY_FAILED] {first_line(exc)} (does the fixture "
                        "ledger hold every table and column the question reads?)")]
    return outcomes or [Outcome(name, named_at, Verdict.passed, "")]


def _saved_question(layer: SemanticLayer, name: str) -> Question:
    saved = layer.saved_query(name)
    if saved.funnel:
        raise SemanticError("E_BAD_REQUEST", f"saved query '{name}' runs a funnel",
                            "definition tests ask metric questions: name a saved query of metrics")
    return Question.from_saved(saved)
