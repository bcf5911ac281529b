"""Stream the records of a JSON export one at a time, so memory holds one record however large the file.

Three layouts are read, which is how the public APIs' responses end up saved to disk:
- JSON Lines (`.jsonl` / `.ndjson`): one record per line; a record's number is its 1-based line number;
- a JSON array of records: the n-th element is record n (counting from 1);
- a JSON object (one API response page): the elements of its `array_key` array (`items`, `results`) are the
  records; an object without that key is itself the one record of the file.
The standard library has no incremental JSON parser, so `_Scanner` finds where each element of an array
ends (tracking strings, escapes and open brackets with two regular expressions) and hands only that text
to `json.loads`. A broken element therefore costs only itself: it becomes a `Reject` and the next one is
read. Bytes that are not UTF-8 are replaced by U+FFFD (the record is kept; the damaged text shows it).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from semantic.ingest.adapters import AdapterOptions, open_text

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
_CHUNK = 1 << 16
_STRUCTURE = re.compile(r'["\[\]{}]')
_IN_STRING = re.compile(r'["\\]')
_SCALAR_END = re.compile(r'[\s,\]}]')
_SPACE = re.compile(r"\s*")
_CLOSING = {"[": "]", "{": "}"}


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as found in the file: its number, its text, and the parsed value or why it failed."""
    number: int
    text: str
    value: Any = None
    error: str | None = None


def json_records(path: Path, array_key: str | None = None,
                 options: AdapterOptions = AdapterOptions()) -> Iterator[RawRecord]:
    """The records of `path` in file order (see the module docstring for the layouts)."""
    with open_text(path, options, newline="", errors="replace") as stream:
        if path.suffix.lower() in JSON_LINES_SUFFIXES:
            yield from _lines(stream)
        else:
            yield from _document(_Scanner(stream), array_key)


def _lines(stream: TextIO) -> Iterator[RawRecord]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield _parse(number, line.rstrip("\r\n"))


def _parse(number: int, text: str) -> RawRecord:
    try:
        return RawRecord(number, text, json.loads(text))
    except ValueError as exc:
        return RawRecord(number, text, error=f"not valid JSON ({exc})")


def _document(scanner: _Scanner, array_key: str | None) -> Iterator[RawRecord]:
    first = scanner.peek()
    if first == "[":
        scanner.advance()
        yield from _array(scanner)
    elif first == "{" and array_key is not None:
        yield from _envelope(scanner, array_key)
    elif first is not None:
        text = scanner.value()
        yield _parse(1, text)


def _array(scanner: _Scanner, number: int = 0) -> Iterator[RawRecord]:
    """The elements of an array whose `[` was just consumed; stops after its `]` or at the end of the file."""
    while True:
        char = scanner.peek()
        if char is None or char in "]}":
            if char is not None:
                scanner.advance()
            return
        if char == ",":
            scanner.advance()
            continue
        number += 1
        text = scanner.value()
        if scanner.truncated:
            yield RawRecord(number, text, error="the file ends inside this record (truncated export?)")
            return
        yield _parse(number, text)


def _envelope(scanner: _Scanner, array_key: str) -> Iterator[RawRecord]:
    """Walk a response object's members; stream `array_key`, keep the other (small) members in case there is
    no such array and the object itself is the record."""
    scanner.advance()
    members: dict[str, Any] = {}
    while (char := scanner.peek()) not in (None, "}"):
        if char == ",":
            scanner.advance()
            continue
        key_text = scanner.value()
        if scanner.peek() == ":":
            scanner.advance()
        try:
            key = json.loads(key_text)
        except ValueError:
            key = key_text
        if key == array_key and scanner.peek() == "[":
            scanner.advance()
            yield from _array(scanner)
            return
        value_text = scanner.value()
        try:
            members[str(key)] = json.loads(value_text)
        except ValueError as exc:
            yield RawRecord(1, value_text, error=f"member {key!r} is not valid JSON ({exc})")
            return
    yield RawRecord(1, json.dumps(members)[:10_000], members)


class _Scanner:
    """A window onto a text stream that hands out the raw text of one JSON value at a time."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._buf = ""
        self._pos = 0
        self._eof = False
        self.truncated = False

    def _fill(self) -> bool:
        """Read another chunk, dropping what was consumed; False at the end of the file."""
        if self._eof:
            return False
        chunk = self._stream.read(_CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buf = self._buf[self._pos:] + chunk
        self._pos = 0
        return True

    def peek(self) -> str | None:
        """The next non-space character (not consumed), or None at the end of the file."""
        while True:
            self._pos = _SPACE.match(self._buf, self._pos).end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return None

    def advance(self) -> None:
        self._pos += 1

    def value(self) -> str:
        """The text of the value starting here (an object, array, string or scalar), consumed."""
        self.peek()
        end = self._scan()  # reading more keeps the value's start at self._pos (see _fill)
        text = self._buf[self._pos:end]
        self._pos = end
        return text

    def _scan(self) -> int:
        """Index just past the value starting at self._pos; sets `truncated` when the file ends first."""
        start = self._pos
        if start >= len(self._buf):
            return start
        if self._buf[start] not in '"[{':
            return self._scan_scalar()
        open_brackets: list[str] = []
        in_string, i = False, start
        while True:
            match = (_IN_STRING if in_string else _STRUCTURE).search(self._buf, i)
            if match is None or (match.group() == "\\" and match.end() >= len(self._buf)):
                offset = i - self._pos
                if not self._fill():
                    self.truncated = True
                    return len(self._buf)
                i = self._pos + offset
                continue
            char, i = match.group(), match.end()
            if in_string:
                if char == "\\":
                    i += 1
                    continue
                in_string = False
                if not open_brackets:
                    return i
            elif char == '"':
                in_string = True
            elif char in "[{":
                open_brackets.append(_CLOSING[char])
            elif char in open_brackets:
                # A closer that skips unclosed brackets closes them too, so a broken record ends where its
                # writer meant it to and the next record is still found.
                del open_brackets[len(open_brackets) - 1 - open_brackets[::-1].index(char):]
                if not open_brackets:
                    return i

    def _scan_scalar(self) -> int:
        while True:
            match = _SCALAR_END.search(self._buf, self._pos)
            if match is not None:
                return match.start()
            if not self._fill():
                return len(self._buf)
