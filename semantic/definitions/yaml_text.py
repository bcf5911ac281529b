"""A definitions file's bytes as text, or the exact line:col of the first byte YAML cannot read.

Python's decoder and libyaml's reader both know the offset of a bad byte, but the loader used to report
them at 1:1; an editor needs the line and column (libyaml's own offset counts bytes, not characters).
"""
from __future__ import annotations

import re

from semantic.errors import IssueList, Position

# YAML's printable set (spec 1.1, 5.1): anything else is refused by the reader, which reports a byte offset only
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _offset_pos(text: str, offset: int, file: str) -> Position:
    line = text.count("\n", 0, offset)
    return Position(file, line + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def decode_yaml_text(raw: bytes, file: str, issues: IssueList) -> str | None:
    """The file as text, or None after reporting the exact line:col of the first byte YAML cannot read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].decode("utf-8", errors="replace")
        issues.add("E_ENCODING", f"byte 0x{raw[exc.start]:02x} is not UTF-8 text",
                   _offset_pos(before, len(before), file),
                   "save the file as UTF-8 (it looks like Latin-1 or Windows-1252)")
        return None
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        issues.add("E_ENCODING", f"control character U+{ord(bad.group()):04X} is not allowed in YAML",
                   _offset_pos(text, bad.start(), file), "delete it (editors may show it as a blank or as ^@)")
        return None
    return text
