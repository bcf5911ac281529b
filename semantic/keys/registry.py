"""Key checks remembered per database, definitions version and data version, so answers can say what they
rest on without probing the database each time.

A key is *verified* for an answer when this process checked it on the same database, with the same
definitions, on the same data version (a DuckDB file's stamp; a server database has none, so there only the
age counts), less than `key_check_max_age_s` seconds ago. Anything else is *unverified*: before answering,
the layer checks the keys the answer depends on that are unverified, so an answer is only ever unverified
when checks are switched off (`key_check_max_age_s = 0`). A check that could not run (a timeout, keys of
incomparable types) is reported as W_KEY_UNCHECKED and not remembered: the next answer tries again.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from semantic.definitions.project import Definitions
from semantic.errors import Issue, SemanticError
from semantic.engines import EngineLimits, backend_of, database_for
from semantic.execute import fetch
from semantic.keys.findings import UNCHECKED
from semantic.keys.probe import Target, run_checks, targets
from semantic.settings import ExecutionSettings


@dataclass(frozen=True)
class KeyReport:
    """Findings of the checked targets, the data they were measured on, and how long the checks took."""

    findings: tuple[Issue, ...]
    checked: tuple[Target, ...]
    data_version: str | None
    seconds: float


@dataclass
class _Entry:
    findings: list[Issue]
    at: float  # time.monotonic() of the check


@dataclass
class KeyChecks:
    """The process-wide memory of key checks (one instance: KEY_CHECKS)."""

    _entries: dict[tuple, _Entry] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, defs: Definitions, url: str, settings: Any, wanted: tuple[Target, ...] | None = None,
              max_age_s: float | None = None, cancel: threading.Event | None = None) -> KeyReport:
        """Findings for `wanted` (default: every key of the definitions), checking those not verified.

        `max_age_s` 0 forces a fresh check (what `semantic validate --database` and a server reload do);
        `cancel` stops the checks of a question whose client went away (E_QUERY_CANCELLED)."""
        wanted = targets(defs) if wanted is None else wanted
        max_age = settings.key_check_max_age_s if max_age_s is None else max_age_s
        started = time.perf_counter()
        version = database_for(url).current_version(EngineLimits.of(settings))
        stale = [t for t in wanted if not self._fresh(self._key(defs, url, version, t), max_age)]
        failed: dict[Target, list[Issue]] = {}  # checks that could not run: reported, not remembered
        if stale:
            def run(statement: sa.Select) -> list[Any]:
                return fetch(url, settings, cancel, lambda conn, _engine: conn.execute(statement), None)[0]

            measured = run_checks(defs, tuple(stale), backend_of(url), run)
            failed = {t: found for t, found in measured.items() if any(f.code == UNCHECKED for f in found)}
            now = time.monotonic()
            with self._lock:
                for old in [k for k in self._entries if k[0] == url and k[2] != version]:
                    del self._entries[old]  # measured on data that has since been replaced
                for target, found in measured.items():
                    if target not in failed:
                        self._entries[self._key(defs, url, version, target)] = _Entry(found, now)
        findings = [f for t in wanted
                    for f in failed.get(t) or self._findings(self._key(defs, url, version, t))]
        return KeyReport(tuple(findings), wanted, version, time.perf_counter() - started)

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()

    @staticmethod
    def _key(defs: Definitions, url: str, version: str | None, target: Target) -> tuple:
        return url, defs.version, version, target

    def _fresh(self, key: tuple, max_age_s: float) -> bool:
        entry = self._entries.get(key)
        return entry is not None and max_age_s > 0 and time.monotonic() - entry.at < max_age_s

    def _findings(self, key: tuple) -> list[Issue]:
        entry = self._entries.get(key)
        return entry.findings if entry is not None else []


KEY_CHECKS = KeyChecks()


def key_issues(defs: Definitions, url: str, settings: Any = None) -> list[Issue]:
    """Every key of the definitions checked afresh, as validation issues (E_DB_CONNECT if the database fails)."""
    try:
        report = KEY_CHECKS.check(defs, url, settings or ExecutionSettings(), max_age_s=0)
    except SemanticError as exc:
        return [Issue("E_DB_CONNECT", f"cannot check keys: [{exc.code}] {exc.message}", None, exc.hint)]
    return list(report.findings)
