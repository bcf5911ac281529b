"""Reading Salesforce CSV exports (Data Loader, Data Export): records with the physical line they start on.

Salesforce writes UTF-8 CSV with a header of field API names, every value quoted, and text fields (a Task's
Description) may hold newlines, so one record can span several lines: the line number reported for a record
is the physical line where it starts, which is where an editor's "go to line" lands. Values are parsed here
with the export's own conventions (dates YYYY-MM-DD, datetimes ISO 8601 in UTC with a Z, booleans
true/false); a bad value raises `BadValue`, which the adapter turns into a `Reject` for that record only.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path

from semantic.ingest.adapters import AdapterOptions, open_text
from semantic.ingest.errors import unreadable
from semantic.ingest.records import Reject

INT_LIMIT = 2**31 - 1
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 16
csv.field_size_limit(1 << 24)  # a long email body in Description must not stop the file


class BadValue(ValueError):
    """A field that cannot be read; the message is the reject reason (field, value, expected form)."""


@dataclass(slots=True)  # not frozen: a frozen dataclass costs a setattr call per field, per record
class CsvRow:
    """One record of the export: its fields by API name (empty values as None) and where it came from."""

    file: str
    line: int
    fields: dict[str, str | None]
    raw: str

    def text(self, name: str) -> str | None:
        return self.fields.get(name)

    def required(self, name: str) -> str:
        value = self.fields.get(name)
        if value is None:
            raise BadValue(f"{name} is empty; every {name} must be filled in")
        return value

    def reject(self, reason: str) -> Reject:
        return Reject(self.file, self.line, reason, self.raw)


def rows(path: Path, options: AdapterOptions, required_columns: tuple[str, ...]) -> Iterator[CsvRow | Reject]:
    """Stream the records of one CSV export; a record with the wrong number of columns is a Reject."""
    with open_text(path, options, newline="") as handle:
        consumed: list[str] = []

        def lines() -> Iterator[str]:
            for line in handle:
                consumed.append(line)
                yield line

        reader = csv.reader(lines())
        try:
            header = next(reader, None)
            if header is None:
                raise unreadable(path, "the file is empty", "export the object again with its header row")
            missing = [c for c in required_columns if c not in header]
            if missing:
                raise unreadable(path, f"the header lacks {', '.join(missing)} (found: {', '.join(header[:12])})",
                                 "export with field API names as the header (Data Loader or Data Export)")
            consumed.clear()
            start = reader.line_num + 1
            while True:
                try:
                    values = next(reader)
                except csv.Error as exc:
                    yield Reject(str(path), start, f"not valid CSV: {exc}", "".join(consumed))
                else:
                    if values:  # a blank line holds no record
                        yield _row(path, start, header, values, "".join(consumed))
                consumed.clear()
                start = reader.line_num + 1
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise unreadable(path, f"not UTF-8 text ({exc.reason} at byte {exc.start} of a block)",
                             "export as UTF-8 (Data Loader: Settings > Read/Write all CSVs with UTF-8)") from None


def _row(path: Path, line: int, header: list[str], values: list[str], raw: str) -> CsvRow | Reject:
    if len(values) != len(header):
        return Reject(str(path), line, f"{len(values)} columns where the header has {len(header)}; a quote or "
                                       "separator is probably missing", raw)
    if "\x00" in raw:
        return Reject(str(path), line, "the record holds a NUL character, which no text column can store; "
                                       "remove it from the export", raw)
    return CsvRow(str(path), line, {k: (v if v != "" else None) for k, v in zip(header, values)}, raw)


def parse_id(row: CsvRow, name: str, *, required: bool = False) -> str | None:
    """A record id in its 15-character form: the 18-character API form only appends a case checksum, and
    exports mix both, so keying on 15 characters makes the same record one record."""
    value = row.required(name) if required else row.text(name)
    if value is None:
        return None
    value = value.strip()
    if len(value) not in (15, 18) or not value.isalnum():
        raise BadValue(f"{name} '{value}' is not a Salesforce id (15 or 18 letters and digits)")
    return value[:15]


def parse_date(row: CsvRow, name: str) -> date | None:
    value = row.text(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{name} '{value}' is not a date; Salesforce exports write YYYY-MM-DD") from None


def parse_datetime(row: CsvRow, name: str) -> datetime | None:
    """ISO 8601 (2024-03-01T14:05:00.000Z or with an offset) -> naive UTC; a bare date means its midnight."""
    value = row.text(name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{name} '{value}' is not a date-time; expected ISO 8601 such as "
                       "2024-03-01T14:05:00.000Z") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def parse_bool(row: CsvRow, name: str) -> bool | None:
    value = row.text(name)
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadValue(f"{name} '{value}' is not a boolean; expected true or false")


def parse_int(row: CsvRow, name: str) -> int | None:
    """A whole number that fits the ledger's INTEGER columns (durations, scores)."""
    value = row.text(name)
    if value is None:
        return None
    try:
        number = int(Decimal(value).to_integral_exact())
    except (InvalidOperation, ArithmeticError):
        raise BadValue(f"{name} '{value}' is not a whole number") from None
    if abs(number) > INT_LIMIT:
        raise BadValue(f"{name} '{value}' is out of range (at most {INT_LIMIT:,})")
    return number


def parse_money(row: CsvRow, name: str) -> Decimal | None:
    """An amount as the ledger stores it (DECIMAL(18,2)): cents at most, below 10^16."""
    number = parse_decimal(row, name)
    if number is None:
        return None
    cents = number.quantize(CENT)
    if cents != number or abs(cents) >= MONEY_LIMIT:
        raise BadValue(f"{name} '{row.text(name)}' does not fit an amount (at most 2 decimals, below 10^16)")
    return cents


def parse_decimal(row: CsvRow, name: str) -> Decimal | None:
    value = row.text(name)
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadValue(f"{name} '{value}' is not a number; write it without currency signs or thousands "
                       "separators") from None
    if not number.is_finite():
        raise BadValue(f"{name} '{value}' is not a finite number")
    return number
