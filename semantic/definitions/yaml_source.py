"""YAML with a source position for every key and value.

PyYAML's composer already knows where each node starts; we keep that knowledge in a side table keyed by
the path of the node (`("entities", "opportunity", "measures", "won_amount", "expr")`), so that pydantic
errors (which carry the same kind of path as `loc`) and our own rules can point at the exact key.
PyYAML silently keeps the last of two equal keys; the composer walk reports it instead.
Aliases (a 500-byte file of nested aliases expands to billions of nodes; `&a [*a]` never ends) and deep
nesting (libyaml's composer recurses in C and kills the process past ~20,000 levels; our walk recurses in
Python; its scanner is quadratic in `[[[[` nesting) are refused: definitions need neither, and a server
reloading a bad edit must survive it. One pass over the parser's events finds them; it runs only when the
text could hold them, so normal files skip it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from semantic.definitions.yaml_text import decode_yaml_text
from semantic.errors import IssueList, Position

Path_ = tuple[Any, ...]
STR_TAG = "tag:yaml.org,2002:str"
MAX_DEPTH = 64  # definitions nest about six levels; the limit only stops hostile files
MAX_KEY = 1024  # YAML's limit on the length of a simple (unmarked) key
COMPOSE_SAFE_DEPTH = 2_000  # below this, libyaml stays fast and cannot crash even on a small thread stack
_BRACKETS = re.compile(r"[\[\]{}]")
_LIBYAML_DEPTH = "maximum nesting depth"  # libyaml >= 0.2.5 as bundled by PyYAML >= 6.0.3 has its own limit


class _TooDeep(Exception):
    """Raised by the walk past MAX_DEPTH; the event pass then says exactly where."""


class FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser (about 10x the pure-Python one, same node marks) with the implicit-tag resolver
    memoised: definitions repeat the same few scalars (count, sum, time, true...) thousands of times."""

    _resolved: dict[tuple, str] = {}

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode or not isinstance(value, str) or len(value) > 64:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            if len(self._resolved) > 50_000:  # bounded: a long-running server reloads many versions
                self._resolved.clear()
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag


@dataclass
class SourceMap:
    """Positions of every node of every loaded file, by (file, path).

    The tables keep the parser's own marks (no allocation per node); a `Position` is made on lookup.
    """

    key_positions: dict[tuple[str, Path_], yaml.Mark] = field(default_factory=dict)
    value_positions: dict[tuple[str, Path_], yaml.Mark] = field(default_factory=dict)

    def key(self, file: str, path: Path_) -> Position | None:
        """Where the key of `path` is written (falls back to the nearest ancestor)."""
        return self._nearest(self.key_positions, file, path) or self.value(file, path)

    def value(self, file: str, path: Path_) -> Position | None:
        return self._nearest(self.value_positions, file, path)

    def exact_key(self, file: str, path: Path_) -> Position | None:
        """Where exactly this key is written, or None (no fallback to an ancestor)."""
        mark = self.key_positions.get((file, tuple(path)))
        return Position(file, mark.line + 1, mark.column + 1) if mark is not None else None

    def exact_value(self, file: str, path: Path_) -> Position | None:
        mark = self.value_positions.get((file, tuple(path)))
        return Position(file, mark.line + 1, mark.column + 1) if mark is not None else None

    @staticmethod
    def _nearest(table: dict, file: str, path: Path_) -> Position | None:
        path = tuple(path)
        while True:
            mark = table.get((file, path))
            if mark is not None:
                return Position(file, mark.line + 1, mark.column + 1)
            if not path:
                return None
            path = path[:-1]


def _pos(file: str, node: yaml.Node) -> Position:
    return _mark_pos(file, node.start_mark)


