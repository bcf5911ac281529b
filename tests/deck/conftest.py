"""Fixtures for the deck tests: the tiny hand-written ledger, the API over it with a token, and decks built
through the library, all with today pinned to 1 August 2024: this (fiscal) quarter is July-September 2024, the last one
April-June."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest
from fastapi import FastAPI
from pptx import Presentation

from semantic.deck.answers import LayerAnswers
from semantic.deck.build import build_deck, write_deck
from semantic.layer import SemanticLayer
from semantic.settings import ExecutionSettings
from server.app import create_app
from server.auth import TokenAuth, token_digest
from server.settings import ServerSettings
from tests.server.live import LiveServer
from tests.server.tiny_ledger import write_tiny_ledger

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2024, 8, 1)
TOKEN = "deck-test-token"


@pytest.fixture(scope="session")
def deck_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_tiny_ledger(tmp_path_factory.mktemp("deck_ledger") / "tiny.duckdb")


@pytest.fixture(scope="session")
def deck_app(deck_ledger: str) -> FastAPI:
    """The API over the starter definitions, behind a token, answering as of TODAY."""
    app = create_app(REPO, deck_ledger, ServerSettings(), auth=TokenAuth(frozenset({token_digest(TOKEN)})))
    layer = app.state.served.current.layer
    layer.settings = replace(layer.settings, today=TODAY)
    return app


@pytest.fixture(scope="session")
def live_api(deck_app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(deck_app) as server:
        yield server


@pytest.fixture(scope="session")
def library_layer(deck_ledger: str) -> SemanticLayer:
    return SemanticLayer.open(REPO, deck_ledger, ExecutionSettings(today=TODAY))


@pytest.fixture(scope="session")
def built_decks(library_layer: SemanticLayer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both starter decks built through the library, written to .pptx files."""
    folder = tmp_path_factory.mktemp("decks")
    return {name: write_deck(build_deck(library_layer.definitions, name, LayerAnswers(library_layer)),
                             folder / f"{name}.pptx") for name in ("forecast_review", "qbr")}


def reopen(path: Path) -> Presentation:
    return Presentation(str(path))
