"""Plain data records that flow between the pipeline stages.

Every stage takes and returns these dataclasses and nothing else, so a stage
can be tested, replaced or run in another process on its own.  Provenance
travels *with* the data: a :class:`Sentence` carries the :class:`Source` it
came from, so the renderer never has to look anything up again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


# Citation markers shown for one point; the others are counted, not listed.
MAX_CITATIONS = 5


@dataclass(frozen=True, slots=True)
class Source:
    """What a citation needs to know about an article (small, hashable, picklable)."""

    path: str
    title: str
    title_derived: bool = False
    date: dt.date | None = None
    # The date as the article wrote it ("2024-05-22", "1月16日"): a month-day
    # date has no year and we never invent one, so ``date`` stays None then.
    date_text: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    # Machine-reworded (洗稿) wording: the analysis copy of its sentences reads
    # the usual words (see briefing/reworded.py); the brief says so.
    reworded: bool = False
    # A repost names where it first appeared: "卫夕指北 · 卫夕" (outlet · author).
    origin: str | None = None
    # The date was read off the URL's path, the last resort: the brief says so.
    date_from_url: bool = False
    # The roundup a story was split from (its title), for a digest's stories.
    digest: str | None = None
    # Other files (or URLs) that hold the same article: one source, every copy.
    also: tuple[str, ...] = ()


@dataclass(slots=True)
class Article:
    """One ingested article: metadata, clean body paragraphs, and what went wrong."""

    path: str
    title: str
    title_derived: bool = False
    date: dt.date | None = None
    date_text: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    # Clean body text in the article's own script (traditional characters are
    # kept here for display; analysis uses a simplified copy, see Sentence.norm).
    paragraphs: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    kind: str = "text"  # "markdown" | "html" | "text"
    problems: list[str] = field(default_factory=list)
    reworded: bool = False
    origin: str | None = None
    date_from_url: bool = False
    digest: str | None = None
    also: tuple[str, ...] = ()
    # Scope: False for an article or story off the brief's subject (see
    # briefing/scope.py); it is read and listed, never a point.
    on_topic: bool = True
    scope_note: str | None = None
    # A digest is split into its stories; the digest itself is not an article.
    stories: list[Article] = field(default_factory=list)

    @property
    def source(self) -> Source:
        return Source(
            path=self.path,
            title=self.title,
            title_derived=self.title_derived,
            date=self.date,
            date_text=self.date_text,
            outlet=self.outlet,
            author=self.author,
            url=self.url,
            reworded=self.reworded,
            origin=self.origin,
            date_from_url=self.date_from_url,
            digest=self.digest,
            also=self.also,
        )

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source file that could not be used, and the one-line reason why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence with full provenance."""

    text: str  # as displayed: the article's own script, whitespace-trimmed
    norm: str  # for analysis: NFKC + traditional→simplified
    source: Source
    paragraph: int  # index into Article.paragraphs
    position: int  # index of the sentence within its article (0-based)
    start: int  # character offsets of ``text`` inside its paragraph
    end: int


@dataclass(frozen=True, slots=True)
class Translation:
    """The English side of one Chinese line, and how it was produced.

    ``mode`` is shown in the brief so the English never pretends: "gist" is a
    word-by-word dictionary gloss, "reviewed" a human correction, a backend
    name ("argos", "openai") machine translation, "none" no English at all.
    """

    text: str
    mode: str


@dataclass(frozen=True, slots=True)
class ThemeSpec:
    """One theme of the taxonomy, as loaded from the theme file."""

    id: str
    label_zh: str
    label_en: str
    description_zh: str = ""
    description_en: str = ""
    keywords: tuple[tuple[str, float], ...] = ()
    negative: tuple[tuple[str, float], ...] = ()


