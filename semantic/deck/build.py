"""Build one deck: ask every slide's question first (so a refused question fails before anything is written),
then draw the slides and footnote every number with its metric's definition, the definitions version and the
data freshness."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pptx.presentation import Presentation

from semantic.deck import content, render
from semantic.deck.answers import Answer, Answers, MetricNote
from semantic.definitions.deck_models import MAX_TABLE_ROWS, Deck, Slide
from semantic.definitions.project import Definitions
from semantic.definitions.rules.decks import shown_metrics, slide_question
from semantic.errors import SemanticError, did_you_mean, known_names_hint
from semantic.freshness import stalest

DEFAULT_TABLE_ROWS = 15


def find_deck(defs: Definitions, name: str) -> Deck:
    deck = defs.decks.get(name)
    if deck is None:
        raise SemanticError("E_UNKNOWN_DECK", f"unknown deck '{name}'" + did_you_mean(name, defs.decks),
                            known_names_hint("decks", defs.decks) if defs.decks else
                            "define one under `decks:` in decks.yaml (docs/deck.md)")
    return deck


def oldest_freshness(answers: list[Answer]) -> dict[str, Any] | None:
    """The deck's stamp: per entity the stalest `latest` any slide saw, and the oldest of those."""
    seen: dict[str, list[dict[str, Any]]] = {}
    for answer in answers:
        for entry in (answer.freshness or {}).get("entities", ()):
            seen.setdefault(entry["entity"], []).append(entry)
    if not seen:
        return None
    entities = []
    for name in sorted(seen):
        latest = stalest(e["latest"] for e in seen[name])
        entities.append(next(e for e in seen[name] if e["latest"] == latest))
    return {"oldest": stalest(e["latest"] for e in entities), "entities": entities}


def build_deck(defs: Definitions, name: str, source: Answers) -> Presentation:
    deck = find_deck(defs, name)
    answered: list[tuple[Slide, Answer | None]] = []
    for slide in deck.slides:
        question = slide_question(defs, slide)
        answered.append((slide, source.answer(slide.saved_query, question) if question is not None else None))
    answers = [a for _, a in answered if a is not None]
    version = answers[0].version if answers else defs.version
    prs = render.new_presentation(deck.title)
    for slide, answer in answered:
        drawn = render.blank_slide(prs)
        if answer is None:
            render.title_slide(drawn, slide.title or deck.title, slide.subtitle,
                               content.stamp_line(version, oldest_freshness(answers)))
            continue
        question = slide_question(defs, slide)
        assert question is not None
        _draw(drawn, slide, question.label or slide.saved_query or deck.title, shown_metrics(slide, question),
              answer, {m: source.metric_note(m) for m in shown_metrics(slide, question)})
    return prs


def _draw(drawn: Any, slide: Slide, default_title: str, shown: tuple[str, ...], answer: Answer,
          notes: dict[str, MetricNote]) -> None:
    foot = content.Footnotes()
    render.heading(drawn, slide.title or default_title)
    extra: list[str] = []
    if slide.kind == "kpis":
        render.kpi_tiles(drawn, content.kpi_tiles(answer, shown, notes, foot))
    elif slide.kind == "chart":
        render.chart(drawn, content.chart_content(answer, shown, slide.series_by, notes, foot), slide.chart or "column")
    else:
        table = content.table_content(answer, shown, min(slide.max_rows or DEFAULT_TABLE_ROWS, MAX_TABLE_ROWS),
                                      notes, foot)
        render.table(drawn, table)
        extra = [f"Note: {table.note}."] if table.note else []
    render.footnotes(drawn, extra + foot.lines(answer, answer.version))


def write_deck(prs: Presentation, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(output))
    return output
