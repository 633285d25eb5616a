"""At a glance: the points-per-theme-by-outlet figure, its geometry, its SVG in the HTML and the PDF."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefing import chart, render
from briefing.models import Brief

from test_render import synthetic_brief


@pytest.fixture(scope="module")
def brief() -> Brief:
    return synthetic_brief()


def test_bars_count_each_themes_points_by_outlet(brief: Brief) -> None:
    figure = chart.theme_chart(brief)
    assert figure is not None
    assert [row.label_en for row in figure.rows] == [s.theme.label_en for s in brief.sections]
    for row, section in zip(figure.rows, brief.sections, strict=True):
        assert row.total == len(section.points) == sum(s.count for s in row.segments)
        outlets = [p.sentence.source.outlet or chart.UNKNOWN_OUTLET for p in section.points]
        assert {s.outlet: s.count for s in row.segments} == {o: outlets.count(o) for o in set(outlets)}
        # Segments abut, and a point is as wide in every row.
        for left, right in zip(row.segments, row.segments[1:]):
            assert right.x == pytest.approx(left.x + left.width, abs=0.11)
    widths = {round(s.width / s.count, 1) for row in figure.rows for s in row.segments}
    assert len(widths) == 1


def test_legend_names_outlets_most_points_first_unknown_last(brief: Brief) -> None:
    figure = chart.theme_chart(brief)
    names = [entry.outlet for entry in figure.legend]
    counts = {}
    for point in brief.points:
        outlet = point.sentence.source.outlet or chart.UNKNOWN_OUTLET
        counts[outlet] = counts.get(outlet, 0) + 1
    assert sorted(names) == sorted(counts)
    if chart.UNKNOWN_OUTLET in names:
        assert names[-1] == chart.UNKNOWN_OUTLET
        assert figure.legend[-1].colour == chart.UNKNOWN_COLOUR
    known = [n for n in names if n != chart.UNKNOWN_OUTLET]
    assert [counts[n] for n in known] == sorted((counts[n] for n in known), reverse=True)


def test_many_outlets_share_one_colour(brief: Brief) -> None:
    import copy
    import dataclasses

    model = brief.points[0]
    points = []
    for i in range(len(chart.PALETTE) + 2):  # more outlets than colours
        source = dataclasses.replace(model.sentence.source, outlet=f"媒体{i}", path=f"{i}.txt")
        sentence = dataclasses.replace(model.sentence, source=source)
        points.append(dataclasses.replace(model, sentence=sentence, occurrences=[sentence]))
    crowded = copy.copy(brief)
    crowded.sections = [dataclasses.replace(brief.sections[0], points=points)]
    figure = chart.theme_chart(crowded)
    assert len(figure.legend) == len(chart.PALETTE) + 1
    assert figure.legend[-1].outlet == "其他媒体 other outlets"
    (row,) = figure.rows
    assert row.segments[-1].count == 2 and row.segments[-1].colour == chart.OTHER_COLOUR


def test_no_points_no_figure(brief: Brief) -> None:
    empty = Brief(title_zh="t", title_en="t", today=brief.today, articles=[], skipped=[], sections=[], executive=[])
    assert chart.theme_chart(empty) is None
    assert "<svg" not in render.render_html(empty)


def _svg(html: str) -> str:
    match = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert match, "the HTML carries the figure"
    return match.group()


def test_svg_in_the_html_is_well_formed_and_deterministic(brief: Brief) -> None:
    html = render.render_html(brief)
    svg = _svg(html)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = "".join(root.itertext())
    for section in brief.sections:
        assert section.theme.label_zh in texts and section.theme.label_en in texts
    # The brief's own font, so the PDF embeds it subset with the text.
    assert root.get("font-family").startswith("Noto Sans CJK SC Subset")
    assert svg == _svg(render.render_html(synthetic_brief()))


def test_figure_is_drawn_in_the_pdf_with_the_brief_fonts(brief: Brief, tmp_path: Path) -> None:
    (path,) = render.render(brief, tmp_path / "brief.pdf", formats=["pdf"])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Points per theme, by outlet" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split()[0] for line in fonts.splitlines()[2:]]
    assert embedded and all("Noto-Sans-CJK-SC-Subset" in name for name in embedded)
    again = render.render(brief, tmp_path / "again.pdf", formats=["pdf"])[0]
    assert path.read_bytes() == again.read_bytes()
