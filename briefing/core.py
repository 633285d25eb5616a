"""The public API: sources in, a Brief out, the Brief written to disk.

The pipeline reads as the module list: ingest → segment → rank → dedup →
themes → translate → render.  The CLI is a thin layer over these functions.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing import actors, dedup, ingest, presentation, rank, reworded, scope, segment, standalone, themes, timeline, tokenize, translate
from briefing import encoder as sentence_encoder
from briefing.backends.chain import TranslationChain
from briefing.config import Settings
from briefing.errors import BriefingError, EmptyBriefError, NothingNewError, StrictError
from briefing.fsutil import remove_stale_temporaries
from briefing.clean import to_simplified
from briefing.models import Article, Brief, Note, Point, Sentence, Skipped, Source, ThemeSection
from briefing.runlock import run_lock
from briefing.state import PublishedState

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Corpus:
    articles: list[Article]
    skipped: list[Skipped]
    # Each article's sentences with their rank scores, keyed by article path.
    scored: dict[str, list[tuple[Sentence, float]]]


# Below this many files a process pool costs more to start than it saves.
POOL_THRESHOLD = 16


def read_corpus(
    sources: Iterable[str | Path], *, max_bytes: int, strict: bool = False, jobs: int = 1
) -> Corpus:
    """Read, split and rank every source (the per-article map step), in ``jobs`` processes.

    Articles are independent until deduplication, so this step maps cleanly
    over a process pool (or, beyond one machine, over Dask or Spark); results
    come back in source order, so the brief does not depend on ``jobs``.
    A bad file is logged and skipped (fatal with ``strict``).
    """
    paths = list(ingest.iter_source_files(sources))
    work = functools.partial(_read_and_score, max_bytes=max_bytes)
    if jobs > 1 and len(paths) >= POOL_THRESHOLD:
        tokenize.load()  # load jieba once here; forked workers inherit it
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(work, paths, chunksize=max(1, len(paths) // (jobs * 8))))
    else:
        results = [work(path) for path in paths]

    corpus = Corpus(articles=[], skipped=[], scored={})
    for file_results in results:
        for item, scored in file_results:
            if isinstance(item, Skipped):
                log.warning("skipped %s: %s", item.path, item.reason)
                corpus.skipped.append(item)
            else:
                corpus.articles.append(item)
                corpus.scored[item.path] = scored
    if not corpus.articles:
        raise EmptyBriefError(_nothing_read(corpus.skipped, len(paths)))
    if strict and corpus.skipped:
        raise StrictError(
            f"{len(corpus.skipped)} file(s) skipped (--strict): "
            + "; ".join(f"{s.path}: {s.reason}" for s in corpus.skipped)
        )
    return corpus


def _nothing_read(skipped: list[Skipped], files: int) -> str:
    if not files:
        return "no article read: the sources hold no article file (empty folder, or no such path); no brief was written"
    reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:5]) + ("; …" if len(skipped) > 5 else "")
    return f"no article read: all {len(skipped)} file(s) were skipped ({reasons}); no brief was written"


def _read_and_score(path: Path, *, max_bytes: int) -> list[tuple[Article | Skipped, list[tuple[Sentence, float]]]]:
    """One file's articles (a digest holds several), each with its ranked sentences."""
    item = ingest.read_one(path, max_bytes=max_bytes)
    if isinstance(item, Skipped):
        return [(item, [])]
    results = []
    for article in ingest.articles_of(item):
        scored = score_article(article)
        scope.apply(article, [sentence for sentence, _ in scored])
        results.append((article, scored))
    return results


# Both caps live in rank (the summarize command needs them too); see there why.
MAX_RANKED_SENTENCES = rank.MAX_RANKED_SENTENCES
MAX_SENTENCE_CHARS = rank.MAX_SENTENCE_CHARS


