"""What a key check found, as issues: counts measured in the data, phrased once for `semantic validate`, the
server's log and the warnings of answers.

"Nothing is ever counted twice" rests on every primary key being unique and set: a key that repeats makes a
many-to-one join multiply the rows that point at it, so a check reports exact counts and a few offending
keys instead of letting an answer quietly double. A foreign key that finds no row cannot multiply anything,
but its rows fall into the empty (null) value of every dimension read through it, so its share is a
warning, and an error above the join's `max_orphan_share`.
"""
from __future__ import annotations

from typing import Any

from semantic.errors import Issue, Position

DEDUPE_HINT = ("dedupe in a derived entity: `sql: select distinct {columns} from {table}` for exact copies, or "
               "keep the newest copy of each key with `... from (select *, row_number() over (partition by {key} "
               "order by <updated column> desc) as copy_rank from {table}) as copies where copy_rank = 1`")
ORPHAN_HINT = ("map the rows to an existing {target}, load the missing {target} rows, or filter them out in a "
               "derived entity; set `max_orphan_share` on the join to the share you accept")


def _sample(values: tuple[Any, ...]) -> str:
    return ", ".join(repr(v) for v in values)


def duplicate_keys(entity: str, key: str, source: str, columns: tuple[str, ...], rows: int, extra_rows: int,
                   repeated: int, sample: tuple[Any, ...], position: Position | None) -> Issue:
    """`repeated` key values occur more than once, making `extra_rows` rows beyond the first of each."""
    message = (f"entity '{entity}': primary key '{key}' is not unique: {repeated} key value(s) occur more than "
               f"once, {extra_rows} extra row(s) of {rows}; for example {_sample(sample)}")
    return Issue("E_KEY_NOT_UNIQUE", message, position,
                 DEDUPE_HINT.format(columns=", ".join(columns), table=source, key=key))


def null_keys(entity: str, key: str, source: str, rows: int, nulls: int, position: Position | None) -> Issue:
    message = f"entity '{entity}': primary key '{key}' is null in {nulls} row(s) of {rows}"
    hint = (f"rows without a key cannot be joined to or counted by key; drop them in a derived entity "
            f"(`... from {source} where {key} is not null`) or fix the export")
    return Issue("E_KEY_NULL", message, position, hint)


def orphan_keys(entity: str, join: str, foreign_key: str, target: str, with_key: int, orphans: int,
                orphan_keys_count: int, sample: tuple[Any, ...], limit: float | None,
                position: Position | None) -> Issue:
    """`orphans` of the `with_key` rows whose foreign key is set find no `target` row."""
    share = orphans / with_key
    over = limit is not None and share > limit
    allowed = f" (more than the {limit:.2%} allowed by max_orphan_share)" if over else ""
    message = (f"entity '{entity}': join '{join}': {orphans} of {with_key} row(s) whose {foreign_key} is set "
               f"({share:.2%}) find no {target} ({orphan_keys_count} distinct key(s), for example "
               f"{_sample(sample)}){allowed}; their {target} dimensions read as null")
    return Issue("E_JOIN_ORPHANS" if over else "W_JOIN_ORPHANS", message, position,
                 ORPHAN_HINT.format(target=target), "error" if over else "warning")


UNCHECKED = "W_KEY_UNCHECKED"


def unchecked(entity: str, join: str | None, reason: str, position: Position | None) -> Issue:
    """The check itself failed (a timeout, a type mismatch between the keys): the key stays unverified."""
    what = f"join '{join}'" if join else "primary key"
    return Issue(UNCHECKED, f"entity '{entity}': {what} could not be checked: {reason}", position,
                 "check that the key columns exist and have comparable types", "warning")
