"""Slide decks as definitions hold them: which questions each slide answers and how it shows them.

A deck is versioned and validated with the metrics it shows, so the forecast call's slides change through
the same review as the numbers on them (docs/deck.md).
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from semantic.definitions.model_types import Described, DimensionRef, Model, Name
from semantic.definitions.query_models import SavedQuery

SlideKind = Literal["title", "kpis", "chart", "table"]
ChartKind = Literal["column", "bar", "line"]
MAX_KPI_TILES = 6
MAX_TABLE_ROWS = 30


class Slide(Model):
    kind: SlideKind = Field(description="title: a heading; kpis: one tile per metric; chart: a native, editable "
                                        "chart; table: the answer's rows.")
    title: str | None = Field(None, description="Heading of the slide (default: the saved query's label).")
    subtitle: str | None = Field(None, description="title slides: the line under the heading.")
    saved_query: Name | None = Field(None, description="The saved query the slide shows (or write `question`).")
    question: SavedQuery | None = Field(None, description="An inline question, written like a saved query, "
                                                          "instead of `saved_query`.")
    metrics: tuple[Name, ...] = Field((), description="The question's metrics to show, in order (default: all).")
    chart: ChartKind | None = Field(None, description="chart slides: column (default), bar or line.")
    series_by: DimensionRef | None = Field(None, description="chart slides: one series per value of this "
                                                             "dimension of the question (one metric), instead of "
                                                             "one series per metric.")
    max_rows: int | None = Field(None, ge=1, le=MAX_TABLE_ROWS, description="table slides: rows shown (default "
                                                                            f"{MAX_TABLE_ROWS}); the rest are "
                                                                            "counted in a note.")


class Deck(Described):
    title: str = Field(description="Title of the presentation (its first slide is usually a `title` slide).")
    slides: tuple[Slide, ...] = Field((), max_length=60, description="In order (at least one).")
