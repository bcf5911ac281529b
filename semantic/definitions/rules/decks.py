"""Deck rules: every slide of every deck names a question that exists and asks for what the slide can show,
so `semantic deck` never fails half-way through building a presentation for the forecast call."""
from __future__ import annotations

from typing import Any

from semantic.definitions import models as m
from semantic.definitions.deck_models import MAX_KPI_TILES
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import context, report_unknown
from semantic.errors import IssueList, SemanticError, did_you_mean, known_names_hint
from semantic.plan.resolve import build_plan
from semantic.question import Question

ONLY_ON = {"subtitle": "title", "chart": "chart", "series_by": "chart", "max_rows": "table"}


def slide_question(defs: Definitions, slide: m.Slide) -> m.SavedQuery | None:
    """The question a slide shows: its saved query or its inline question (None for a title slide)."""
    return defs.saved_queries.get(slide.saved_query) if slide.saved_query else slide.question


def shown_metrics(slide: m.Slide, question: m.SavedQuery) -> tuple[str, ...]:
    return slide.metrics or question.metrics


def check_decks(defs: Definitions, issues: IssueList) -> None:
    for deck_name, deck in defs.decks.items():
        if not deck.slides:
            issues.add("E_DECK_SLIDE", f"deck '{deck_name}' has no slides", defs.where("decks", deck_name),
                       "list its slides under `slides:` (docs/deck.md)")
        for i, slide in enumerate(deck.slides):
            _check_slide(defs, issues, deck_name, i, slide)


def _check_slide(defs: Definitions, issues: IssueList, deck: str, i: int, slide: m.Slide) -> None:
    who = f"deck '{deck}' slide {i + 1} ({slide.kind})"

    def where(*sub: Any) -> Any:
        return defs.where_value("decks", deck, "slides", i, *sub) if sub else defs.where("decks", deck, "slides", i,
                                                                                          "kind")

    for field, kind in ONLY_ON.items():
        if getattr(slide, field) is not None and slide.kind != kind:
            issues.add("E_DECK_SLIDE", f"{who}: `{field}` applies to {kind} slides only", where(field),
                       f"remove `{field}`, or make the slide `kind: {kind}`")
    if slide.kind == "title":
        if slide.saved_query or slide.question or slide.metrics:
            issues.add("E_DECK_SLIDE", f"{who} shows no numbers, so it names no question or metrics", where(),
                       "remove `saved_query`, `question` and `metrics`, or pick kind kpis, chart or table")
        if not slide.title:
            issues.add("E_DECK_SLIDE", f"{who} has no `title`", where(), "add `title:` (and an optional `subtitle:`)")
        return
    if bool(slide.saved_query) == bool(slide.question):
        issues.add("E_DECK_SLIDE", f"{who} needs exactly one of `saved_query` and `question`", where(),
                   "name a saved query, or write the question inline under `question:`")
        return
    if slide.saved_query and slide.saved_query not in defs.saved_queries:
        if not defs.is_broken("saved_queries", slide.saved_query):
            report_unknown(issues, "E_UNKNOWN_SAVED_QUERY", "saved query", who, slide.saved_query,
                           defs.saved_queries, where("saved_query"))
        return
    question = slide_question(defs, slide)
    assert question is not None
    if question.funnel:
        issues.add("E_DECK_SLIDE", f"{who} names funnel '{question.funnel}': decks show metric questions only",
                   where("saved_query" if slide.saved_query else "question"),
                   "show the funnel's metrics (e.g. lead_to_mql_rate) with a metric question instead")
        return
    for j, metric in enumerate(slide.metrics):
        if metric not in question.metrics:
            issues.add("E_UNKNOWN_METRIC", f"{who} shows metric '{metric}', which its question does not ask for"
                       + did_you_mean(metric, question.metrics), where("metrics", j),
                       known_names_hint("metrics of the question", question.metrics))
    if slide.question is not None:
        _check_inline(defs, issues, who, slide.question, where("question"))
    shape_problem = _shape_problem(slide, question)
    if shape_problem:
        issues.add("E_DECK_SLIDE", f"{who}: {shape_problem[0]}", where(), shape_problem[1])


def _shape_problem(slide: m.Slide, question: m.SavedQuery) -> tuple[str, str] | None:
    """Why the question's answer cannot be drawn as this kind of slide (message, hint), or None."""
    shown = shown_metrics(slide, question)
    if slide.kind == "kpis":
        if question.dimensions or question.grain:
            return ("KPI tiles show one value per metric, but the question has dimensions or a grain",
                    "use a question without dimensions and grain, or a chart or table slide")
        if len(shown) > MAX_KPI_TILES:
            return (f"{len(shown)} KPI tiles do not fit (at most {MAX_KPI_TILES})",
                    "list the tiles to show under `metrics:`, or split the slide")
    if slide.kind == "chart":
        if slide.series_by is not None and slide.series_by not in question.dimensions:
            return (f"`series_by` '{slide.series_by}' is not a dimension of the question",
                    f"use one of: {', '.join(question.dimensions) or '(the question has no dimensions)'}")
        if slide.series_by is not None and len(shown) != 1:
            return ("a chart with one series per dimension value shows exactly one metric",
                    "list the one metric to chart under `metrics:`")
        if not question.grain and not [d for d in question.dimensions if d != slide.series_by]:
            return ("a chart needs categories: a grain or a dimension (besides `series_by`)",
                    "add a `grain:` or a dimension to the question, or use a kpis slide")
    return None


def _check_inline(defs: Definitions, issues: IssueList, who: str, question: m.SavedQuery, position: Any) -> None:
    """An inline question is planned as it will be at build time (names, dimensions, range); its own problems
    are reported at `question:` since it has no saved query name to report them under."""
    ctx = context(defs)
    if any(x not in defs.metrics or x in ctx.unresolved_metrics for x in question.metrics):
        unknown = [x for x in question.metrics if x not in defs.metrics]
        if unknown:
            report_unknown(issues, "E_UNKNOWN_METRIC", "metric", f"{who} question", unknown[0], defs.metrics,
                           position)
        return
    try:
        build_plan(defs, ctx.graph, Question.from_saved(question))
    except SemanticError as exc:
        issues.add(exc.code, f"{who} question: {exc.message}", position, exc.hint)


RULES = (check_decks,)