@dataclass(slots=True)
class Point:
    """A ranked statement for the brief: one sentence, possibly seen in several articles.

    ``sentence`` is the representative occurrence (the best-scored one);
    ``occurrences`` lists every occurrence, the representative included, so a
    point repeated across articles cites all of them.
    """

    sentence: Sentence
    score: float
    occurrences: list[Sentence] = field(default_factory=list)
    theme: str | None = None
    theme_score: float = 0.0
    secondary_themes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # theme evidence
    english: Translation | None = None
    # The sentence before this one in its article, when this one opens
    # mid-thought (其, 此举, 而 …: see briefing/standalone.py); printed lighter.
    context: Sentence | None = None

    # The quoted sentence is machine-reworded (洗稿) wording: no original article carries it.
    @property
    def reworded(self) -> bool:
        return self.sentence.source.reworded

    @property
    def sources(self) -> list[Source]:
        seen: dict[str, Source] = {}
        for occurrence in self.occurrences or [self.sentence]:
            seen.setdefault(occurrence.source.path, occurrence.source)
        return list(seen.values())

    def cited_sources(self, limit: int | None = None) -> list[Source]:
        """The sources the brief cites for this point, at most ``limit`` (default MAX_CITATIONS).

        A wire story can run in hundreds of outlets; the reader needs a few
        citations, one per outlet first, earliest first, and a count of the
        rest (``corroboration`` still counts them all).
        """
        limit = MAX_CITATIONS if limit is None else limit
        ordered = sorted(self.sources, key=lambda s: (s.date is None, s.date or dt.date.min, s.path))
        first_per_outlet: list[Source] = []
        outlets: set[str] = set()
        for source in ordered:
            outlet = source.outlet or source.path
            if outlet not in outlets:
                outlets.add(outlet)
                first_per_outlet.append(source)
        rest = [s for s in ordered if s not in first_per_outlet]
        chosen = (first_per_outlet + rest)[:limit]
        return sorted(chosen, key=ordered.index)

    @property
    def corroboration(self) -> int:
        """Number of distinct outlets behind the point (unknown outlets count per file)."""
        return len({s.outlet or s.path for s in self.sources})


@dataclass(slots=True)
class ThemeSection:
    theme: ThemeSpec
    points: list[Point]  # in source order (article date, then position)
    salience: float
    overview_zh: str = ""
    overview_en: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    """One coverage remark, in both languages (worded by briefing.presentation)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} {self.en}"


# What an analyst reads at a glance (briefing/timeline.py, briefing/actors.py).


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event a point mentions, its date resolved against the point's article (never invented)."""

    date: dt.date | None  # None when the year (or day) cannot be known: shown as written
    precision: str  # "day" | "week" | "month" | "before" | "unknown"
    date_zh: str
    date_en: str
    written: str  # the date as the sentence writes it ("5月8日", "本周五")
    how: str  # "as written" | "year/month from the article's date" | "counted from the article's date" | "not resolved"
    text_zh: str  # the clause that carries the date
    text_en: str  # its word-by-word gist
    point: Point
    order: tuple[int, int] = (0, 0)  # (month, day) for an event whose year is unknown


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts in the brief: a government or agency, a company, a person, and the points naming them."""

    zh: str
    en: str
    en_from: str  # "glossary" | "article" (the article spells it) | "gist"
    kind: str  # "government" | "organisation" | "company" | "person"
    points: tuple[Point, ...]




@dataclass(slots=True)
class Brief:
    """Everything the renderer needs; rendering adds nothing but layout."""

    title_zh: str
    title_en: str
    today: dt.date
    articles: list[Article]
    skipped: list[Skipped]
    sections: list[ThemeSection]
    executive: list[Point]  # strongest points overall, best first
    # Citation numbering: sources[i] is cited as [i + 1].
    sources: list[Source] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    translator: str = "gist"
    notes: list[Note] = field(default_factory=list)  # coverage remarks for the reader
    new_only: bool = False  # points published by an earlier brief were left out
    # Issue 20: key dates and actors (briefing/timeline.py, briefing/actors.py).
    timeline: list[TimelineEvent] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    # The English gist of each cited source's title (by path), made by the translate stage;
    # empty when the brief has no English side.
    source_titles_en: dict[str, str] = field(default_factory=dict)

    @property
    def date_span(self) -> tuple[dt.date, dt.date] | None:
        dates = sorted(a.date for a in self.articles if a.date is not None)
        return (dates[0], dates[-1]) if dates else None

    @property
    def outlets(self) -> list[str]:
        # One outlet in simplified and in traditional characters is one outlet.
        from briefing.clean import to_simplified  # noqa: PLC0415 - models stays import-light

        names: dict[str, str] = {}
        for article in self.articles:
            if article.outlet:
                names.setdefault(to_simplified(article.outlet), article.outlet)
        return sorted(names.values())

    @property
    def points(self) -> list[Point]:
        return [p for section in self.sections for p in section.points]