class _Composer:
    def __init__(self, file: str, smap: SourceMap, issues: IssueList) -> None:
        self.file, self.smap, self.issues = file, smap, issues
        self.constructor = yaml.SafeLoader("")

    def to_python(self, node: yaml.Node, path: Path_) -> Any:
        self.smap.value_positions[(self.file, path)] = node.start_mark
        if isinstance(node, yaml.CollectionNode) and len(path) >= MAX_DEPTH:
            raise _TooDeep
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            first_seen: dict[Any, yaml.Mark] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    self.issues.add("E_YAML_MERGE", "YAML merge keys (<<) are not supported",
                                    _pos(self.file, key_node), "write the keys out explicitly")
                    continue
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.issues.add("E_YAML_KEY", "a mapping key must be a plain name",
                                    _pos(self.file, key_node), "quote the key or rename it")
                    continue
                key = str(key) if not isinstance(key, str) else key
                if key in first_seen:
                    self.issues.add(
                        "E_DUPLICATE_KEY",
                        f"key '{key}' appears twice in the same mapping (first at line {first_seen[key].line + 1})",
                        _pos(self.file, key_node), "remove one of them; YAML would silently keep only the last",
                    )
                    continue
                first_seen[key] = key_node.start_mark
                self.smap.key_positions[(self.file, path + (key,))] = key_node.start_mark
                result[key] = self.to_python(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.to_python(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag == STR_TAG:
            return node.value  # the common case, without the constructor's bookkeeping
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):  # looks like a date or number but is none (2025-13-01): keep the text
            return node.value


def _may_be_hostile(text: str) -> bool:
    """An alias needs an anchor (`&`); nesting needs one of these characters per level."""
    return "&" in text or sum(text.count(c) for c in "[{-?:") > COMPOSE_SAFE_DEPTH


def _first_too_deep_bracket(text: str) -> tuple[int, int]:
    """The deepest bracket nesting, and the offset of the first bracket past MAX_DEPTH (-1 if none)."""
    depth = deepest = 0
    deep_from = -1
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth == MAX_DEPTH + 1 and match.group() in "[{" and deep_from < 0:
            deep_from = match.start()
        deepest = max(deepest, depth)
    return deepest, deep_from


def _depth_issue(text: str, offset: int, file: str, issues: IssueList) -> None:
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    issues.add("E_YAML_DEPTH", f"YAML nested deeper than {MAX_DEPTH} levels", Position(file, line + 1, col + 1),
               "definitions need only a few levels; flatten this")


def _refuse_flow_depth(text: str, file: str, issues: IssueList) -> bool:
    """Refuse thousands of nested brackets before libyaml spends minutes on them.

    Brackets inside quoted text count too; that could only matter past thousands of unclosed ones.
    """
    if text.count("[") + text.count("{") <= COMPOSE_SAFE_DEPTH:
        return False
    deepest, deep_from = _first_too_deep_bracket(text)
    if deepest <= COMPOSE_SAFE_DEPTH:
        return False
    _depth_issue(text, deep_from, file, issues)
    return True


def _refuse_hostile(text: str, file: str, issues: IssueList) -> bool:
    """Report every alias and the first place nested deeper than MAX_DEPTH; True when there was any.

    libyaml's event parser keeps its own stack (no recursion), so this pass is safe on any input and costs
    a fraction of composing.
    """
    depth, hostile = 0, False
    try:
        for event in yaml.parse(text, Loader=FastLoader):
            depth, hostile = _visit(event, depth, hostile, file, issues)
    except yaml.MarkedYAMLError as exc:
        if hostile:  # newer libyaml stops at its own nesting limit, past ours, which is reported already
            return True
        if _LIBYAML_DEPTH not in str(exc.problem):
            raise  # a plain syntax error: reported by the caller with the parser's position
        # libyaml's scanner reads flow brackets ahead of the events, so its limit can come first
        _, deep_from = _first_too_deep_bracket(text)
        mark = exc.problem_mark
        _depth_issue(text, deep_from if deep_from >= 0 else (mark.index if mark else 0), file, issues)
        return True
    return hostile


def _visit(event: yaml.Event, depth: int, hostile: bool, file: str, issues: IssueList) -> tuple[int, bool]:
    """One parser event of `_refuse_hostile`: the new depth, and whether anything hostile was seen."""
    if isinstance(event, yaml.AliasEvent):
        issues.add("E_YAML_ALIAS", "YAML anchors/aliases are not supported in definitions",
                   _mark_pos(file, event.start_mark), "write the values out")
        return depth, True
    if isinstance(event, yaml.CollectionStartEvent):
        depth += 1
        if depth == MAX_DEPTH + 1:
            issues.add("E_YAML_DEPTH", f"YAML nested deeper than {MAX_DEPTH} levels",
                       _mark_pos(file, event.start_mark), "definitions need only a few levels; flatten this")
            hostile = True
    elif isinstance(event, yaml.CollectionEndEvent):
        depth -= 1
    return depth, hostile


def _syntax_issue(text: str, file: str, exc: yaml.MarkedYAMLError, issues: IssueList) -> None:
    """The parser's own message, except for a key too long to be a key, which it reports misleadingly, and an
    unclosed quote or bracket, which it reports where the file ends instead of where it opens."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and _runs_to_the_end(text, exc):
        what = "quote" if "quoted scalar" in str(exc.context) else "bracket"
        issues.add("E_YAML_SYNTAX", f"YAML syntax error: the {what} opened here is never closed ({exc.problem})",
                   _mark_pos(file, exc.context_mark), f"close the {what}, or escape it if it belongs to the text")
        return
    if mark is None:
        issues.add("E_YAML_SYNTAX", f"YAML syntax error: {exc.problem or exc}", Position(file, 1, 1),
                   "check indentation, colons and quotes around this place")
        return
    lines = text.splitlines()
    before = lines[mark.line][:mark.column] if mark.line < len(lines) else ""
    if exc.problem == "mapping values are not allowed in this context" and len(before.strip()) > MAX_KEY:
        start = len(before) - len(before.lstrip())
        issues.add("E_YAML_SYNTAX", f"keys longer than {MAX_KEY} characters are not supported",
                   Position(file, mark.line + 1, start + 1), "shorten the key")
        return
    issues.add("E_YAML_SYNTAX", f"YAML syntax error: {exc.problem or exc}", _mark_pos(file, mark),
               "check indentation, colons and quotes around this place")


def _runs_to_the_end(text: str, exc: yaml.MarkedYAMLError) -> bool:
    """Whether a quoted scalar or flow collection swallowed the rest of the file (its opening is the culprit)."""
    context = str(exc.context or "")
    if not ("quoted scalar" in context or "flow" in context) or exc.problem_mark is None:
        return False
    mark = exc.problem_mark  # line and column, not index: libyaml's index counts bytes
    rest = text.split("\n")[mark.line:]
    return "end of stream" in str(exc.problem) or not "".join([rest[0][mark.column:], *rest[1:]]).strip() \
        if rest else True


def _mark_pos(file: str, mark: yaml.Mark) -> Position:
    return Position(file, mark.line + 1, mark.column + 1)


def load_yaml_file(path: Path, display_name: str, smap: SourceMap, issues: IssueList,
                   digest: Any | None = None) -> Any:
    """Parse one file; syntax errors become issues with the parser's own position.

    `digest` (a hashlib object) is fed the file's name and the exact bytes parsed.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        issues.add("E_FILE", f"cannot read {display_name}: {exc.strerror or exc}", Position(display_name, 1, 1),
                   "check that the file exists and can be read")
        return None
    if digest is not None:
        digest.update(display_name.encode() + b"\0" + raw + b"\0")
    text = decode_yaml_text(raw, display_name, issues)
    if text is None:
        return None
    try:
        if _refuse_flow_depth(text, display_name, issues) or (
                _may_be_hostile(text) and _refuse_hostile(text, display_name, issues)):
            return None
        root = yaml.compose(text, Loader=FastLoader)
    except yaml.MarkedYAMLError as exc:
        if not (_LIBYAML_DEPTH in str(exc.problem) and _refuse_hostile(text, display_name, issues)):
            _syntax_issue(text, display_name, exc, issues)
        return None
    except yaml.YAMLError as exc:
        issues.add("E_YAML_SYNTAX", f"YAML error: {exc}", Position(display_name, 1, 1), "")
        return None
    if root is None:
        return {}
    try:
        return _Composer(display_name, smap, issues).to_python(root, ())
    except _TooDeep:
        _refuse_hostile(text, display_name, issues)
        return None
    except yaml.YAMLError as exc:
        issues.add("E_YAML_SYNTAX", f"YAML error: {exc}", _pos(display_name, root), "")
        return None
