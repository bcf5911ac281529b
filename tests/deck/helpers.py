"""Reading a built deck back, and the API's answer for each slide, written independently of semantic/deck."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pptx.slide import Slide

from semantic.definitions.deck_models import Slide as SlideDefinition
from tests.deck.conftest import TOKEN
from tests.server.conftest import data, post

AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIELDS = "columns { name format label } rows version freshness"


def shown(text: Any, fmt: str | None) -> str:
    """How a number must read on a slide, per its metric's format (written here, not imported)."""
    if text is None:
        return "-"
    if fmt == "currency":
        return f"{text:,.2f}"
    if fmt == "percent":
        return f"{text * 100:.1f}%"
    if fmt == "integer":
        return f"{round(text):,}"
    return f"{text:,.2f}" if isinstance(text, float) else f"{text:,}"


def _argument(value: Any) -> str:
    """A Python value as a GraphQL literal (enum words stay bare where the API expects enums)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_argument(v)}" for k, v in value.items() if v is not None) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_argument(v) for v in value) + "]"
    return f'"{value}"'


def api_answer(app: FastAPI, slide: SlideDefinition) -> dict[str, Any]:
    """The API's answer to the slide's question: savedQuery by name, or `query` with the inline arguments."""
    if slide.saved_query:
        body = data(post(app, f"{{ savedQuery(name: {slide.saved_query}) {{ {FIELDS} }} }}", headers=AUTH))
        return body["savedQuery"]
    q = slide.question
    assert q is not None
    args = [f"metrics: [{', '.join(q.metrics)}]"]
    if q.time_range:
        args.append(f"timeRange: {_argument(q.time_range.model_dump(by_alias=True))}")
    if q.compare:
        args.append(f"compare: {q.compare}")
    return data(post(app, f"{{ query({', '.join(args)}) {{ {FIELDS} }} }}", headers=AUTH))["query"]


def metric_catalogue(app: FastAPI) -> dict[str, dict[str, Any]]:
    body = data(post(app, "{ metrics { name label description formula format } }", headers=AUTH))
    return {m["name"]: m for m in body["metrics"]}


def shape(slide: Slide, name: str) -> Any:
    found = [s for s in slide.shapes if s.name == name]
    assert len(found) == 1, f"expected one shape named {name!r}, found {[s.name for s in slide.shapes]}"
    return found[0]


def paragraphs(slide: Slide, name: str) -> list[str]:
    return [p.text for p in shape(slide, name).text_frame.paragraphs]
