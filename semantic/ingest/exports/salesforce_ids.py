"""Salesforce-shaped ids for demo rows: the object's 3-character key prefix, 12 digits, and the 3-character
case checksum of the 18-character API form, so the files look like (and parse as) real exports."""
from __future__ import annotations

PREFIXES = {"user": "005", "account": "001", "contact": "003", "lead": "00Q", "opportunity": "006",
            "history": "008", "contact_role": "00K", "task": "00T", "event": "00U"}
_CHECKSUM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id(kind: str, number: int | None) -> str | None:
    """The 18-character id of demo row `number` of an object kind (None stays None)."""
    if number is None:
        return None
    body = f"{PREFIXES[kind]}{number:012d}"
    return body + _checksum(body)


def _checksum(body: str) -> str:
    """Salesforce's suffix: per 5-character chunk, a bit for each upper-case letter, read as one character."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(body[start:start + 5]) if char.isupper())
        suffix += _CHECKSUM_CHARS[bits]
    return suffix
