"""Load a project directory (glossary, metrics, linking, policies .yaml; definitions/*.yaml) into one `Definitions`.

Files are merged by name; a name defined in two places is an error naming both. Items that fail their
schema are left out but remembered as `broken`, so references to them do not also report 'unknown'.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pydantic import TypeAdapter, ValidationError

from semantic.definitions import models as m
from semantic.definitions.schema_check import SCALAR_SECTIONS, SECTION_TYPES, parse_item
from semantic.definitions.yaml_source import SourceMap, load_yaml_file
from semantic.errors import IssueList, Position, did_you_mean

ROOT_FILES = ("glossary.yaml", "metrics.yaml", "decks.yaml", "linking.yaml", "policies.yaml")
SECTIONS = tuple(SCALAR_SECTIONS) + tuple(SECTION_TYPES)
_NAME: TypeAdapter = TypeAdapter(m.Name)


@dataclass(frozen=True, eq=False)
class Definitions:
    """The merged, typed source of truth of one project at one version (hashed by identity for caches)."""

    calendar: m.Calendar
    terms: Mapping[str, m.Term]
    stages: tuple[m.Stage, ...]
    entities: Mapping[str, m.Entity]
    metrics: Mapping[str, Any]
    saved_queries: Mapping[str, m.SavedQuery]
    origins: Mapping[tuple[str, str], tuple[str, tuple]]
    source: SourceMap
    files: tuple[str, ...]
    version: str
    broken: frozenset[tuple[str, str]] = frozenset()
    unreadable: tuple[str, ...] = ()  # files that did not parse: references into them cannot be judged
    measures: Mapping[str, tuple[str, m.Measure]] = field(default_factory=dict)
    funnels: Mapping[str, m.Funnel] = field(default_factory=dict)
    decks: Mapping[str, m.Deck] = field(default_factory=dict)
    linking: m.Linking | None = None  # None: no `linking:` section (semantic link refuses to guess the rules)
    roles: Mapping[str, m.Role] = field(default_factory=dict)  # access roles (semantic/access/)

    def where(self, section: str, name: str, *sub: Any) -> Position | None:
        """Position of a named item's key (or of a key inside it)."""
        origin = self.origins.get((section, name))
        if origin is None:
            return None
        file, path = origin
        return self.source.key(file, path + sub)

    def where_value(self, section: str, name: str, *sub: Any) -> Position | None:
        origin = self.origins.get((section, name))
        if origin is None:
            return None
        file, path = origin
        return self.source.value(file, path + sub)

    def is_broken(self, section: str, name: str) -> bool:
        return (section, name) in self.broken


def valid_name(name: Any) -> bool:
    """Item names are validated here because sections are parsed item by item, never as a whole dict."""
    try:
        _NAME.validate_python(name)
    except ValidationError:
        return False
    return True


def _singular(section: str) -> str:
    return {"entities": "entity", "saved_queries": "saved query"}.get(section, section[:-1])


def _check_version(value: Any, position: Position | None, issues: IssueList) -> None:
    """The file format version: only versions this release reads are accepted, so a newer file is not
    silently misread."""
    if isinstance(value, bool) or value not in m.SUPPORTED_VERSIONS:
        supported = ", ".join(str(v) for v in m.SUPPORTED_VERSIONS)
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        issues.add("E_UNSUPPORTED_VERSION", f"definitions format version {shown} is not supported (this release "
                   f"reads version {supported})", position,
                   f"write `version: {m.SUPPORTED_VERSIONS[-1]}`, or upgrade the semantic layer if the file was "
                   "written for a newer one")


