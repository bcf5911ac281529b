"""The library's front door: one validated version of the definitions bound to one database.

A `SemanticLayer` is immutable once built; reloading definitions means building a new one and swapping
the reference, so a request in flight always finishes on the version it started with.
"""
from __future__ import annotations

import subprocess
import threading
from datetime import date
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from semantic.access import Access, Caller, access_for
from semantic.access.questions import checker, visible_saved_queries
from semantic.definitions import Definitions, require_valid
from semantic.definitions.lineage import lineages
from semantic.definitions.models import RankMetric, SavedQuery, ShareMetric
from semantic.dialects import facts, facts_of_url
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.budget import CostBudget, check_spine
from semantic.engines import EngineLimits, database_for
from semantic.execute import dialect_of_url, fetch, run_compiled
from semantic.filter_tree import dimension_refs
from semantic.freshness import Freshness, entities_planned, entities_read, freshness_of
from semantic.graph import SemanticGraph
from semantic.keys.answers import answer_warnings
from semantic.plan.calendar import today_in
from semantic.plan.formulas import lookup_metric
from semantic.plan.funnel import build_funnel_plan
from semantic.plan.resolve import build_plan
from semantic.plan.waterfall import build_waterfall_plan
from semantic.probes import DataProbes
from semantic.question import FunnelQuestion, Question
from semantic.result import Result
from semantic.result_cache import ResultCache, answer_key, result_cache_for
from semantic.settings import ExecutionSettings
from semantic.sql.compiler import CompiledQuery, compile_plan
from semantic.waterfall import WaterfallQuestion


COMPILE_CACHE_SIZE = 512


@dataclass(frozen=True)
class VersionInfo:
    """Content hash of the definitions, plus the git commit and dirtiness when the project is in git."""

    content: str
    git_commit: str | None = None
    git_dirty: bool | None = None

    def __str__(self) -> str:
        if not self.git_commit:
            return self.content
        return f"{self.content}@{self.git_commit[:12]}" + ("+dirty" if self.git_dirty else "")


