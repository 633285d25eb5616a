"""Renderer tests over a synthetic brief (Chinese text written for these tests).

Regenerate the golden HTML on purpose only:
    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_render.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from briefing import pdf as pdf_module
from briefing import fsutil, render
from briefing.errors import RenderError, UsageError
from briefing.models import Brief, Point, Sentence
from benchmarks.synthetic_brief import _sentence as synthetic_sentence
from benchmarks.synthetic_brief import synthetic_brief

GOLDEN = Path(__file__).parent / "golden" / "brief.html"

has_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def brief() -> Brief:
    return synthetic_brief()


@pytest.fixture(scope="module")
def pdf_file(brief: Brief, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "brief.pdf"
    (path,) = render.render(brief, out, formats=["pdf"])
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


def test_html_matches_golden(brief: Brief) -> None:
    html = render.render_html(brief)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(html, encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run UPDATE_GOLDEN=1 pytest tests/test_render.py"
    assert html == GOLDEN.read_text(encoding="utf-8"), (
        "HTML differs from tests/golden/brief.html; if the change is intended, "
        "regenerate with UPDATE_GOLDEN=1 pytest tests/test_render.py and review the diff"
    )


def test_html_is_escaped_and_self_contained(brief: Brief) -> None:
    html = render.render_html(brief)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<style>" in html and "<link" not in html
    assert 'href="javascript:' not in html  # only http(s) URLs become links
    assert 'href="https://example.com/news/chips?id=1&amp;lang=zh"' in html


def test_html_structure(brief: Brief) -> None:
    html = render.render_html(brief)
    # Chinese and English are marked for fonts, hyphenation and screen readers.
    assert '<p class="zh" lang="zh-CN">' in html and '<p class="en" lang="en">' in html
    # A corroborated point cites both articles; markers link to the appendix.
    assert '<a class="cite" href="#src-1">[1]</a><a class="cite" href="#src-2">[2]</a>' in html
    assert 'id="src-4"' in html and 'id="p-1-1"' in html
    # Back-links from the appendix to the points.
    assert '<a href="#p-1-1">1.1</a>' in html
    # Labels of the English lines.
    assert "word-by-word gist" in html and ">reviewed<" in html
    # A month-day date is shown as written, never given a year.
    assert "5月14日" in html
    # Coverage: skipped files and why, and the honest method statement.
    assert "news/garbled.html" in html and "undecodable bytes" in html
    assert "not a translation" in html
    # PDF metadata source.
    assert '<meta name="dcterms.created" content="2024-05-23">' in html


def test_translator_none_keeps_english_chrome() -> None:
    html = render.render_html(synthetic_brief(translator="none"))
    assert 'class="en"' not in html
    assert "Executive summary" in html and "Sources" in html
    assert "title gist" not in html


def test_unknown_source_in_point_is_an_error(brief: Brief) -> None:
    broken = synthetic_brief()
    broken.sources = broken.sources[1:]
    with pytest.raises(RenderError, match="not in Brief.sources"):
        render.render_html(broken)


# --------------------------------------------------------------------------
# Markdown and JSON
# --------------------------------------------------------------------------


def test_markdown_and_json(brief: Brief, tmp_path: Path) -> None:
    paths = render.render(brief, tmp_path / "brief.pdf", formats=["md", "json"])
    assert [p.name for p in paths] == ["brief.md", "brief.json"]
    md = paths[0].read_text(encoding="utf-8")
    assert md.startswith("# 中美人工智能政策简报 · US–China AI Policy Brief\n")
    assert "美国商务部周三表示，将把更多中国企业列入实体清单。 [1][2]" in md
    assert "*word-by-word gist:*" in md
    assert "\\<script\\>" in md  # escaped, not live markup
    assert "javascript:" not in md
    assert "<https://example.com/news/chips?id=1&lang=zh>" in md

    data = json.loads(paths[1].read_text(encoding="utf-8"))
    first = data["sections"][0]["points"][0]
    assert first["zh"] == "美国商务部周三表示，将把更多中国企业列入实体清单。"
    assert first["translation_mode"] == "gist" and first["en"]
    assert first["citations"] == [1, 2] and first["corroboration"] == 2
    assert data["sources"][2]["date"] is None and data["sources"][2]["date_text"] == "5月14日"
    assert data["coverage"]["articles"] == 4
    assert data["coverage"]["skipped"][0]["path"] == "news/empty.txt"
    assert [e["id"] for e in data["executive"]] == ["1.1", "2.1", "3.1"]


def test_unknown_format_is_a_usage_error(brief: Brief, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="docx"):
        render.render(brief, tmp_path / "b.pdf", formats=["html", "docx"])
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------


def test_failed_render_leaves_previous_file(brief: Brief, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"%PDF- yesterday's brief")

    def half_written(html, file, **kwargs):
        file.write(b"%PDF-1.7 partial")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pdf_module, "write_pdf", half_written)
    with pytest.raises(RuntimeError, match="disk on fire"):
        render.render(brief, target, formats=["pdf"])
    assert target.read_bytes() == b"%PDF- yesterday's brief"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.pdf"]


def test_failure_in_replace_leaves_no_temp(brief: Brief, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "brief.html"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("cross-device link")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    with pytest.raises(OSError):
        render.render(brief, target, formats=["html"])
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html"]


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def test_harfbuzz_subset_detected() -> None:
    assert pdf_module.harfbuzz_subset_available() is True


@has_poppler
def test_pdf_fonts_embedded_and_subset(pdf_file: Path) -> None:
    fonts = _run("pdffonts", str(pdf_file))
    rows = [line.split() for line in fonts.splitlines()[2:]]
    names = [row[0] for row in rows]
    assert len(names) == 2, fonts  # one family, regular and bold: each CJK face costs size
    assert all("Noto-Sans-CJK-SC" in n for n in names), fonts
    for row in rows:
        # name ... emb sub uni: every font embedded and subset ("ABCDEF+" prefix).
        assert "+" in row[0], fonts
        assert row[-5:-2] == ["yes", "yes", "yes"], fonts


def test_pdf_embeds_only_the_glyphs_it_uses(pdf_file: Path) -> None:
    # WeasyPrint alone keeps every glyph slot up to the highest id used (~60,000
    # in Noto CJK, ~400 KB); pdf._subset_fonts cuts the face down first.
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    counts = []
    for font in PdfReader(pdf_file).pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        data = descriptor["/FontFile3"].get_object().get_data()
        counts.append(TTFont(io.BytesIO(data))["maxp"].numGlyphs)
    assert counts and max(counts) < 2000, counts


@has_poppler
def test_pdf_text_is_extractable(pdf_file: Path, brief: Brief) -> None:
    text = _run("pdftotext", "-layout", str(pdf_file), "-")
    flat = "".join(text.split())
    for point in brief.points:
        assert "".join(point.sentence.text.split()) in flat, point.sentence.text
    assert "Page 1 of" in text and "第 1 页" in text
    assert "Export controls" in text


@has_poppler
def test_pdf_metadata(pdf_file: Path) -> None:
    info = _run("pdfinfo", "-isodates", str(pdf_file))
    assert "中美人工智能政策简报 · US–China AI Policy Brief · 2024-05-23" in info
    assert "Author:          briefing (automated policy brief)" in info
    assert "CreationDate:    2024-05-23" in info
    assert "Export controls" in info  # keywords


def test_pdf_bookmarks_and_links(pdf_file: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(pdf_file)
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    flat = " | ".join(titles)
    for heading in ("Executive summary", "Export controls", "Glossary", "Sources", "Coverage note"):
        assert heading in flat, flat
    links = [
        annot.get_object()
        for page in reader.pages
        for annot in page.get("/Annots") or []
    ]
    assert any("/Dest" in link or "/A" in link and "/D" in link["/A"] for link in links)
    assert any(link.get("/A", {}).get("/URI") == "https://example.net/models" for link in links)


def test_pdf_is_deterministic_and_clean(
    brief: Brief, tmp_path: Path, pdf_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="weasyprint"):
        (again,) = render.render(brief, tmp_path / "again.pdf", formats=["pdf"])
    assert again.read_bytes() == pdf_file.read_bytes()
    # No CSS the engine ignored, no resource it could not load.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_missing_glyph_is_an_error(tmp_path: Path) -> None:
    brief = synthetic_brief()
    sentence = brief.sections[0].points[0].sentence
    odd = Sentence(sentence.text + "\ue000", sentence.norm, sentence.source, 0, 0, 0, 0)
    brief.sections[0].points[0].sentence = odd
    target = tmp_path / "brief.pdf"
    with pytest.raises(RenderError, match=r"U\+E000.*Noto Sans CJK SC"):
        render.render(brief, target, formats=["pdf"])
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# URL fetcher
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://example.com/tracker.png", "https://example.com/x.css", "file:///etc/passwd", "ftp://example.com/a"],
)
def test_url_fetcher_refuses(url: str) -> None:
    fetcher = pdf_module.make_url_fetcher([render.templates_dir()])
    with pytest.raises(fetcher.refused):
        fetcher.fetch(url)


def test_url_fetcher_reads_templates() -> None:
    fetcher = pdf_module.make_url_fetcher([render.templates_dir()])
    response = fetcher.fetch((render.templates_dir() / "brief.css").as_uri())
    assert b"@page" in response.read()


def test_document_fetching_network_fails_render(tmp_path: Path) -> None:
    html = '<html><body><img src="http://example.com/pixel.png"><p>x</p></body></html>'
    with pytest.raises(pdf_module.RefusedURL, match="example.com"):
        with open(tmp_path / "x.pdf", "wb") as target:
            pdf_module.write_pdf(html, target, base_dir=render.templates_dir(), allowed_dirs=())
    html = '<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body>x</body></html>'
    with pytest.raises(pdf_module.RefusedURL, match="passwd"):
        with open(tmp_path / "y.pdf", "wb") as target:
            pdf_module.write_pdf(html, target, base_dir=render.templates_dir(), allowed_dirs=())


# --------------------------------------------------------------------------
# Points as analysts read them (issue 20)
# --------------------------------------------------------------------------


def _leaning_brief() -> tuple[Brief, Point, Point]:
    """The synthetic brief with a point that opens mid-thought, its antecedent not shown above it,
    and a point quoting machine-reworded wording."""
    import dataclasses

    brief = synthetic_brief()
    nvidia = brief.sections[0].points[1]
    leaning = dataclasses.replace(nvidia.sentence, text="此举将影响芯片出口。", norm="此举将影响芯片出口。")
    nvidia.sentence = leaning
    nvidia.occurrences = []
    nvidia.context = synthetic_sentence(0, 0)  # the sentence before it in its article …
    dialogue = brief.sections[1].points[1]
    reworded_source = dataclasses.replace(dialogue.sentence.source, reworded=True)
    dialogue.sentence = dataclasses.replace(dialogue.sentence, source=reworded_source)
    dialogue.occurrences = []
    brief.sources = [reworded_source if s.path == reworded_source.path else s for s in brief.sources]
    return brief, nvidia, dialogue


def test_point_opening_mid_thought_shows_its_context_unless_just_above() -> None:
    brief, leaning, _ = _leaning_brief()
    html = render.render_html(brief)
    # … is point 1.1, just above it in its section: not repeated there.
    section = html.split('id="theme-1"')[1].split('id="theme-2"')[0]
    assert 'class="context"' not in section
    # In the executive summary the point above is another one: the context is printed, lighter.
    brief.executive = [brief.sections[1].points[0], leaning]
    html = render.render_html(brief)
    summary = html.split('id="summary"')[1].split('id="theme-1"')[0]
    assert '<p class="context" lang="zh-CN">' in summary
    assert "美国商务部周三表示，将把更多中国企业列入实体清单。" in summary.split('class="context"')[1]
    data = render.brief_data(brief)
    assert data["executive"][1]["context"] == "美国商务部周三表示，将把更多中国企业列入实体清单。"
    assert data["executive"][0]["context"] is None
    md = render.render_markdown(brief)
    assert "*(上文 context: 美国商务部周三表示" in md


def test_reworded_point_is_marked_on_the_point() -> None:
    brief, _, reworded_point = _leaning_brief()
    html = render.render_html(brief)
    marked = html.split('<div class="point reworded"')[1].split("</div>")[0]
    assert reworded_point.sentence.text in marked
    assert "洗稿改写" in marked and "machine-reworded wording" in marked
    assert html.count('class="reworded-mark"') == 1
    data = render.brief_data(brief)
    assert [p["reworded"] for p in data["sections"][1]["points"]] == [False, True, False]
    assert "洗稿改写 machine-reworded wording" in render.render_markdown(brief)


def test_point_without_outlet_says_so(brief: Brief) -> None:
    html = render.render_html(brief)
    assert "5月14日 · 媒体不详 outlet unknown</span>" in html


def test_notes_glossary_and_appendix_are_bilingual(brief: Brief) -> None:
    html = render.render_html(brief)
    assert "1 篇文章没有完整日期" in html and "1 article carries no full date" in html
    assert "article(s)" not in html
    assert '<ul class="terms">' in html
    assert '<span lang="zh-CN">文件</span> <span lang="en">File</span>' in html
    data = render.brief_data(brief)
    assert data["coverage"]["notes"] == ["1 article carries no full date and is listed after the dated ones."]
    assert data["coverage"]["notes_zh"] == ["1 篇文章没有完整日期，列在有日期的文章之后。"]
    md = render.render_markdown(brief)
    assert "4 articles read from" in md and "已读文章 4 篇" in md


def test_theme_heading_overview_and_first_point_are_kept_together(brief: Brief) -> None:
    html = render.render_html(brief)
    lead = html.split('<div class="theme-lead">')[1].split('id="p-1-2"')[0]
    assert "<h2>" in lead and 'class="overview"' in lead and 'id="p-1-1"' in lead


@has_poppler
def test_running_header_names_the_section_at_the_top_of_the_page(tmp_path: Path) -> None:
    import dataclasses

    brief = synthetic_brief()
    # A first section long enough to run over a page, so the second starts part-way down one.
    first = brief.sections[0]
    first.points = [dataclasses.replace(first.points[i % 2]) for i in range(14)]
    brief.executive = []
    (path,) = render.render(brief, tmp_path / "brief.pdf", formats=["pdf"])
    pages = int(next(line.split()[-1] for line in _run("pdfinfo", str(path)).splitlines() if line.startswith("Pages:")))
    checked = 0
    for page in range(2, pages + 1):
        text = _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-")
        lines = [line for line in text.splitlines() if line.strip()]
        header, body = lines[0], lines[1:]
        # The diplomacy section's first point (its heading and overview are just above it).
        starts = [i for i, line in enumerate(body) if line.lstrip().startswith("2.1")]
        if starts and starts[0] > 4:  # the diplomacy section starts part-way down this page
            assert "Export controls" in header and "Diplomacy" not in header
            checked += 1
    assert checked == 1
