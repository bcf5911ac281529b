"""A throwaway Spark Connect server for the test session, started by scripts/ensure-spark.sh.

Like the PostgreSQL server (tests/support/postgres.py), it lives in a temp folder of its own, listens on a
random loopback port and is stopped at the end; a server that cannot start fails the tests that need it
(never skips them), so CI cannot pass without running them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure-spark.sh"


@pytest.fixture(scope="session")
def spark_url() -> Iterator[str]:
    """`sc://127.0.0.1:PORT` of a fresh local Spark Connect server that lives for the whole test session."""
    state = Path(tempfile.mkdtemp(prefix="semantic-spark-"))
    env = {**os.environ, "SPARK_STATE_DIR": str(state), "PYTHON": sys.executable}
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0:
        shutil.rmtree(state, ignore_errors=True)
        pytest.fail(f"the Spark Connect server did not start ({done.returncode}): "
                    f"{done.stderr.strip()[-2000:] or done.stdout.strip()}", pytrace=False)
    try:
        yield done.stdout.strip().splitlines()[-1]
    finally:
        from semantic.spark_connect import close_sessions

        close_sessions()
        subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, env=env, timeout=60)
        shutil.rmtree(state, ignore_errors=True)
