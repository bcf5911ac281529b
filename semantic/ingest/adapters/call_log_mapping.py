"""The YAML mapping that tells the call-log adapter which CSV column holds what, validated with positions.

Every dialer names its columns its own way, so the mapping is data, checked like the definitions are: an unknown
key, a missing required column, a bad unit or time zone, or a column the CSV header does not have is an
`IngestError` pointing at file:line:col of the YAML, with a hint (see docs/ingest.md, "Call log").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from semantic.definitions.yaml_source import SourceMap, load_yaml_file
from semantic.errors import IssueList, Position, did_you_mean
from semantic.ingest.errors import IngestError

REQUIRED_COLUMNS = ("id", "started_at", "direction", "rep_email", "from", "to")
OPTIONAL_COLUMNS = ("duration", "subject", "status")
TOP_KEYS = ("source_system", "columns", "timestamp", "duration_unit", "direction_values")
TIMESTAMP_KEYS = ("format", "time_zone")
DURATION_UNITS = {"seconds": 1.0, "minutes": 60.0, "milliseconds": 0.001}
DEFAULT_DIRECTIONS = {"inbound": ("inbound", "incoming", "in"), "outbound": ("outbound", "outgoing", "out")}
_SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class CallLogMapping:
    source_system: str
    columns: dict[str, str]          # field (REQUIRED_COLUMNS / OPTIONAL_COLUMNS) -> CSV column name
    column_positions: dict[str, Position | None]  # where the mapping names each column
    timestamp_format: str            # a strptime pattern, or 'iso'
    time_zone: ZoneInfo              # for times written without an offset
    seconds_per_unit: float
    directions: dict[str, str]       # the file's word (lower-case) -> inbound|outbound


def load_mapping(path: Path) -> CallLogMapping:
    issues, smap, name = IssueList(), SourceMap(), str(path)
    data = load_yaml_file(path, name, smap, issues)
    if not issues.errors and not isinstance(data, dict):
        issues.add("E_CALL_LOG_MAPPING", "the mapping must be a YAML mapping", Position(name, 1, 1),
                   "start from the example in docs/ingest.md")
    if issues.errors:
        raise _error(issues)
    checker = _Checker(name, smap, issues)
    checker.keys(data, (), TOP_KEYS)
    columns = checker.section(data, "columns", REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    for field in REQUIRED_COLUMNS:
        if field not in columns:
            issues.add("E_CALL_LOG_MAPPING", f"columns.{field} is required", smap.key(name, ("columns",)),
                       f"name the CSV column that holds {field}")
    timestamp = checker.section(data, "timestamp", TIMESTAMP_KEYS)
    system = checker.string(data, ("source_system",))
    if "source_system" not in data:
        issues.add("E_CALL_LOG_MAPPING", "source_system is required", Position(name, 1, 1),
                   "name the dialer, e.g. `source_system: truly`; it keys the calls in the ledger")
    if system is not None and not _SYSTEM_NAME.match(system):
        issues.add("E_CALL_LOG_MAPPING", f"source_system {system!r} must be a lower-case name such as 'truly'",
                   smap.value(name, ("source_system",)), "use letters, digits and _")
    unit = checker.string(data, ("duration_unit",), "seconds")
    if unit not in DURATION_UNITS:
        issues.add("E_CALL_LOG_MAPPING", f"duration_unit {unit!r} is not one of {', '.join(DURATION_UNITS)}",
                   smap.value(name, ("duration_unit",)), "say in which unit the duration column counts")
    zone = _zone(checker, timestamp.get("time_zone") or "UTC")
    time_format = timestamp.get("format") or "iso"
    if time_format != "iso" and "%" not in time_format:
        issues.add("E_CALL_LOG_MAPPING", f"timestamp.format {time_format!r} is neither 'iso' nor a strptime pattern",
                   smap.value(name, ("timestamp", "format")), "write e.g. '%Y-%m-%d %H:%M:%S', or iso")
    directions = _directions(checker, data.get("direction_values"))
    if issues.errors:
        raise _error(issues)
    positions = {field: smap.value(name, ("columns", field)) for field in columns}
    return CallLogMapping(system or "", columns, positions, time_format, zone, DURATION_UNITS[unit], directions)


def check_header(mapping: CallLogMapping, csv_path: Path, header: list[str]) -> None:
    """Every mapped column must be in the CSV's header; the error points at the mapping line that names it."""
    issues = IssueList()
    present = {cell.strip() for cell in header}
    for field, column in mapping.columns.items():
        if column not in present:
            issues.add("E_CALL_LOG_COLUMN", f"column {column!r} (columns.{field}) is not in the header of {csv_path}"
                       f"{did_you_mean(column, present)}", mapping.column_positions[field],
                       f"the header has: {', '.join(sorted(present)) or 'no columns'}")
    if issues.errors:
        raise _error(issues)


