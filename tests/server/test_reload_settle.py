"""The reloader loads a change only once it has settled, refuses a project without metrics, and follows
git commits even when the files stay the same."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from server.reload import Reloader
from server.settings import ServerSettings
from server.state import ServedRef, build_served

SETTLE_S = 0.3


def reloader_for(project_dir: Path, ledger_url: str, settle_s: float = SETTLE_S) -> Reloader:
    build = lambda: build_served(project_dir, ledger_url, ServerSettings())  # noqa: E731
    return Reloader(ServedRef(build()), project_dir, build, interval_s=0.05, settle_s=settle_s)


def add_line(path: Path, text: str) -> None:
    with path.open("a") as handle:
        handle.write(text)


def test_a_change_waits_until_the_files_settle(project_dir: Path, ledger_url: str) -> None:
    reloader = reloader_for(project_dir, ledger_url)
    first = reloader.ref.current.version
    metrics = project_dir / "metrics.yaml"
    add_line(metrics, "# one\n")
    assert reloader.check_once() is False  # seen, not yet settled
    time.sleep(SETTLE_S * 0.6)
    add_line(metrics, "# two\n")  # still being written: the settle window starts again
    assert reloader.check_once() is False
    time.sleep(SETTLE_S * 0.6)
    assert reloader.check_once() is False  # 0.18 s since the last write
    time.sleep(SETTLE_S * 0.6)
    assert reloader.check_once() is True
    assert reloader.ref.current.version != first and reloader.ref.reloads == 1
    assert reloader.check_once() is False  # nothing new


def test_a_half_written_file_with_pauses_shorter_than_the_window_is_never_loaded(project_dir: Path,
                                                                                ledger_url: str) -> None:
    reloader = reloader_for(project_dir, ledger_url)
    first = reloader.ref.current.version
    metrics = project_dir / "metrics.yaml"
    text = metrics.read_text()
    metrics.write_text(text[: len(text) // 3])
    loaded = []
    for chunk in (text[len(text) // 3: 2 * len(text) // 3], text[2 * len(text) // 3:]):
        for _ in range(4):  # polls during the pause, which is longer than the poll interval
            time.sleep(0.05)
            loaded.append(reloader.check_once())
        add_line(metrics, chunk)
    assert loaded == [False] * 8 and reloader.ref.reloads == 0 and reloader.ref.last_reload_error is None
    time.sleep(SETTLE_S + 0.05)
    assert reloader.check_once() is False  # the last chunk is news to it: its window starts now
    time.sleep(SETTLE_S + 0.05)
    assert reloader.check_once() is True
    # the complete file is the original text again: same content hash as at start, never refused meanwhile
    assert reloader.ref.current.version == first and reloader.ref.last_reload_error is None


@pytest.mark.parametrize("content", ["", "   \n\n  \n"])
def test_a_project_without_metrics_is_refused(project_dir: Path, ledger_url: str, content: str) -> None:
    reloader = reloader_for(project_dir, ledger_url, settle_s=0)
    first = reloader.ref.current.version
    for name in ("metrics.yaml", "glossary.yaml"):  # every file emptied: nothing left to contradict
        (project_dir / name).write_text(content)
    assert reloader.check_once() is False
    assert reloader.ref.current.version == first
    issues = reloader.ref.last_reload_error.issues
    assert issues and all("E_EMPTY_PROJECT" in issue for issue in issues), issues


def git(project_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(project_dir), "-c", "user.email=t@example.com", "-c", "user.name=t",
                           *args], check=True, capture_output=True, text=True).stdout.strip()


def test_the_version_follows_commits_with_unchanged_files(project_dir: Path, ledger_url: str) -> None:
    git(project_dir, "init", "-q")
    git(project_dir, "add", "-A")
    git(project_dir, "commit", "-qm", "first")
    reloader = reloader_for(project_dir, ledger_url, settle_s=0)
    before = reloader.ref.current.layer.version
    assert before.git_commit == git(project_dir, "rev-parse", "HEAD")
    git(project_dir, "commit", "-q", "--allow-empty", "-m", "second")
    assert reloader.check_once() is True
    after = reloader.ref.current.layer.version
    assert after.git_commit == git(project_dir, "rev-parse", "HEAD") != before.git_commit
    assert after.content == before.content
