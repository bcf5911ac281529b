"""`--watch`: poll the definitions files and swap in a new version when a valid change lands.

Polling mtimes (plus sizes, plus the file list so new files under definitions/ count) needs no extra
dependency and behaves the same on every filesystem. A change is loaded off the event loop in this thread;
if the files change again while loading, the result is thrown away and the next tick retries, so a
version stamp never describes files other than the ones that were parsed.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

from semantic.definitions.project import project_files
from semantic.errors import DefinitionsInvalid
from server.state import Served, ServedRef

log = logging.getLogger("semantic.server")
Signature = tuple[tuple[str, int, int], ...]


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
                 interval_s: float) -> None:
        self.ref = ref
        self.project_dir = Path(project_dir)
        self.build = build
        self.interval_s = interval_s
        self.seen = files_signature(self.project_dir)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

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
            except Exception:  # the watcher must outlive any surprise; the old version keeps serving
                log.exception("unexpected error while reloading definitions")

    def check_once(self) -> bool:
        """Reload if the files changed since the last look; True when a new version was swapped in."""
        before = files_signature(self.project_dir)
        if before == self.seen:
            return False
        try:
            served = self.build()
        except DefinitionsInvalid as exc:
            issues = [i.render() for i in exc.issues if i.severity == "error"]
        except Exception as exc:  # e.g. a schema that cannot be generated: refuse it like invalid YAML
            log.exception("building the new version failed")
            issues = [f"{type(exc).__name__}: {exc}"]
        else:
            if files_signature(self.project_dir) != before:
                return False  # edited while loading: retry on the next tick with the settled files
            self.seen = before
            self.ref.swap(served)
            return True
        if files_signature(self.project_dir) == before:
            self.seen = before
            self.ref.refuse(issues)
        return False
