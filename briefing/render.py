"""Layout: a :class:`Brief` in, PDF / HTML / Markdown / JSON files out.

Rendering adds nothing but layout.  HTML comes only from the Jinja2 templates
(autoescaped: article text never reaches a page as markup), and every file is
written atomically, so a failed run leaves yesterday's brief intact.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

import jinja2
import markupsafe

import briefing
from briefing import reworded
from briefing.errors import RenderError, UsageError
from briefing.fsutil import atomic_writer
from briefing.models import Brief, Point, Source

log = logging.getLogger(__name__)

FORMATS = ("pdf", "html", "md", "json")
AUTHOR = "briefing (automated policy brief)"


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------


def templates_dir() -> Path:
    """Inside the package in a wheel install, else the checkout's top-level ``templates/``."""
    packaged = Path(briefing.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(briefing.__file__).resolve().parent.parent / "templates"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_escape(text: object) -> str:
    """Article text as literal Markdown: no links, emphasis or HTML can sneak in."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@cache
def _environment(directory: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        # HTML is always escaped; the Markdown template escapes with |md.
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    return env


def _template(name: str) -> jinja2.Template:
    try:
        return _environment(templates_dir()).get_template(name)
    except jinja2.TemplateError as error:
        raise RenderError(f"template {name}: {error}") from error


# --------------------------------------------------------------------------
# What the templates see
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointRef:
    anchor: str  # id in the document, "p-2-3"
    label: str  # what a reader sees, "2.3"


@dataclass(frozen=True, slots=True)
class SourceEntry:
    number: int
    source: Source
    date: str
    link: str | None  # only http(s) URLs become links
    title_en: str | None
    cited_by: list[PointRef]


def mode_label(mode: str) -> str:
    """The visible tag beside an English line: it never pretends to be more than it is."""
    if mode == "gist":
        return "word-by-word gist"
    if mode == "reviewed":
        return "reviewed"
    if mode == "none":
        return "no English"
    return f"machine translation ({mode})"


def _date_text(source: Source) -> str:
    if source.date is not None:
        return source.date.isoformat()
    return source.date_text or "日期不详 date unknown"


# Characters a CommonMark autolink <...> cannot hold.  The Markdown brief
# writes links as <{{ entry.link }}>, so a source URL such as
# "http://a.b/<script>alert(1)</script>" (front matter, og:url or a canonical
# link, all taken from the article) ended the autolink early and put raw HTML
# into brief.md.  Percent-encoded they are the same URL to a browser.
_NOT_IN_AUTOLINK = re.compile(r"[\x00-\x20\x7f<>]")


def _safe_link(url: str | None) -> str | None:
    if url and urlsplit_scheme(url) in ("http", "https"):
        return _NOT_IN_AUTOLINK.sub(lambda m: f"%{ord(m.group()):02X}", url.strip())
    return None


def urlsplit_scheme(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


class View:
    """Numbering and labels computed once, so the templates only lay out."""

    def __init__(self, brief: Brief, *, title_gist: Callable[[str], str] | None = None):
        self.brief = brief
        self._numbers = {source.path: i for i, source in enumerate(brief.sources, 1)}
        self._refs: dict[int, PointRef] = {}
        for s, section in enumerate(brief.sections, 1):
            for i, point in enumerate(section.points, 1):
                self._refs[id(point)] = PointRef(f"p-{s}-{i}", f"{s}.{i}")
        for i, point in enumerate(brief.executive, 1):
            # An executive point outside every section still gets a label.
            self._refs.setdefault(id(point), PointRef(f"x-{i}", f"S{i}"))

        cited: dict[str, list[PointRef]] = {}
        for point in brief.points:
            for source in point.cited_sources():
                cited.setdefault(source.path, []).append(self._refs[id(point)])
        self.sources = [
            SourceEntry(
                number=n,
                source=source,
                date=_date_text(source),
                link=_safe_link(source.url),
                title_en=title_gist(reworded.usual_title(source)) if title_gist else None,
                cited_by=cited.get(source.path, []),
            )
            for n, source in enumerate(brief.sources, 1)
        ]
        span = brief.date_span
        self.span_text = f"{span[0].isoformat()} – {span[1].isoformat()}" if span else "日期不详 no dated article"

    def citations(self, point: Point) -> list[int]:
        numbers = []
        for source in point.cited_sources():
            if source.path not in self._numbers:
                raise RenderError(f"point cites {source.path!r}, which is not in Brief.sources")
            numbers.append(self._numbers[source.path])
        return sorted(numbers)

    @staticmethod
    def uncited_count(point: Point) -> int:
        """Sources behind the point beyond the ones it cites."""
        return len(point.sources) - len(point.cited_sources())

    def point_ref(self, point: Point) -> PointRef:
        return self._refs[id(point)]

    @staticmethod
    def point_date(point: Point) -> str:
        return _date_text(point.sentence.source)

    @staticmethod
    def mode_label(mode: str) -> str:
        return mode_label(mode)

    @staticmethod
    def mode_class(mode: str) -> str:
        return mode if mode in ("gist", "reviewed", "none") else "mt"

    @property
    def english_summary(self) -> str:
        translator = self.brief.translator
        if translator == "gist":
            return "word-by-word dictionary gist (not a translation)"
        if translator == "none":
            return "none (Chinese only)"
        return f"machine translation ({translator})"

    @property
    def method_en(self) -> str:
        translator = self.brief.translator
        if translator == "gist":
            from briefing.translate import policy_glossary

            return (
                "The English lines are a word-by-word gist, not a translation. Each Chinese word or "
                f"phrase is looked up in a curated glossary of {len(policy_glossary())} policy terms "
                "(names, institutions, export-control vocabulary) and otherwise in the CC-CEDICT "
                "dictionary, taking its first plain sense; names neither dictionary knows are "
                "romanised (pinyin), dates and amounts are written in English, and a few word-order "
                "rules are applied (dates, 在…上, 被 passives). Word order, tense, negation scope and "
                "nuance can be wrong. Use the English to see what a point is about; quote the "
                "Chinese, and have it translated before relying on its wording. Article titles in the "
                "source list are glossed the same way."
            )
        if translator == "none":
            return "This brief carries no English rendering of the Chinese text; headings and notes are in English."
        return (
            f"The English lines are machine translation by the “{translator}” backend and have not been "
            "reviewed unless marked “reviewed”. Article titles in the source list are a word-by-word gist."
        )

    @property
    def method_zh(self) -> str:
        translator = self.brief.translator
        if translator == "gist":
            return "英文行为逐词（短语）词典释义（政策术语表优先，其余取 CC-CEDICT 首个义项，未收录的人名地名按拼音拼写），并非翻译；引用时请以中文原文为准。"
        if translator == "none":
            return "本简报不含正文英文译文。"
        return f"英文行为机器翻译（{translator}），除标注“reviewed”者外未经人工审校。"


def _view(brief: Brief) -> View:
    title_gist = None
    if brief.translator != "none":
        from briefing.translate import gist_title

        title_gist = gist_title
    return View(brief, title_gist=title_gist)


def _metadata(brief: Brief) -> dict[str, str]:
    span = brief.date_span
    span_text = f", sources {span[0].isoformat()} to {span[1].isoformat()}" if span else ""
    keywords = ["US–China", "AI policy", *(s.theme.label_en for s in brief.sections)]
    return {
        "author": AUTHOR,
        "subject": (
            f"{brief.title_en}: {len(brief.points)} points from {len(brief.articles)} Chinese-language "
            f"articles{span_text}"
        ),
        "keywords": ", ".join(keywords),
        "generator": f"briefing {getattr(briefing, '__version__', '')}".strip(),
    }


# --------------------------------------------------------------------------
# Formats
# --------------------------------------------------------------------------


def render_html(brief: Brief) -> str:
    """The whole brief as one self-contained HTML document (stylesheet inlined)."""
    # Our own file, inlined verbatim (escaping would break the CSS quotes).
    stylesheet = markupsafe.Markup((templates_dir() / "brief.css").read_text(encoding="utf-8"))
    return _render_template("brief.html", brief, stylesheet=stylesheet, meta=_metadata(brief))


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown, for pasting into an email or a wiki."""
    text = _render_template("brief.md", brief)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _render_template(name: str, brief: Brief, **context: object) -> str:
    template = _template(name)
    try:
        return template.render(brief=brief, view=_view(brief), **context)
    except RenderError:
        raise
    except jinja2.TemplateError as error:
        raise RenderError(f"template {name}: {error}") from error


def brief_data(brief: Brief) -> dict:
    """The brief's content as plain JSON-ready data (stable key order)."""
    view = _view(brief)

    def point(p: Point) -> dict:
        ref = view.point_ref(p)
        return {
            "id": ref.label,
            "zh": p.sentence.text,
            "en": p.english.text if p.english else "",
            "translation_mode": p.english.mode if p.english else "none",
            "score": round(p.score, 6),
            "theme": p.theme,
            "theme_score": round(p.theme_score, 6),
            "secondary_themes": list(p.secondary_themes),
            "keywords": list(p.keywords),
            "corroboration": p.corroboration,
            "citations": view.citations(p),
            "date": view.point_date(p),
            "source": p.sentence.source.path,
            "position": p.sentence.position,
        }

    span = brief.date_span
    return {
        "title_zh": brief.title_zh,
        "title_en": brief.title_en,
        "today": brief.today.isoformat(),
        "translator": brief.translator,
        "coverage": {
            "articles": len(brief.articles),
            "outlets": brief.outlets,
            "points": len(brief.points),
            "date_span": [span[0].isoformat(), span[1].isoformat()] if span else None,
            "skipped": [{"path": s.path, "reason": s.reason} for s in brief.skipped],
            "notes": list(brief.notes),
        },
        "executive": [point(p) for p in brief.executive],
        "sections": [
            {
                "theme": {"id": s.theme.id, "label_zh": s.theme.label_zh, "label_en": s.theme.label_en},
                "salience": round(s.salience, 6),
                "overview_zh": s.overview_zh,
                "overview_en": s.overview_en,
                "points": [point(p) for p in s.points],
            }
            for s in brief.sections
        ],
        "glossary": [{"zh": zh, "en": en} for zh, en in brief.glossary],
        "sources": [
            {
                "number": e.number,
                "path": e.source.path,
                "title": e.source.title,
                "title_derived": e.source.title_derived,
                "title_gist": e.title_en,
                "date": e.source.date.isoformat() if e.source.date else None,
                "date_text": e.source.date_text,
                "outlet": e.source.outlet,
                "author": e.source.author,
                "url": e.source.url,
                "cited_by": [ref.label for ref in e.cited_by],
            }
            for e in view.sources
        ],
    }


def render_json(brief: Brief) -> str:
    return json.dumps(brief_data(brief), ensure_ascii=False, indent=2) + "\n"


def _write_pdf(brief: Brief, target: BinaryIO) -> None:
    from briefing import pdf

    pdf.write_pdf(render_html(brief), target, base_dir=templates_dir(), allowed_dirs=pdf.FONT_DIRS)


_WRITERS: dict[str, Callable[[Brief, BinaryIO], None]] = {
    "pdf": _write_pdf,
    "html": lambda brief, target: target.write(render_html(brief).encode("utf-8")),
    "md": lambda brief, target: target.write(render_markdown(brief).encode("utf-8")),
    "json": lambda brief, target: target.write(render_json(brief).encode("utf-8")),
}


def render(brief: Brief, out: Path, *, formats: Sequence[str] = ("pdf",)) -> list[Path]:
    """Write ``brief`` in each format beside ``out`` (``out`` with the format's suffix).

    Returns the written paths in the order of ``formats``.  Raises
    :class:`UsageError` for an unknown format before writing anything, and
    :class:`RenderError` when a document cannot be produced.
    """
    out = Path(out)
    unknown = [f for f in formats if f not in _WRITERS]
    if unknown:
        raise UsageError(f"unknown output format(s) {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    written = []
    for fmt in dict.fromkeys(formats):
        path = out.with_suffix(f".{fmt}")
        with atomic_writer(path) as target:
            _WRITERS[fmt](brief, target)
        log.info("wrote %s", path)
        written.append(path)
    return written


__all__ = [
    "FORMATS",
    "brief_data",
    "markdown_escape",
    "mode_label",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "templates_dir",
]
