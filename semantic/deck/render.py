"""Drawing slides with python-pptx: text boxes, KPI tiles, native (editable) charts and tables on a 16:9 blank
layout, so the deck looks the same whatever template PowerPoint, Keynote or LibreOffice opens it with.

Shapes carry names (`kpi bookings`, `chart`, `table`, `footnotes`) so a reader -- or a test -- can find what a
slide shows without guessing from positions.
"""
from __future__ import annotations

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from semantic.deck.content import ChartContent, TableContent, Tile

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP, BODY_BOTTOM = Inches(1.25), Inches(5.9)
INK, MUTED, TILE_FILL, ACCENT = RGBColor(0x1F, 0x2A, 0x37), RGBColor(0x5F, 0x6B, 0x7A), RGBColor(0xEE, 0xF2, 0xF7), \
    RGBColor(0x1D, 0x4E, 0xD8)
CHART_TYPES = {"column": XL_CHART_TYPE.COLUMN_CLUSTERED, "bar": XL_CHART_TYPE.BAR_CLUSTERED,
               "line": XL_CHART_TYPE.LINE_MARKERS}
BLANK_LAYOUT = 6


def new_presentation(title: str) -> Presentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = title
    return prs


def blank_slide(prs: Presentation) -> Slide:
    return prs.slides.add_slide(prs.slide_layouts[BLANK_LAYOUT])


def text_box(slide: Slide, name: str, box: tuple[Emu, Emu, Emu, Emu], lines: list[str], size: int,
             bold: bool = False, color: RGBColor = INK, align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    shape = slide.shapes.add_textbox(*box)
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # long footnotes shrink rather than run off the slide
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, color


def heading(slide: Slide, title: str) -> None:
    text_box(slide, "title", (MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.8)), [title], 28, bold=True)


def footnotes(slide: Slide, lines: list[str]) -> None:
    top = BODY_BOTTOM + Inches(0.1)
    text_box(slide, "footnotes", (MARGIN, top, WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.15)), lines, 8,
             color=MUTED)


def title_slide(slide: Slide, title: str, subtitle: str | None, stamp: str) -> None:
    text_box(slide, "title", (MARGIN, Inches(2.4), WIDTH - 2 * MARGIN, Inches(1.2)), [title], 40, bold=True)
    if subtitle:
        text_box(slide, "subtitle", (MARGIN, Inches(3.6), WIDTH - 2 * MARGIN, Inches(0.7)), [subtitle], 22,
                 color=MUTED)
    footnotes(slide, [stamp])


def kpi_tiles(slide: Slide, tiles: list[Tile]) -> None:
    """Tiles in rows of up to three: label, value, and the change against the compared period."""
    columns = 2 if len(tiles) in (2, 4) else min(3, len(tiles))
    rows = -(-len(tiles) // columns)
    gap = Inches(0.3)
    width = (WIDTH - 2 * MARGIN - gap * (columns - 1)) // columns
    height = min(Inches(2.1), (BODY_BOTTOM - BODY_TOP - gap * (rows - 1)) // rows)
    for i, tile in enumerate(tiles):
        left = MARGIN + (width + gap) * (i % columns)
        top = BODY_TOP + (height + gap) * (i // columns)
        shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, width, height)
        shape.name = f"kpi {tile.metric}"
        shape.fill.solid()
        shape.fill.fore_color.rgb = TILE_FILL
        shape.line.fill.background()
        frame = shape.text_frame
        frame.word_wrap = True
        parts = [(tile.label, 14, False, MUTED), (tile.value, 32, True, INK)]
        if tile.change:
            parts.append((tile.change, 12, False, ACCENT))
        for j, (text, size, bold, color) in enumerate(parts):
            paragraph = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.CENTER
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, color


def chart(slide: Slide, content: ChartContent, kind: str) -> None:
    if not content.categories:
        text_box(slide, "empty", (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1)),
                 ["No rows answer this question."], 18, color=MUTED)
        return
    data = CategoryChartData(number_format=content.number_format)
    data.categories = list(content.categories)
    for series in content.series:
        data.add_series(series.name, list(series.values))
    frame = slide.shapes.add_chart(CHART_TYPES[kind], MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP,
                                   data)
    frame.name = "chart"
    drawn = frame.chart
    drawn.has_legend = True
    drawn.legend.position = XL_LEGEND_POSITION.BOTTOM
    drawn.legend.include_in_layout = False
    drawn.font.size = Pt(11)
    axis = drawn.value_axis
    axis.tick_labels.number_format = content.number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    if kind == "bar":  # bars are drawn bottom-up: reversed, the first category reads first, as in a table
        drawn.category_axis.reverse_order = True


def table(slide: Slide, content: TableContent) -> None:
    rows, columns = len(content.rows) + 1, len(content.headers)
    size = 11 if rows <= 12 else 9 if rows <= 20 else 7
    row_height = min(Inches(0.4), (BODY_BOTTOM - BODY_TOP) // rows)
    frame = slide.shapes.add_table(rows, columns, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, row_height * rows)
    frame.name = "table"
    grid = frame.table
    for r, values in enumerate([content.headers, *content.rows]):
        grid.rows[r].height = row_height
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Pt(1)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if content.numeric[c] else PP_ALIGN.LEFT
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(size), r == 0