def score_article(article: Article, settings: rank.RankSettings | None = None) -> list[tuple[Sentence, float]]:
    """Split and rank one article (independent of every other article)."""
    sentences = segment.split_article(article)
    usable = [s for s in sentences if len(s.text) <= MAX_SENTENCE_CHARS][:MAX_RANKED_SENTENCES]
    if len(usable) < len(sentences):
        log.warning(
            "%s: ranked %d of its %d sentences (at most %d, each at most %d characters)",
            article.path, len(usable), len(sentences), MAX_RANKED_SENTENCES, MAX_SENTENCE_CHARS,
        )
        sentences = usable
    if not sentences:
        return []
    title = None if article.title_derived else reworded.usual_title(article.source)
    scores = rank.rank(sentences, title=title, settings=settings or rank.RankSettings())
    return list(zip(sentences, scores, strict=True))


def _article_order(source: Source) -> tuple:
    # Dated articles first, oldest first; undated ones after, by path.
    return (source.date is None, source.date or dt.date.min, source.path)


def filter_by_date(
    articles: list[Article], *, since: dt.date | None, until: dt.date | None, require_date: bool
) -> tuple[list[Article], list[Skipped], list[Note]]:
    """Keep articles dated within [since, until]; undated ones are kept and flagged unless required."""
    kept: list[Article] = []
    dropped: list[Skipped] = []
    notes: list[Note] = []
    undated = 0
    for article in articles:
        if article.date is None:
            if require_date:
                dropped.append(Skipped(article.path, "no full date (--require-date)"))
                continue
            undated += 1
        elif since and article.date < since:
            dropped.append(Skipped(article.path, f"dated {article.date.isoformat()}, before --since {since.isoformat()}"))
            continue
        elif until and article.date > until:
            dropped.append(Skipped(article.path, f"dated {article.date.isoformat()}, after --until {until.isoformat()}"))
            continue
        kept.append(article)
    if undated and (since or until):
        notes.append(presentation.note_undated_kept(undated))
    return kept, dropped, notes


def build_brief(
    sources: Iterable[str | Path] | None = None,
    *,
    settings: Settings | None = None,
    today: dt.date | None = None,
    published: PublishedState | None = None,
) -> Brief:
    """Run the whole pipeline and return the brief's data (nothing is written).

    With ``published`` (the --new-only state), points an earlier brief
    published are left out; if nothing new remains, NothingNewError.
    """
    settings = settings or Settings()
    build = settings.build
    corpus, articles, dropped, notes = _gather_articles(sources, settings, published)

    # Off-topic articles (and digest stories) are read and listed, never points.
    scored = [pair for article in articles if article.on_topic for pair in corpus.scored[article.path]]
    points = _unpublished(dedup.merge_points(scored), published)
    sections = file_points(points, [sentence for sentence, _ in scored], settings)
    selected = [p for section in sections for p in section.points]
    # A point that opens mid-thought (其, 此举, 而 …) carries the sentence it leans on.
    standalone.attach_context(selected, [sentence for sentence, _ in scored])
    if not selected:
        off_topic = sum(not a.on_topic for a in articles)
        why = f"{len(articles)} article(s) read, {off_topic} of them off the brief's subject, no point to report"
        if published is not None:
            raise NothingNewError(f"nothing new: {why}")
        raise EmptyBriefError(f"{why}; no brief was written")
    executive = sorted(selected, key=_strength, reverse=True)[: build.executive]
    translator = english_side(selected, settings)
    notes += [presentation.note_gist_fallback(cause) for cause in translator.fallbacks]

    cited = {source.path for point in selected for source in point.cited_sources()}
    notes += _coverage_notes(articles, cited)
    glossary = _glossary(selected)
    sources = [a.source for a in articles if a.path in cited]

    return Brief(
        title_zh=build.title_zh,
        title_en=build.title_en,
        today=today or dt.date.today(),
        articles=articles,
        skipped=corpus.skipped + dropped,
        sections=sections,
        executive=executive,
        # The appendix lists the articles the brief cites; the coverage note
        # counts the rest (a 10,000-article corpus must not print 10,000 entries).
        sources=sources,
        glossary=glossary,
        translator=translator.mode,
        notes=notes,
        new_only=published is not None,
        # Issue 20: key dates (English as a gist, labelled) and actors, from the selected points.
        timeline=timeline.build_timeline(selected, gist=translate.gist if translator.mode != "none" else None),
        actors=actors.find_actors(selected, articles),
        source_titles_en=source_title_gists(sources) if translator.mode != "none" else {},
    )


