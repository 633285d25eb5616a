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
from pathlib import Path
from typing import BinaryIO

import jinja2
import markupsafe

import briefing
from briefing import presentation
from briefing.errors import RenderError, UsageError
from briefing.chart import theme_chart
from briefing.fsutil import atomic_writer
from briefing.models import Brief, Point, Source, TimelineEvent
from briefing.presentation import date_text, iso_span, markdown_escape, mode_label, templates_dir
from briefing.standalone import needs_context

log = logging.getLogger(__name__)

FORMATS = ("pdf", "html", "md", "json")
AUTHOR = "briefing (automated policy brief)"


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------


def _template(name: str) -> jinja2.Template:
    try:
        return presentation.environment(templates_dir()).get_template(name)
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

    def __init__(self, brief: Brief):
        self.brief = brief
        self._theme_labels: dict | None = None
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
                date=date_text(source),
                link=_safe_link(source.url),
                title_en=brief.source_titles_en.get(source.path),
                cited_by=cited.get(source.path, []),
            )
            for n, source in enumerate(brief.sources, 1)
        ]
        span = brief.date_span
        self.span_text = iso_span(*span) if span else presentation.NO_DATED_ARTICLE

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
        return date_text(point.sentence.source)

    def also_filed(self, point: Point) -> tuple[str, str] | None:
        """(Chinese, English) of the theme a point the model was unsure of also belongs to, else None.

        The model abstains rather than guesses between two close themes: the
        point sits in the first and names the second ("出口管制 · 科技竞争").
        """
        if not point.secondary_themes:
            return None
        if self._theme_labels is None:
            from briefing.themes import load_taxonomy  # noqa: PLC0415 - only when a point names a second theme

            self._theme_labels = {t.id: t for t in load_taxonomy()} | {s.theme.id: s.theme for s in self.brief.sections}
        other = self._theme_labels.get(point.secondary_themes[0])
        if other is None or other.id == point.theme:
            return None
        return other.label_zh, other.label_en

    @staticmethod
    def corroboration_text(point: Point) -> str:
        return presentation.corroboration_text(point)

    @staticmethod
    def point_outlet(point: Point) -> str:
        return presentation.outlet_text(point.sentence.source)

    @staticmethod
    def shows_context(point: Point, previous: Point | None = None) -> bool:
        """Print the sentence the point leans on, unless it is the point just above."""
        return needs_context(point, previous)

    @property
    def articles_read_en(self) -> str:
        return presentation.articles_read_en(len(self.brief.articles), len(self.brief.outlets))

    reworded_mark_zh = presentation.REWORDED_MARK_ZH
    reworded_mark_en = presentation.REWORDED_MARK_EN

    @staticmethod
    def mode_label(mode: str) -> str:
        return mode_label(mode)

    @staticmethod
    def skip_reason_zh(reason: str) -> str:
        return presentation.skip_reason_zh(reason)

    @staticmethod
    def mode_class(mode: str) -> str:
        return mode if mode in ("gist", "reviewed", "none") else "mt"

    @property
    def english_summary(self) -> str:
        return presentation.english_summary(self.brief.translator)

    @property
    def english_summary_zh(self) -> str:
        return presentation.english_summary_zh(self.brief.translator)

    @property
    def method_en(self) -> str:
        from briefing.translate import policy_glossary

        return presentation.method_en(self.brief.translator, glossary_terms=len(policy_glossary()))

    @property
    def method_zh(self) -> str:
        return presentation.method_zh(self.brief.translator)


def _view(brief: Brief) -> View:
    return View(brief)


def _metadata(brief: Brief) -> dict[str, str]:
    span = brief.date_span
    span_text = f", sources {iso_span(*span, sep=' to ')}" if span else ""
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
    context.setdefault("chart", theme_chart(brief))  # issue 20: the "at a glance" figure
    try:
        return template.render(brief=brief, view=_view(brief), **context)
    except RenderError:
        raise
    except jinja2.TemplateError as error:
        raise RenderError(f"template {name}: {error}") from error


def brief_data(brief: Brief) -> dict:
    """The brief's content as plain JSON-ready data (stable key order)."""
    view = _view(brief)
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
            "notes": [note.en for note in brief.notes],
            "notes_zh": [note.zh for note in brief.notes],
        },
        "executive": [_point_data(p, view) for p in brief.executive],
        "sections": [
            {
                "theme": {"id": s.theme.id, "label_zh": s.theme.label_zh, "label_en": s.theme.label_en},
                "salience": round(s.salience, 6),
                "overview_zh": s.overview_zh,
                "overview_en": s.overview_en,
                "points": [_point_data(p, view) for p in s.points],
            }
            for s in brief.sections
        ],
        "glossary": [{"zh": zh, "en": en} for zh, en in brief.glossary],
        # Issue 20: key dates and actors.
        "timeline": [_event_data(e, view) for e in brief.timeline],
        "actors": [
            {"zh": a.zh, "en": a.en, "en_from": a.en_from, "kind": a.kind,
             "points": [view.point_ref(p).label for p in a.points]}
            for a in brief.actors
        ],
        "sources": [_source_data(e) for e in view.sources],
    }


def _point_data(p: Point, view: View) -> dict:
    return {
        "id": view.point_ref(p).label,
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
        # Added fields: the sentence a point leaning on it carries (None when it stands
        # alone), and whether the quoted wording is machine-reworded (洗稿).
        "context": p.context.text if p.context else None,
        "reworded": p.reworded,
    }


def _event_data(e: TimelineEvent, view: View) -> dict:
    return {
        "date": e.date.isoformat() if e.date else None,
        "precision": e.precision,
        "date_zh": e.date_zh,
        "date_en": e.date_en,
        "written": e.written,
        "how": e.how,
        "zh": e.text_zh,
        "en": e.text_en,
        "translation_mode": "gist" if e.text_en else "none",
        "point": view.point_ref(e.point).label,
    }


def _source_data(e: SourceEntry) -> dict:
    return {
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