def git_version(project_dir: Path, files: tuple[str, ...]) -> tuple[str | None, bool | None]:
    try:
        commit = subprocess.run(["git", "-C", str(project_dir), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5)
        if commit.returncode != 0:
            return None, None
        status = subprocess.run(["git", "-C", str(project_dir), "status", "--porcelain", "--", *files],
                                capture_output=True, text=True, timeout=5)
        return commit.stdout.strip(), bool(status.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return None, None


@dataclass(frozen=True)
class DimensionInfo:
    name: str
    type: str
    label: str | None
    description: str | None


class SemanticLayer:
    def __init__(self, definitions: Definitions, database_url: str | None, version: VersionInfo,
                 settings: ExecutionSettings | None = None, project_dir: Path | None = None) -> None:
        self.definitions = definitions
        self.project_dir = project_dir  # where the definitions were read (their git history), if from a folder
        self.database_url = database_url
        self.version = version
        self.settings = settings or ExecutionSettings()
        self.graph = SemanticGraph(definitions)
        self._compiled: dict[tuple, CompiledQuery] = {}
        self._access: dict[str, Access] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, project_dir: str | Path, database_url: str | None = None,
             settings: ExecutionSettings | None = None) -> "SemanticLayer":
        """Load and validate a project; raises DefinitionsInvalid listing every error."""
        root = Path(project_dir)
        defs = require_valid(root)
        commit, dirty = git_version(root, defs.files)
        return cls(defs, database_url, VersionInfo(defs.version, commit, dirty), settings, root)

    # --- access -------------------------------------------------------------------------------------------
    def access(self, caller: Caller | None = None) -> Access:
        """What the caller may see in this version (None: everything); claims bound once per caller context."""
        if caller is None or caller.unrestricted_access:
            return access_for(self.definitions, None)
        key = caller.cache_key()
        found = self._access.get(key)
        if found is None:
            found = access_for(self.definitions, caller)
            with self._lock:
                if len(self._access) >= COMPILE_CACHE_SIZE:
                    self._access.pop(next(iter(self._access)))
                self._access[key] = found
        return found

    # --- catalogue ----------------------------------------------------------------------------------------
    def metric(self, name: str, caller: Caller | None = None) -> Any:
        self.access(caller).require_metric(name)
        return lookup_metric(self.definitions, name)

    def metric_names(self, caller: Caller | None = None) -> list[str]:
        """The metrics the caller sees, in definition order."""
        return self.access(caller).visible_metrics(self.definitions.metrics)

    def saved_query(self, name: str, caller: Caller | None = None) -> SavedQuery:
        """The saved query; for a restricted caller only one whose every name they see (else: unknown)."""
        saved = self.definitions.saved_queries.get(name)
        known = self.saved_query_names(caller)
        if saved is None or name not in known:
            raise SemanticError("E_UNKNOWN_SAVED_QUERY", f"unknown saved query '{name}'" + did_you_mean(name, known),
                                known_names_hint("saved queries", known))
        return saved

    def saved_query_names(self, caller: Caller | None = None) -> list[str]:
        return visible_saved_queries(self.access(caller))

    def dimensions_for(self, metrics: list[str] | tuple[str, ...], caller: Caller | None = None
                       ) -> list[DimensionInfo]:
        """Dimensions every one of the metrics can be sliced by (reachable many-to-one from all of them) that
        the caller sees."""
        access = self.access(caller)
        common: set[str] | None = None
        for name in metrics:
            self.metric(name, caller)
            entities: set[str] = set()
            for entity in lineages(self.definitions).of(name).entities:
                entities |= set(self.graph.reachable(entity))
            common = entities if common is None else common & entities
        out = []
        for entity_name in sorted(common or ()):
            for dim_name, dim in self.definitions.entities[entity_name].dimensions.items():
                if access.dimensions is not None and f"{entity_name}.{dim_name}" not in access.dimensions:
                    continue
                out.append(DimensionInfo(f"{entity_name}.{dim_name}", dim.type, dim.label, dim.description))
        return out

    @cached_property
    def dialect(self) -> str:
        return dialect_of_url(self.database_url)

    # --- questions ----------------------------------------------------------------------------------------
    def compile(self, question: Question, dialect: str | None = None, caller: Caller | None = None) -> CompiledQuery:
        """The SQL for a question in a dialect (default: the database's); nothing is executed.

        Memoised per (question, dialect, today): a layer is immutable, and dashboards ask the same
        questions over and over.
        """
        return self._memoised("query", question, dialect, build_plan, caller)

    def _memoised(self, kind: str, question: Any, dialect: str | None, build: Any,
                  caller: Caller | None) -> CompiledQuery:
        """The compiled SQL of any kind of question (`build` plans it) as the caller may see it, kept in one
        bounded memo: the caller's names are checked first, and its row policies are read instead of tables."""
        access = self.access(caller)
        checker(question)(access, question)
        key = (kind, question.model_dump_json(), dialect or self.dialect, self.today(), access.key)
        compiled = self._compiled.get(key)
        if compiled is None:
            plan = build(self.definitions, self.graph, question, key[3])
            if access.rules:
                plan = replace(plan, row_policies=access.row_policies(self.graph))
            compiled = compile_plan(self.definitions, plan, key[2])
            with self._lock:
                if len(self._compiled) >= COMPILE_CACHE_SIZE:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[key] = compiled
        return compiled

    def query(self, question: Question, cancel: threading.Event | None = None,
              caller: Caller | None = None) -> Result:
        """Compile, check against the cost budget and run a question (blocking; servers call it from a worker
        thread), or answer it from the result cache. Setting `cancel` while it runs interrupts the database
        work: E_QUERY_CANCELLED."""
        check_spine(question, self.today(), self.definitions.calendar, self.settings.max_periods)
        compiled = self.compile(question, caller=caller)
        refs = [*question.dimensions, *dimension_refs(question.filters)]
        as_of = question.as_of is not None or question.as_of_each is not None
        entities = entities_read(self.definitions, question.metrics, refs, as_of)
        return self._answer(compiled, entities, cancel, caller, priced=True)

    def _answer(self, compiled: CompiledQuery, entities: tuple[str, ...], cancel: threading.Event | None,
                caller: Caller | None, priced: bool = False) -> Result:
        """The answer from the cache when the same statement was answered under the same definitions, data
        version and access context; else run it (after the cost check when `priced`) and keep it.

        The data version is read before the statement runs, so an entry never holds data older than its
        version says; an answer read from a file replaced meanwhile is returned but not kept."""
        stamp = self._file_stamp()
        reading = self._probes.read(lambda statement: self._probe_rows(statement, cancel), stamp)
        data_version = self._probes.data_version(reading, stamp)
        freshness = freshness_of(self.definitions, entities, reading)
        key = None
        if data_version is not None and self.keeps_answers and self._shareable:
            who = (caller or Caller.unrestricted()).cache_key()
            key = answer_key(compiled.dialect, self._statement(compiled), str(self.version), data_version, who,
                             self.settings)
            cached = self.result_cache.get(key)
            if cached is not None:
                return replace(cached, freshness=freshness)
        if priced:
            self._budget.check(compiled.plan, lambda statement: self._probe_rows(statement, cancel), stamp)
        result = self._run(compiled, cancel)
        read_under = self._probes.data_version(reading, result.data_version)  # the file the lease really read
        result = replace(result, data_version=read_under, freshness=freshness)
        if key is not None and read_under == data_version:
            result = self.result_cache.put(key, result)
        return result

    def _run(self, compiled: CompiledQuery, cancel: threading.Event | None) -> Result:
        """Run compiled SQL; the answer carries a warning for every doubtful key it rests on (docs/api.md)."""
        warnings = answer_warnings(self.definitions, self.database_url, self.settings, compiled.plan, cancel)
        result = run_compiled(self.database_url, compiled, str(self.version), self.settings, cancel)
        return replace(result, warnings=warnings) if warnings else result

    def _statement(self, compiled: CompiledQuery) -> tuple[str, Any]:
        """What an answer is keyed by: the text and values the driver runs (rendered once, reused to execute),
        or the shown SQL for a database run without SQLAlchemy."""
        dialect = self._driver_dialect
        return compiled.driver_sql(dialect) if dialect is not None else (compiled.sql, compiled.params)

    @cached_property
    def _driver_dialect(self) -> Any:
        own = facts_of_url(self.database_url)
        if own is not None and own.fetch is not None:
            return None
        return database_for(self.database_url).engine(EngineLimits.of(self.settings)).dialect

    def _probe_rows(self, statement: Any, cancel: threading.Event | None) -> list[Any]:
        """Rows of a small probe statement (data probes, cost estimates), with the questions' limits."""
        return fetch(self.database_url, self.settings, cancel, lambda conn, _engine: conn.execute(statement), 1)[0]

    def _file_stamp(self) -> str | None:
        """The DuckDB file's identity stamp (None for other databases), looked at as often as data is probed."""
        if not self.database_url:
            return None
        return database_for(self.database_url).current_version(EngineLimits.of(self.settings),
                                                               self.settings.data_probe_interval_s)

    def freshness(self, metrics: tuple[str, ...] | list[str], dimension_refs: list[str] | tuple[str, ...] = (),
                  as_of: bool = False, cancel: threading.Event | None = None) -> Freshness | None:
        """How fresh the data behind these metrics and dimensions is (None when no entity read declares a
        `freshness:` column); probed at most every data_probe_interval_s per definitions version."""
        reading = self._probes.read(lambda statement: self._probe_rows(statement, cancel), self._file_stamp())
        return freshness_of(self.definitions, entities_read(self.definitions, metrics, dimension_refs, as_of),
                            reading)

    def data_version(self, cancel: threading.Event | None = None) -> str | None:
        """The data version answers asked now would carry (None: unknown, so nothing is cached)."""
        stamp = self._file_stamp()
        reading = self._probes.read(lambda statement: self._probe_rows(statement, cancel), stamp)
        return self._probes.data_version(reading, stamp)

    def settled_data_version(self) -> str | None:
        """The data version the next answer would carry when it is known without probing or waiting, and
        answers may be kept; else None (the server then answers the usual way, which probes)."""
        if not self._shareable or not self.keeps_answers:
            return None
        settled, stamp = database_for(self.database_url).settled_version(self.settings.data_probe_interval_s)
        reading = self._probes.settled(stamp) if settled else None
        return None if reading is None else self._probes.data_version(reading, stamp)

    @property
    def keeps_answers(self) -> bool:
        """Whether answers are kept at all (`result_cache_mb` above 0)."""
        return self.settings.result_cache_mb > 0

    @cached_property
    def _shareable(self) -> bool:
        """Whether answers may be reused: an in-memory DuckDB is another database on every connection."""
        if not self.database_url:
            return False
        return not facts(self.dialect).in_memory(make_url(self.database_url))

    @cached_property
    def _probes(self) -> DataProbes:
        return DataProbes(self.definitions, self.dialect, self.settings.data_probe_interval_s)

    @cached_property
    def result_cache(self) -> ResultCache:
        """The answers cache of this layer's database, shared with every other layer on it (`.stats()`)."""
        return result_cache_for(self.database_url, self.settings.result_cache_mb)

    def compile_funnel(self, question: FunnelQuestion, dialect: str | None = None, caller: Caller | None = None
                       ) -> CompiledQuery:
        """The SQL of a funnel question (memoised like `compile`)."""
        return self._memoised("funnel", question, dialect, build_funnel_plan, caller)

    def funnel(self, question: FunnelQuestion, cancel: threading.Event | None = None,
               caller: Caller | None = None) -> Result:
        """Run a funnel: one row per step (a handful of cells, so no cost budget beyond the engine limits)."""
        compiled = self.compile_funnel(question, caller=caller)
        return self._answer(compiled, entities_planned(self.definitions, compiled.plan), cancel, caller)

    @cached_property
    def _budget(self) -> CostBudget:
        return CostBudget(self.definitions, self.dialect, self.settings)

    def today(self) -> date:
        """The day relative ranges (`this_quarter`, `last_30_days`) are read from, in the calendar's zone."""
        return self.settings.today or today_in(self.definitions.calendar)

    def compile_waterfall(self, question: WaterfallQuestion, dialect: str | None = None,
                          caller: Caller | None = None) -> CompiledQuery:
        """The one SQL statement of a pipeline waterfall (docs/waterfall.md); nothing is executed, memoised
        like `compile`."""
        return self._memoised("waterfall", question, dialect, build_waterfall_plan, caller)

    def waterfall(self, question: WaterfallQuestion, cancel: threading.Event | None = None,
                  caller: Caller | None = None) -> Result:
        """Run a pipeline waterfall: bucket totals, or the deals of one bucket."""
        compiled = self.compile_waterfall(question, caller=caller)
        entities = entities_planned(self.definitions, compiled.plan, change_logs=True)
        return self._answer(compiled, entities, cancel, caller)

    def metric_sql(self, name: str, dialect: str | None = None, caller: Caller | None = None) -> str:
        """The SQL of a metric on its own; comparisons need a range, so theirs is shown for this year, and a share
        or rank within dimensions is sliced by them."""
        metric = self.metric(name, caller)
        within = metric.within if isinstance(metric, (ShareMetric, RankMetric)) else ()
        try:
            return self.compile(Question(metrics=(name,), dimensions=within), dialect, caller).sql
        except SemanticError as exc:
            if exc.code != "E_BAD_REQUEST":
                raise
            return self.compile(Question(metrics=(name,), dimensions=within, time_range={"relative": "this_year"}),
                                dialect, caller).sql
