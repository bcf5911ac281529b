"""Every number on every slide equals the API's answer for the same question, and one KPI a hand count."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from semantic.layer import SemanticLayer
from tests.deck.conftest import reopen
from tests.deck.helpers import api_answer, metric_catalogue, paragraphs, shape, shown
from tests.server.tiny_ledger import hand_sql


@pytest.mark.parametrize("deck", ["forecast_review", "qbr"])
def test_every_number_equals_the_api_answer(deck: str, built_decks: dict[str, Path], deck_app: FastAPI,
                                            library_layer: SemanticLayer) -> None:
    definition = library_layer.definitions.decks[deck]
    slides = list(reopen(built_decks[deck]).slides)
    assert len(slides) == len(definition.slides)
    checked = 0
    for drawn, slide in zip(slides, definition.slides):
        if slide.kind == "title":
            continue
        answer = api_answer(deck_app, slide)
        question = slide.question or library_layer.definitions.saved_queries[slide.saved_query]
        metrics = slide.metrics or question.metrics
        formats = {c["name"]: c["format"] for c in answer["columns"]}
        if slide.kind == "kpis":
            row = answer["rows"][0]
            for metric in metrics:
                tile = paragraphs(drawn, f"kpi {metric}")
                assert tile[1] == shown(row[metric], formats[metric]), (deck, metric)
                if question.compare:
                    assert shown(row[f"{metric}__previous"], formats[metric]) in tile[2]
                    if row[f"{metric}__change_pct"] is not None:
                        assert shown(row[f"{metric}__change_pct"], "percent") in tile[2]
                checked += 1
        elif slide.kind == "chart":
            checked += _check_chart(drawn, slide, answer, metrics)
        else:
            checked += _check_table(drawn, answer, metrics, slide.max_rows or 15)
    assert checked > 10


def _check_chart(drawn, slide, answer, metrics) -> int:
    if not answer["rows"]:
        assert paragraphs(drawn, "empty") == ["No rows answer this question."]
        return 0
    plot = shape(drawn, "chart").chart.plots[0]
    places = [c["name"] for c in answer["columns"] if not c["format"] and c["name"] != slide.series_by]

    def label(row, names):  # a null dimension value reads "-"
        return " / ".join("-" if row[n] is None else str(row[n]) for n in names)

    categories = list(dict.fromkeys(label(r, places) for r in answer["rows"]))
    assert list(plot.categories) == categories
    drawn_series = {s.name: list(s.values) for s in plot.series}
    if slide.series_by is None:
        for metric in metrics:
            column = next(c for c in answer["columns"] if c["name"] == metric)
            assert drawn_series[column["label"]] == [r[metric] for r in answer["rows"]]
        return len(metrics) * len(categories)
    for value in {label(r, [slide.series_by]) for r in answer["rows"]}:
        expected = []
        for category in categories:
            match = [r for r in answer["rows"] if label(r, [slide.series_by]) == value and label(r, places) == category]
            expected.append(match[0][metrics[0]] if match else None)
        assert drawn_series[value] == expected
    return len(answer["rows"])


def _check_table(drawn, answer, metrics, max_rows) -> int:
    grid = shape(drawn, "table").table
    names = [c["name"] for c in answer["columns"] if not c["format"]]
    for metric in metrics:
        names += [c["name"] for c in answer["columns"] if c["name"].split("__")[0] == metric]
    formats = {c["name"]: c["format"] for c in answer["columns"]}
    cells = [[cell.text for cell in row.cells] for row in grid.rows]
    expected = [[shown(row[n], formats[n]) if formats[n] else ("-" if row[n] is None else str(row[n])) for n in names]
                for row in answer["rows"][:max_rows]]
    assert cells[1:] == expected
    return len(expected) * len(names)


def test_a_kpi_equals_a_hand_count(built_decks: dict[str, Path], deck_ledger: str) -> None:
    """Open pipeline closing this quarter (Jul-Sep 2024): deals 103 (3,000, 30 Sep) and 105 (1,500, 15 Aug)."""
    tile = paragraphs(list(reopen(built_decks["forecast_review"]).slides)[2], "kpi open_pipeline")
    assert tile[1] == "4,500.00"
    by_sql = hand_sql(deck_ledger, "select sum(amount) from opportunities where not is_closed "
                                   "and close_date between '2024-07-01' and '2024-09-30'")[0][0]
    assert float(by_sql) == 4500.0


def test_qbr_compares_last_fiscal_quarter_with_a_year_before(built_decks: dict[str, Path]) -> None:
    """Apr-Jun 2024: deals 102 (2,000; 2 Mar to 20 May: 79 days) and 104 (700; 15 Apr to 25 May: 40 days) were
    won and none lost; nothing closed a year before."""
    tiles = list(reopen(built_decks["qbr"]).slides)[1]
    assert paragraphs(tiles, "kpi bookings")[1:] == ["2,700.00", "Bookings (a year before): 0.00"]
    assert paragraphs(tiles, "kpi won_deals")[1] == "2"
    assert paragraphs(tiles, "kpi win_rate")[1] == "100.0%"
    assert paragraphs(tiles, "kpi avg_deal_size")[1] == "1,350.00"
    assert paragraphs(tiles, "kpi sales_cycle_days")[1] == "59.50"


@pytest.mark.parametrize("deck", ["forecast_review", "qbr"])
def test_every_slide_footnotes_its_metrics_version_and_freshness(deck: str, built_decks: dict[str, Path],
                                                                deck_app: FastAPI,
                                                                library_layer: SemanticLayer) -> None:
    catalogue = metric_catalogue(deck_app)
    definition = library_layer.definitions.decks[deck]
    title_notes, oldest = "", []
    for drawn, slide in zip(reopen(built_decks[deck]).slides, definition.slides):
        notes = "\n".join(paragraphs(drawn, "footnotes"))
        if slide.kind == "title":
            title_notes = notes
            continue
        answer = api_answer(deck_app, slide)
        if answer["freshness"] and answer["freshness"]["oldest"]:
            oldest.append(datetime.fromisoformat(answer["freshness"]["oldest"]))
        assert f"Definitions version {answer['version']}" in notes
        assert f"data as of {answer['freshness']['oldest']}" in notes
        question = slide.question or library_layer.definitions.saved_queries[slide.saved_query]
        for metric in slide.metrics or question.metrics:
            entry = catalogue[metric]
            first_sentence = " ".join(entry["description"].split()).split(". ")[0].rstrip(".")
            assert f"{entry['label']} ({metric}): {first_sentence}." in notes
            assert f"Formula: {entry['formula']}." in notes
    # the title slide: the version, and the stalest data any slide of the deck read
    assert f"Definitions version {library_layer.version}; data as of {min(oldest).isoformat()}" in title_notes