def _error(issues: IssueList) -> IngestError:
    first = issues.sorted()[0]
    where = f"{first.position}: " if first.position else ""
    more = f" (and {len(issues.errors) - 1} more)" if len(issues.errors) > 1 else ""
    return IngestError(first.code, f"{where}{first.message}{more}", first.hint)


class _Checker:
    def __init__(self, file: str, smap: SourceMap, issues: IssueList) -> None:
        self.file, self.smap, self.issues = file, smap, issues

    def keys(self, data: dict, path: tuple, allowed: tuple[str, ...]) -> None:
        for key in data:
            if key not in allowed:
                self.issues.add("E_CALL_LOG_MAPPING", f"unknown key '{key}'{did_you_mean(key, allowed)}",
                                self.smap.key(self.file, path + (key,)), f"allowed here: {', '.join(allowed)}")

    def section(self, data: dict, key: str, allowed: tuple[str, ...]) -> dict[str, str]:
        """A mapping of strings under `key` ({} when absent), its keys and values checked."""
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.issues.add("E_CALL_LOG_MAPPING", f"'{key}' must be a mapping", self.smap.value(self.file, (key,)),
                            "indent its keys under it")
            return {}
        self.keys(value, (key,), allowed)
        return {k: s for k in value if k in allowed and (s := self.string(value, (key, k)))}

    def string(self, data: dict, path: tuple, default: str | None = None) -> str | None:
        """The text at `path` (`data` holds its last key), stripped; `default` when absent."""
        value = data.get(path[-1], default)
        if value is None or isinstance(value, str) and value.strip():
            return value.strip() if isinstance(value, str) else value
        self.issues.add("E_CALL_LOG_MAPPING", f"'{'.'.join(path)}' must be a non-empty text",
                        self.smap.value(self.file, path), "write it as text")
        return None


def _zone(checker: _Checker, name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        checker.issues.add("E_CALL_LOG_MAPPING", f"time zone {name!r} is not an IANA time zone name",
                           checker.smap.value(checker.file, ("timestamp", "time_zone")),
                           "write a name such as UTC or America/New_York")
        return ZoneInfo("UTC")


def _directions(checker: _Checker, value: object) -> dict[str, str]:
    """The file's words for each direction, lower-cased; defaults when the mapping names none."""
    if value is None:
        value = DEFAULT_DIRECTIONS
    if not isinstance(value, dict):
        checker.issues.add("E_CALL_LOG_MAPPING", "'direction_values' must map inbound/outbound to lists of words",
                           checker.smap.value(checker.file, ("direction_values",)), "see docs/ingest.md")
        return {}
    checker.keys(value, ("direction_values",), tuple(DEFAULT_DIRECTIONS))
    words: dict[str, str] = {}
    for direction in DEFAULT_DIRECTIONS:
        listed = value.get(direction, ())
        for word in [listed] if isinstance(listed, str) else listed if isinstance(listed, (list, tuple)) else []:
            words[str(word).strip().lower()] = direction
    return words
