"""The public API: sources in, a Brief out, the Brief written to disk.

The pipeline reads as the module list: ingest → segment → rank → dedup →
themes → translate → render.  The CLI is a thin layer over these functions.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing import dedup, ingest, rank, segment, themes, translate
from briefing.config import Settings
from briefing.errors import StrictError
from briefing.models import Article, Brief, Point, Sentence, Skipped, Source, ThemeSection

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Corpus:
    articles: list[Article]
    skipped: list[Skipped]


def read_corpus(sources: Iterable[str | Path], *, max_bytes: int, strict: bool = False) -> Corpus:
    """Read every source; a bad file is logged and skipped (fatal with ``strict``)."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in ingest.read_sources(sources, max_bytes=max_bytes):
        if isinstance(item, Skipped):
            log.warning("skipped %s: %s", item.path, item.reason)
            skipped.append(item)
        else:
            articles.append(item)
    if strict and skipped:
        raise StrictError(
            f"{len(skipped)} file(s) skipped (--strict): "
            + "; ".join(f"{s.path}: {s.reason}" for s in skipped)
        )
    return Corpus(articles=articles, skipped=skipped)


def score_article(article: Article, settings: rank.RankSettings | None = None) -> list[tuple[Sentence, float]]:
    """Split and rank one article: the per-article map step (independent of the others)."""
    sentences = segment.split_article(article)
    if not sentences:
        return []
    title = None if article.title_derived else article.title
    scores = rank.rank(sentences, title=title, settings=settings or rank.RankSettings())
    return list(zip(sentences, scores, strict=True))


def _article_order(source: Source) -> tuple:
    # Dated articles first, oldest first; undated ones after, by path.
    return (source.date is None, source.date or dt.date.min, source.path)


def build_brief(
    sources: Iterable[str | Path] | None = None,
    *,
    settings: Settings | None = None,
    today: dt.date | None = None,
) -> Brief:
    """Run the whole pipeline and return the brief's data (nothing is written)."""
    settings = settings or Settings()
    build = settings.build
    today = today or dt.date.today()
    corpus = read_corpus(sources or build.sources, max_bytes=build.max_bytes, strict=build.strict)
    articles = sorted(corpus.articles, key=lambda a: _article_order(a.source))

    scored: list[tuple[Sentence, float]] = []
    for article in articles:
        scored.extend(score_article(article))
    points = dedup.merge_points(scored)

    taxonomy = themes.load_taxonomy(
        Path(settings.themes.file) if settings.themes.file else None, mode=settings.themes.mode
    )
    theme_settings = themes.ThemeSettings(per_theme_cap=build.per_theme, global_cap=build.top)
    profiles = themes.article_profiles((s for s, _ in scored), taxonomy, theme_settings)
    themes.assign(points, taxonomy, profiles=profiles, settings=theme_settings)
    sections = themes.select_sections(points, taxonomy, theme_settings)

    selected = [p for section in sections for p in section.points]
    executive = sorted(selected, key=_strength, reverse=True)[: build.executive]

    translator = translate.get_translator(settings.translate.backend)
    _translate_points(translator, selected)

    cited = {source.path for point in selected for source in point.sources}
    ordered_sources = [a.source for a in articles]
    notes = _coverage_notes(articles, cited)
    glossary = translate.glossary_terms([p.sentence.text for p in selected])

    return Brief(
        title_zh=build.title_zh,
        title_en=build.title_en,
        today=today,
        articles=articles,
        skipped=corpus.skipped,
        sections=sections,
        executive=executive,
        sources=ordered_sources,
        glossary=glossary,
        translator=translator.name,
        notes=notes,
    )


def _strength(point: Point) -> tuple:
    # Corroborated points first among near-equals: an analyst trusts a claim
    # two outlets carry more than one only one does.
    return (point.score * (1 + 0.25 * (point.corroboration - 1)), -point.sentence.position)


def _translate_points(translator: translate.Translator, points: list[Point]) -> None:
    if not points:
        return
    translations = translator.translate([p.sentence.text for p in points])
    for point, translation in zip(points, translations, strict=True):
        point.english = translation


def _coverage_notes(articles: list[Article], cited: set[str]) -> list[str]:
    notes = []
    undated = [a for a in articles if a.date is None]
    if undated:
        notes.append(f"{len(undated)} article(s) carry no full date and are listed after the dated ones.")
    uncited = [a for a in articles if a.path not in cited]
    if uncited:
        notes.append(f"{len(uncited)} article(s) were read but contributed no point to this brief.")
    return notes


def output_path(pattern: str, today: dt.date) -> Path:
    """The output file for ``today`` from a pattern like ``out/brief-{date}.pdf``."""
    # The date is formatted by us, never taken from article text, so a file
    # name cannot be steered by what an article says.
    return Path(pattern.format(date=today.isoformat()))


def write_brief(brief: Brief, output: Path, *, formats: Iterable[str] = ("pdf",)) -> list[Path]:
    """Render ``brief`` into each format beside ``output`` (atomic writes)."""
    from briefing import render  # WeasyPrint is heavy; only load it when writing

    return render.render(brief, output, formats=list(formats))


__all__ = [
    "Corpus",
    "ThemeSection",
    "build_brief",
    "output_path",
    "read_corpus",
    "score_article",
    "write_brief",
]
