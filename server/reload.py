"""`--watch`: poll the definitions files and swap in a new version once a valid change has settled.

Polling mtimes (plus sizes, plus the file list so new files under definitions/ count) needs no extra
dependency and behaves the same on every filesystem. The signature also covers git's HEAD and the ref it
points to, so a commit that leaves the files as they are still gives the served version its new git part.

When is a change "settled"? An editor or a script may write a file in several chunks, pausing between them;
a half-written file can be valid YAML that merely lacks the metrics still to come, so parsing alone cannot
tell it from a real edit. The defence is time: a change is loaded only when the signature has stayed the
same for `reload_settle_s` (observed at two ticks at least that far apart), and it is swapped in only if the
files are still the same after loading. A writer that pauses for longer than `reload_settle_s` mid-file can
still get its partial file loaded if that file is valid; writing a temporary file and renaming it over the
original (what most editors do) is atomic and never exposes a partial file. A version with no metric at all
(an empty or whitespace-only file caught mid-write) is always refused.
"""
from __future__ import annotations

import logging
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

from semantic.definitions.project import project_files
from semantic.errors import DefinitionsInvalid
from semantic.dberrors import sanitize
from server.failures import short
from server.key_checks import check_keys
from server.state import Served, ServedRef

log = logging.getLogger("semantic.server")
Signature = tuple[tuple[str, int, int], ...]
EMPTY_PROJECT = ("error[E_EMPTY_PROJECT] the new definitions define no metric (an empty or half-written file?) "
                 "-- hint: write the files completely; write a temporary file and rename it over the original")


def git_dirs(project_dir: Path) -> tuple[Path, Path] | None:
    """(git dir, common git dir) of the repository holding the project, or None outside git."""
    try:
        found = subprocess.run(["git", "-C", str(project_dir), "rev-parse", "--absolute-git-dir",
                                "--git-common-dir"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = found.stdout.split("\n")
    if found.returncode != 0 or len(lines) < 2:
        return None
    git_dir = Path(lines[0])
    common = Path(lines[1])
    return git_dir, common if common.is_absolute() else (project_dir / common).resolve()


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace").strip()
    except OSError:
        return ""


def git_signature(dirs: tuple[Path, Path] | None) -> tuple[str, ...]:
    """HEAD, the commit its branch points to (loose or packed): what a commit or checkout changes."""
    if dirs is None:
        return ()
    git_dir, common = dirs
    head = _read(git_dir / "HEAD")
    ref = head[len("ref:"):].strip() if head.startswith("ref:") else ""
    target = (_read(git_dir / ref) or _read(common / ref)) if ref else ""
    packed = common / "packed-refs"
    packed_stamp = str(packed.stat().st_mtime_ns) if packed.exists() else ""
    return head, target, packed_stamp


def files_signature(project_dir: Path) -> Signature:
    out = []
    for path in project_files(project_dir):
        try:
            stat = path.stat()
        except OSError:
            continue  # deleted between listing and stat; the next tick sees the new list
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


class Reloader:
    def __init__(self, ref: ServedRef, project_dir: str | Path, build: Callable[[], Served],
                 interval_s: float, settle_s: float = 0.0) -> None:
        self.ref = ref
        self.project_dir = Path(project_dir)
        self.build = build
        self.interval_s = interval_s
        self.settle_s = settle_s
        self.git = git_dirs(self.project_dir)
        self.seen = self.signature()
        self.pending: tuple | None = None  # a changed signature waiting to settle, and since when
        self.pending_since = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def signature(self) -> tuple:
        return files_signature(self.project_dir), git_signature(self.git)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="semantic-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check_once()
            except Exception as exc:  # the watcher must outlive any surprise; the old version keeps serving
                log.error("unexpected error while reloading definitions: %s: %s", type(exc).__name__,
                          sanitize(short(exc)))

    def settled(self, current: tuple) -> bool:
        """True once `current` differs from what is served and has not changed for `settle_s`."""
        now = time.monotonic()
        if current == self.seen:
            self.pending = None
            return False
        if current != self.pending:
            self.pending, self.pending_since = current, now
            return self.settle_s <= 0
        return now - self.pending_since >= self.settle_s

    def check_once(self) -> bool:
        """Reload if a change has settled since the last look; True when a new version was swapped in."""
        before = self.signature()
        if not self.settled(before):
            return False
        try:
            served = self.build()
        except DefinitionsInvalid as exc:
            issues = [i.render() for i in exc.issues if i.severity == "error"]
        except Exception as exc:  # e.g. a schema that cannot be generated: refuse it like invalid YAML
            issues = [f"error[E_RELOAD_FAILED] {type(exc).__name__}: {sanitize(short(exc))}"]
        else:
            if self.signature() != before:
                return False  # edited while loading: wait for the files to settle again
            if served.layer.definitions.metrics:
                self.seen, self.pending = before, None
                self.ref.swap(served)
                # probing the keys reads the database: never keep the watcher from seeing the next edit
                threading.Thread(target=check_keys, args=(served.layer,), name="key-check", daemon=True).start()
                return True
            issues = [EMPTY_PROJECT]
        if self.signature() == before:
            self.seen, self.pending = before, None
            self.ref.refuse(issues)
        return False
