"""Shared test fixtures."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.support.postgres import postgres_url  # noqa: F401
from tests.support.spark import spark_url  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)
    from semantic.execute import dispose_engines

    dispose_engines()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """End the process as soon as pytest is done, with pytest's own exit code.

    DuckDB 2.0's nanobind bindings print 'leaked function' warnings while the interpreter tears down its
    modules, burying pytest's summary line; nothing of ours runs after this point, so skipping the
    teardown loses nothing (fixtures, servers and temp dirs are already finalised).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)
