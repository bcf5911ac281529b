"""`semantic deck NAME`: the forecast call's or the QBR's slides as a .pptx, read through the library or the API."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from semantic.cli.app import (DatabaseOption, ProjectOption, TodayOption, app, database_url, err,
                              execution_settings, fail, out)
from semantic.deck.answers import Answers, ApiAnswers, LayerAnswers
from semantic.deck.build import build_deck, write_deck
from semantic.definitions import Definitions, require_valid
from semantic.errors import DefinitionsInvalid, SemanticError
from semantic.layer import SemanticLayer

TOKEN_ENV = "SEMANTIC_API_TOKEN"


def _source(project: Path, database: str | None, today: str | None, api: str | None,
            token: str | None) -> tuple[Definitions, Answers]:
    if api:
        if today or database:
            raise fail("--today and --database apply to the library, not to --api",
                       "the server answers with its own database and day; drop them, or drop --api", code=2)
        return require_valid(project), ApiAnswers(api, token or os.environ.get(TOKEN_ENV))
    layer = SemanticLayer.open(project, database_url(database, project), execution_settings([], today))
    return layer.definitions, LayerAnswers(layer)


@app.command()
def deck(name: str = typer.Argument(..., help="Deck name from decks.yaml, e.g. forecast_review or qbr."),
         output: Optional[Path] = typer.Option(None, "--output", "-o",
                                               help="The .pptx to write (default: NAME.pptx)."),
         project: Path = ProjectOption, database: Optional[str] = DatabaseOption, today: Optional[str] = TodayOption,
         api: Optional[str] = typer.Option(None, "--api", help="Read the numbers from a running server "
                                           "(e.g. http://127.0.0.1:8000) instead of the database."),
         token: Optional[str] = typer.Option(None, "--token", help=f"API bearer token (default: ${TOKEN_ENV}).")) -> None:
    """Build a slide deck: KPI tiles, native charts and tables, every number footnoted with its definition."""
    target = output or Path(f"{name}.pptx")
    if target.suffix.lower() != ".pptx":
        raise fail(f"--output {target} is not a .pptx file", "name the output file NAME.pptx")
    try:
        defs, source = _source(project, database, today, api, token)
        written = write_deck(build_deck(defs, name, source), target)
    except DefinitionsInvalid as exc:
        for issue in exc.issues:
            err.print(issue.render(), highlight=False, markup=False)
        raise fail("the definitions are invalid", "fix the issues above (semantic validate)") from None
    except SemanticError as exc:
        raise fail(f"[{exc.code}] {exc.message}", exc.hint) from None
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}", "choose a folder you can write to") from None
    out.print(f"wrote {written} (deck '{name}')", highlight=False)
