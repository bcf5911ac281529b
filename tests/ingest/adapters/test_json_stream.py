"""The streaming JSON reader: record boundaries, numbering, and recovery from broken records."""
from __future__ import annotations

from pathlib import Path

import pytest

from semantic.ingest.adapters import ADAPTERS, AdapterOptions, adapter, json_stream
from semantic.ingest.adapters.json_stream import json_records
from semantic.ingest.errors import IngestError


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "_CHUNK", 5)  # records straddle many reads


def _read(tmp_path: Path, text: str, name: str = "x.json", key: str | None = "items") -> list[tuple]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [(r.number, r.text, r.value, r.error is not None) for r in json_records(path, key)]


def test_brackets_and_escapes_inside_strings(tmp_path: Path) -> None:
    text = '[{"a": "x\\"]}[{"}, {"b": [1, {"c": "\\\\"}]}, 7, "s"]'
    assert _read(tmp_path, text) == [
        (1, '{"a": "x\\"]}[{"}', {"a": 'x"]}[{'}, False),
        (2, '{"b": [1, {"c": "\\\\"}]}', {"b": [1, {"c": "\\"}]}, False),
        (3, "7", 7, False),
        (4, '"s"', "s", False),
    ]


def test_a_broken_record_costs_only_itself(tmp_path: Path) -> None:
    # the second record closes its object before its array: the reader still finds the third
    rows = _read(tmp_path, '[{"a": 1}, {"b": [}, {"c": 3}, {d}]')
    assert [(number, value, broken) for number, _, value, broken in rows] == [
        (1, {"a": 1}, False), (2, None, True), (3, {"c": 3}, False), (4, None, True)]


def test_truncated_file(tmp_path: Path) -> None:
    rows = _read(tmp_path, '{"kind": "x", "items": [{"a": 1}, {"b": [1, 2')
    assert [(number, broken) for number, _, _, broken in rows] == [(1, False), (2, True)]


def test_an_object_without_the_array_is_one_record(tmp_path: Path) -> None:
    assert _read(tmp_path, '{"id": "e1", "items_elsewhere": [1]}') == [
        (1, '{"id": "e1", "items_elsewhere": [1]}', {"id": "e1", "items_elsewhere": [1]}, False)]


def test_json_lines_numbers_are_line_numbers(tmp_path: Path) -> None:
    rows = _read(tmp_path, '{"a": 1}\n\n{oops\r\n{"b": 2}\n', name="x.jsonl")
    assert [(number, text, broken) for number, text, _, broken in rows] == [
        (1, '{"a": 1}', False), (3, "{oops", True), (4, '{"b": 2}', False)]


def test_bytes_that_are_not_utf8_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id": "caf\xe9"}\n')
    assert [r.value for r in json_records(path)] == [{"id": "caf\ufffd"}]


@pytest.mark.parametrize("source", sorted(set(ADAPTERS) - {"call_log", "salesforce"}))
def test_a_missing_file_is_a_coded_error(tmp_path: Path, source: str) -> None:
    with pytest.raises(IngestError) as caught:
        list(adapter(source).read(tmp_path / "missing.json", AdapterOptions()))
    assert caught.value.code == "E_INGEST_UNREADABLE" and "missing.json" in caught.value.message
