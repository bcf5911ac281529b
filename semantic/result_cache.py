"""Answers kept for the next identical question, until the definitions or the data move on.

An answer changes only when the SQL, its bound values, the definitions, the data or who asks change, so the
key is a digest of exactly those: the statement's text and values as the driver runs them, the dialect, the
definitions version, the data version (semantic/probes.py), the caller's access context (`Caller.cache_key()`)
and the settings that shape an answer (max_rows; max_periods and max_cells, since a hit skips the cost check;
whether key checks are on, since they decide the answer's warnings). A reload or a data change is therefore
never answered from an old entry: the old key is simply not asked for again, and least recently used entries
make room. Without a data version nothing is cached. The server keeps whole responses in the same cache, under
the same budget (server/kept_responses.py).

The bound is in bytes: each entry counts its rows serialised as JSON (what a client receives), which also
keeps one huge answer from holding the whole cache. One cache serves every layer on a database URL, so a
server's requests share it across reloads. Cached rows are read-only lists of read-only dicts: a caller that tries to
change an answer another request will receive gets a TypeError instead.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Hashable, NoReturn

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from semantic.result import Result

MB = 1024 * 1024


class FrozenRow(dict):
    """A row no one can change: a dict (JSON encoders and `dict(row)` take it as one) whose mutators raise."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise TypeError("cached answer rows are read-only; copy with dict(row) to change one")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore


class FrozenRows(list):
    """The rows of a cached answer: a list (equal to one, JSON-encodable as one) that refuses changes."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise TypeError("cached answer rows are read-only; copy with list(rows) to change them")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse  # type: ignore


def frozen(result: Result) -> Result:
    """The result with rows nobody can change (one shallow copy, made when it is stored)."""
    return replace(result, rows=FrozenRows(FrozenRow(row) for row in result.rows))


def answer_key(dialect: str, statement: tuple[str, Any], definitions_version: str, data_version: str,
               caller_key: str, settings: Any) -> str:
    """The digest an answer is stored under; `statement` is the text and values the driver runs (rendered
    once, and reused to execute)."""
    text, values = statement
    shown_values = sorted((k, repr(v)) for k, v in values.items()) if isinstance(values, dict) else [
        repr(v) for v in values or ()]
    parts = [dialect, text, shown_values, definitions_version, data_version, caller_key,
             (settings.max_rows, settings.max_periods, settings.max_cells, settings.key_check_max_age_s > 0)]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def answer_size(result: Result) -> int:
    """Bytes an entry counts: its rows and column names as compact JSON."""
    body = json.dumps([[c.name for c in result.columns], result.rows], default=str, separators=(",", ":"))
    return len(body.encode())


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    evictions: int
    entries: int
    bytes: int
    max_bytes: int


class ResultCache:
    """Least recently used answers, at most `max_bytes` in all; safe to share between threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.hits = self.misses = self.evictions = 0
        self.bytes = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, *, count_miss: bool = True) -> Any:
        """The entry, or None; `count_miss=False` for a first look that another lookup follows on a miss."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += count_miss
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: str, result: Result) -> Result:
        """Store an answer (truncated ones are not: they are not the whole answer); returns the read-only copy
        to hand out, or `result` itself when it was not stored."""
        if result.truncated or self.max_bytes <= 0:
            return result
        stored = frozen(result)
        return stored if self.keep(key, stored, answer_size(result)) else result

    def keep(self, key: Hashable, value: Any, size: int) -> bool:
        """Store any read-only value counted as `size` bytes (the server keeps whole responses here too, so
        one budget bounds both); False when it does not fit at all."""
        if self.max_bytes <= 0 or size > self.max_bytes:
            return False
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted
                self.evictions += 1
        return True

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self.hits, self.misses, self.evictions, len(self._entries), self.bytes, self.max_bytes)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0


_caches: dict[str, ResultCache] = {}
_lock = threading.Lock()


def result_cache_for(url: str | None, max_mb: float) -> ResultCache:
    """The one cache of a database URL (every layer on it shares it); a later, different size resizes it (the
    next store evicts down to it), except 0: a layer with the cache off leaves the others' cache alone."""
    with _lock:
        cache = _caches.get(url or "")
        if cache is None:
            cache = _caches[url or ""] = ResultCache(int(max_mb * MB))
        elif max_mb > 0:
            cache.max_bytes = int(max_mb * MB)
        return cache


def all_cache_stats() -> dict[str, CacheStats]:
    """Stats of every database's cache, keyed by URL (for /metrics: hits, misses, evictions, bytes)."""
    with _lock:
        caches = dict(_caches)
    return {_shown_url(url): cache.stats() for url, cache in caches.items()}


def _shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True) if url else url
    except ArgumentError:
        return url