def project_files(project_dir: Path) -> list[Path]:
    files = [project_dir / name for name in ROOT_FILES if (project_dir / name).is_file()]
    extra = project_dir / "definitions"
    if extra.is_dir():
        files += sorted(p for p in extra.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return files


def load_definitions(project_dir: str | Path, issues: IssueList) -> Definitions:
    """Read and merge every definitions file; schema and merge problems go to `issues`."""
    root = Path(project_dir)
    files = project_files(root)
    smap = SourceMap()
    merged: dict[str, dict[str, Any]] = {s: {} for s in SECTION_TYPES}
    origins: dict[tuple[str, str], tuple[str, tuple]] = {}
    broken: set[tuple[str, str]] = set()
    unreadable: list[str] = []
    calendar: m.Calendar | None = None
    stages: tuple[m.Stage, ...] = ()
    linking: m.Linking | None = None
    scalar_seen: dict[str, str] = {}
    digest = hashlib.sha256()  # over the very bytes parsed, so the version always names what was loaded
    if not files:
        issues.add("E_NO_DEFINITIONS", f"no glossary.yaml, metrics.yaml, linking.yaml or definitions/*.yaml in {root}",
                   None, "pass --project DIR pointing at the folder holding metrics.yaml")
    for path in files:
        name = str(path.relative_to(root))
        data = load_yaml_file(path, name, smap, issues, digest)
        if data is None:
            unreadable.append(name)
            continue
        if not isinstance(data, dict):
            issues.add("E_INVALID_VALUE", "the file must be a mapping of sections", smap.value(name, ()),
                       f"top-level keys are: {', '.join(SECTIONS)}")
            continue
        for section, body in data.items():
            if section not in SECTIONS:
                issues.add("E_UNKNOWN_KEY", f"unknown section '{section}'" + did_you_mean(section, SECTIONS),
                           smap.key(name, (section,)), f"top-level keys are: {', '.join(SECTIONS)}")
                continue
            if section == "version":
                _check_version(body, smap.value(name, (section,)), issues)
                continue
            if section in SCALAR_SECTIONS:
                value = parse_item(SCALAR_SECTIONS[section], body, name, (section,), smap, issues)
                if section in scalar_seen:
                    issues.add("E_DUPLICATE_NAME", f"'{section}' is defined in {scalar_seen[section]} and again here",
                               smap.key(name, (section,)), f"keep a single '{section}' section")
                    continue
                scalar_seen[section] = str(smap.key(name, (section,)))
                if section == "calendar" and value is not None:
                    calendar = value
                elif section == "stages" and value is not None:
                    stages = value
                elif section == "linking" and value is not None:
                    linking = value
                continue
            if body is None:
                continue
            if not isinstance(body, dict):
                issues.add("E_INVALID_VALUE", f"'{section}' must be a mapping of name: definition",
                           smap.value(name, (section,)), "write each item as `name:` followed by its fields")
                continue
            for item_name, item in body.items():
                key = (section, item_name)
                if key in origins:
                    first = smap.key(*origins[key])
                    issues.add("E_DUPLICATE_NAME",
                               f"{_singular(section)} '{item_name}' is "
                               f"defined twice: at {first} and here",
                               smap.key(name, (section, item_name)), "rename one of them or delete one")
                    continue
                origins[key] = (name, (section, item_name))
                parsed = parse_item(SECTION_TYPES[section], item, name, (section, item_name), smap, issues)
                if not valid_name(item_name):
                    issues.add("E_INVALID_NAME", f"'{item_name}' is not a valid {_singular(section)} name",
                               smap.key(name, (section, item_name)),
                               "names are snake_case: a-z, 0-9 and _, starting with a letter, at most 64 characters")
                    parsed = None
                if parsed is None:
                    broken.add(key)
                else:
                    merged[section][item_name] = parsed
    measures: dict[str, tuple[str, m.Measure]] = {}
    for ent_name, ent in merged["entities"].items():
        for measure_name, measure in ent.measures.items():
            if measure_name in measures:
                other = measures[measure_name][0]
                file, path = origins[("entities", ent_name)]
                pos = smap.key(file, path + ("measures", measure_name))
                issues.add("E_DUPLICATE_NAME",
                           f"measure '{measure_name}' is defined on entity '{other}' and again on '{ent_name}'",
                           pos, "measure names are global: rename one (e.g. prefix it with the entity)")
                continue
            measures[measure_name] = (ent_name, measure)
    return Definitions(
        calendar=calendar or m.Calendar(),
        terms=MappingProxyType(merged["terms"]),
        stages=stages,
        entities=MappingProxyType(merged["entities"]),
        metrics=MappingProxyType(merged["metrics"]),
        saved_queries=MappingProxyType(merged["saved_queries"]),
        origins=MappingProxyType(origins),
        source=smap,
        files=tuple(str(p.relative_to(root)) for p in files),
        version=digest.hexdigest()[:12],
        broken=frozenset(broken),
        unreadable=tuple(unreadable),
        measures=MappingProxyType(measures),
        funnels=MappingProxyType(merged["funnels"]),
        decks=MappingProxyType(merged["decks"]),
        linking=linking,
        roles=MappingProxyType(merged["roles"]),
    )