def source_title_gists(sources: list[Source]) -> dict[str, str]:
    # Titles are glossed whatever the points' translator: the appendix labels them as gist.
    # A reworded (洗稿) title is glossed as its usual wording, like its sentences.
    return {source.path: translate.gist_title(reworded.usual_title(source)) for source in sources}


def _gather_articles(
    sources: Iterable[str | Path] | None, settings: Settings, published: PublishedState | None
) -> tuple[Corpus, list[Article], list[Skipped], list[Note]]:
    """The ingest stage as a build sees it: read, keep the date window, merge copies, keep what is new.

    Returns the corpus read (its scored sentences and skipped files), the
    articles the brief is built from, the ones the date window dropped, and
    the coverage notes so far.
    """
    build = settings.build
    corpus = read_corpus(
        sources or build.sources, max_bytes=build.max_bytes, strict=build.strict, jobs=build.jobs or os.cpu_count() or 1
    )
    articles, dropped, notes = filter_by_date(
        corpus.articles, since=build.since, until=build.until, require_date=build.require_date
    )
    articles.sort(key=lambda a: _article_order(a.source))
    # The same article in several files (encodings, scripts, reposts) is one source.
    read = len(articles)
    articles = dedup.merge_articles(articles)
    if len(articles) < read:
        notes.append(presentation.note_repeated_files(read - len(articles)))

    if published is not None:
        # New means: not in an earlier brief's input (by text, so copies and reposts too).
        new = [a for a in articles if published.is_new_article(a)]
        if not new:
            raise NothingNewError(f"nothing new: all {len(articles)} article(s) were in an earlier brief's input")
        articles = new
    return corpus, articles, dropped, notes


def _unpublished(points: list[Point], published: PublishedState | None) -> list[Point]:
    """The points no earlier brief published (all of them without --new-only); NothingNewError if none is left."""
    if published is None:
        return points
    new = [p for p in points if published.is_new(p)]
    if not new and points:
        raise NothingNewError(f"nothing new: all {len(points)} point(s) were published by an earlier brief")
    return new


def file_points(points: list[Point], sentences: list[Sentence], settings: Settings) -> list[ThemeSection]:
    """The theme stage: file every point (with every sentence read as context) and select the sections."""
    taxonomy = settings.themes.taxonomy()
    size = {"top": settings.build.top, "per_theme": settings.build.per_theme}
    profiles = themes.article_profiles(sentences, taxonomy, settings.themes)
    themes.assign(points, taxonomy, profiles=profiles, settings=settings.themes, **size)
    sections = themes.select_sections(points, taxonomy, settings.themes, **size)
    sentence_encoder.release()
    return sections


def english_side(points: list[Point], settings: Settings) -> TranslationChain:
    """The translate stage: every point's English line; the chain it returns says how it went."""
    translator = translate.translator_chain(settings.translate, strict=settings.build.strict)
    try:
        _translate_points(translator, points)
    finally:
        translator.close()
    return translator


def publish(
    sources: Iterable[str | Path] | None = None,
    *,
    settings: Settings | None = None,
    today: dt.date | None = None,
    deliver: Callable[[Brief, list[Path]], None] | None = None,
) -> tuple[Brief, list[Path]]:
    """Build, write and (with ``deliver``) hand on the brief under the output
    folder's run lock (what `briefing build` does).

    The --new-only state advances only once the brief has reached its readers:
    every format is on disk and ``deliver`` (the mail) returned.  A run killed
    half-way, or whose mail failed, records nothing, so the next run reports
    the same articles again: nothing is lost, at worst something is sent twice.
    """
    settings = settings or Settings()
    build = settings.build
    today = today or dt.date.today()
    output = output_path(build.output, today)
    with run_lock(output.parent, wait=build.wait):
        # Under the lock no other run is writing here: temporary files are
        # leftovers of a run that was killed (SIGKILL, power loss) mid-write.
        remove_stale_temporaries(output.parent)
        state = PublishedState.load(Path(build.state_file)) if build.new_only else None
        brief = build_brief(sources, settings=settings, today=today, published=state)
        written = write_brief(brief, output, formats=build.formats)
        if deliver is not None:
            deliver(brief, written)
        if state is not None:
            state.record(brief.articles, today)
            state.save()
    return brief, written


def _strength(point: Point) -> tuple:
    # Corroborated points first among near-equals: an analyst trusts a claim
    # two outlets carry more than one only one does.  A point that opens
    # mid-thought gives way to one that stands alone (standalone.standing).
    return (standalone.standing(point) * (1 + 0.25 * (point.corroboration - 1)), -point.sentence.position)


def _glossary(points: list[Point]) -> list[tuple[str, str]]:
    """The policy terms the English lines use that a reader also sees in the quoted Chinese.

    A reworded article's English is made from its restored words (拜登政府 for
    the quoted 拜登当局): such a term glosses nothing the reader can see, so it
    is left out.
    """
    terms = translate.glossary_terms([reworded.to_translate(p.sentence) for p in points])
    shown = "\n".join(to_simplified(p.sentence.text) for p in points)
    return [(zh, en) for zh, en in terms if to_simplified(zh) in shown]


def _translate_points(translator: TranslationChain, points: list[Point]) -> None:
    if not points:
        return
    translations = translator.translate([reworded.to_translate(p.sentence) for p in points])
    for point, translation in zip(points, translations, strict=True):
        point.english = translation


# Off-topic articles named in the coverage note; the rest are counted.
OFF_TOPIC_LISTED = 8


def _coverage_notes(articles: list[Article], cited: set[str]) -> list[Note]:
    notes = []
    undated = [a for a in articles if a.date is None]
    if undated:
        notes.append(presentation.note_undated(len(undated)))
    off_topic = [a for a in articles if not a.on_topic]
    if off_topic:
        titles = [a.title for a in off_topic[:OFF_TOPIC_LISTED]]
        notes.append(presentation.note_off_topic(len(off_topic), titles, max(0, len(off_topic) - OFF_TOPIC_LISTED)))
    uncited = [a for a in articles if a.path not in cited and a.on_topic]
    if uncited:
        notes.append(presentation.note_uncited(len(uncited)))
    reworded_cited = [a for a in articles if a.reworded and a.path in cited]
    if reworded_cited:
        notes.append(presentation.note_reworded(len(reworded_cited)))
    return notes


def output_path(pattern: str, today: dt.date) -> Path:
    """The output file for ``today`` from a pattern like ``out/brief-{date}.pdf``."""
    # The date is formatted by us, never taken from article text, so a file
    # name cannot be steered by what an article says.
    return Path(pattern.format(date=today.isoformat()))


def write_brief(brief: Brief, output: Path, *, formats: Iterable[str] = ("pdf",)) -> list[Path]:
    """Render ``brief`` into each format beside ``output`` (atomic writes)."""
    from briefing import render  # WeasyPrint is heavy; only load it when writing

    try:
        return render.render(brief, output, formats=list(formats))
    except OSError as exc:
        where = exc.filename or output.parent
        raise BriefingError(
            f"cannot write the brief to {where}: {exc.strerror or exc}; the previous brief, if any, is unchanged"
        ) from exc


__all__ = [
    "Corpus",
    "ThemeSection",
    "build_brief",
    "output_path",
    "publish",
    "read_corpus",
    "score_article",
    "write_brief",
]
