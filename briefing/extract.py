"""Body extraction: which lines of a document are the article's own text.

A format reader (:mod:`briefing.formats`) turns a file into lines with a role
(title, heading, body) and their links.  Real files carry much more than the
article: repeated titles, account names, the platform's interface, follow
blurbs, promotions, related-reading lists, site navigation, comment threads,
AI-written summaries before the text, photo credits.  This stage keeps the
article's prose and gives every other line a reason, so a user can see why
(``briefing articles --explain FILE``).

Three kinds of rule, in this order:

1. **Sections** (``[summary]`` in ``data/page_patterns.toml``): a summary a
   tool or an editor wrote before the text is dropped up to the ``正文``
   heading or the next heading of its level.
2. **The tail** (``[tail]``): from a related-reading, comment or interface
   marker on, the rest of the page goes.
3. **Lines**: site and platform patterns (``[chrome]``); headings (kept aside
   for digests, never points); lines that are mostly links (navigation);
   and fragments, short lines with no sentence end (labels, captions,
   menus, bylines, column-prefixed headlines).

The conventions are data; the code only knows these generic shapes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from briefing.formats import meta

# A prose line ends a sentence somewhere or is long enough to be one;
# shorter lines without any sentence end are labels, menus and captions.
PROSE_MIN_CHARS = 40
_SENTENCE_END = re.compile(r"[。！？!?；;…]|\.{3}|[^\W\d_]{2,}\.(?:\s|$)")
# Casual posts leave sentences without a full stop; a clause mark and enough
# Chinese still make a line prose ("下载到本地之后，然后一键安装").
_CLAUSE_MARK = re.compile(r"[，、：:]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
CLAUSE_PROSE_MIN_HAN = 12
# Share of a line's characters inside links above which it is navigation.
LINK_DENSITY = 0.6
# Page chrome is short; a longer line that matches a chrome pattern is prose
# that mentions one ("…举报电话…" inside a news paragraph).  Measured on the
# eval's 500 news articles: without this bound 3 whole one-paragraph articles
# were lost to patterns matching inside them.
CHROME_MAX_CHARS = 120


# Reasons other stages read back (the rest are only shown by --explain).
TITLE = "title"
HEADING = "heading"
FRAGMENT = "fragment (label, byline, caption or menu)"
SUMMARY = "summary written before the text"
AFTER_TEXT = "after the text (related reading, comments, interface)"
# The [chrome] reason of page_patterns.toml for a summary of the article in its opening lines.
ARTICLE_SUMMARY = "summary of the article"


@dataclass(slots=True)
class Line:
    """One line of a document as a reader saw it (display-normalised)."""

    text: str
    role: str = "body"  # "body" | "heading" | "title"
    links: list[tuple[str, str]] = field(default_factory=list)
    level: int = 0  # heading level (1-6) when role is heading/title, else 0


@dataclass(slots=True)
class Piece:
    """A line in document order with the decision taken on it."""

    line: Line
    reason: str | None = None  # None: article text

    @property
    def kept(self) -> bool:
        return self.reason is None


@dataclass(frozen=True, slots=True)
class Patterns:
    summary_headings: tuple[re.Pattern[str], ...]
    body_headings: tuple[re.Pattern[str], ...]
    tail_always: tuple[re.Pattern[str], ...]
    tail_late: tuple[re.Pattern[str], ...]
    chrome: tuple[tuple[str, re.Pattern[str]], ...]
    credit_prefix: tuple[re.Pattern[str], ...]
    digest_titles: tuple[re.Pattern[str], ...]
    digest_min_stories: int


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@functools.cache
def patterns() -> Patterns:
    """The shipped conventions (``briefing/data/page_patterns.toml``), compiled once."""
    data = meta.page_conventions()
    return Patterns(
        summary_headings=_compile(data["summary"]["headings"]),
        body_headings=_compile(data["summary"]["body_headings"]),
        tail_always=_compile(data["tail"]["always"]),
        tail_late=_compile(data["tail"]["late"]),
        chrome=tuple((reason, p) for reason, pats in data["chrome"].items() for p in _compile(pats)),
        credit_prefix=_compile(data["credit_prefix"]["patterns"]),
        digest_titles=_compile(data["digest"]["titles"]),
        digest_min_stories=int(data["digest"]["min_stories"]),
    )


# --- single-line tests -----------------------------------------------------------------


def chrome_reason(text: str) -> str | None:
    """The reason a line is page chrome by the site/platform patterns, else None."""
    stripped = text.strip()
    if not any(ch.isalnum() for ch in stripped):
        return "rule or punctuation"
    if len(stripped) > CHROME_MAX_CHARS:
        return None
    for reason, pattern in patterns().chrome:
        if pattern.search(stripped):
            return reason
    return None


def is_tail_marker(text: str, *, late: bool) -> bool:
    stripped = text.strip()
    if any(p.search(stripped) for p in patterns().tail_always):
        return True
    return late and any(p.search(stripped) for p in patterns().tail_late)


def is_prose(text: str) -> bool:
    """A line that can be a sentence of an article (not a label, menu or caption)."""
    stripped = text.strip()
    if len(stripped) >= PROSE_MIN_CHARS and " " not in stripped[:PROSE_MIN_CHARS].strip():
        return True
    if _SENTENCE_END.search(stripped) and sum(ch.isalnum() for ch in stripped) >= 2:
        return True
    return bool(_CLAUSE_MARK.search(stripped.rstrip("：:"))) and len(_HAN.findall(stripped)) >= CLAUSE_PROSE_MIN_HAN


def link_share(line: Line) -> float:
    if not line.links:
        return 0.0
    linked = sum(len(text) for text, _ in line.links if text)
    return min(1.0, linked / max(1, len(line.text.strip())))


def strip_credit_prefix(text: str) -> str:
    """A paragraph without a photo credit that opens it ("图片来源：彭博 美国商务部…")."""
    for pattern in patterns().credit_prefix:
        match = pattern.match(text)
        if match and match.end() < len(text):
            rest = text[match.end() :].strip()
            # Keep the cut only when real text follows, never a bare name.
            if is_prose(rest):
                return rest
    return text


# --- the document -------------------------------------------------------------------------


def extract(lines: list[Line], *, title: str | None = None) -> list[Piece]:
    """Every line with its decision: ``reason`` None for the article's text."""
    pieces = [Piece(line) for line in lines]
    _drop_summaries(pieces)
    _drop_tail(pieces)
    title_key = _key(title) if title else None
    after_image = False
    for piece in pieces:
        was_after_image, after_image = after_image, piece.line.role == "image"
        if piece.line.role == "image":
            piece.reason = piece.reason or "image"
            continue
        if piece.reason is not None:
            continue
        line = piece.line
        if was_after_image and line.role == "body" and not _SENTENCE_END.search(line.text) and len(line.text) <= 60:
            piece.reason = "image caption"
            continue
        line.text = strip_credit_prefix(line.text)
        if title_key and _key(line.text) == title_key:
            piece.reason = TITLE
        elif line.role in ("heading", "title"):
            piece.reason = HEADING
        elif (reason := chrome_reason(line.text)) is not None:
            piece.reason = reason
        elif link_share(line) >= LINK_DENSITY:
            piece.reason = "links (navigation or reading list)"
        elif _bare_url(line.text):
            piece.reason = "source link"
        elif not is_prose(line.text):
            piece.reason = FRAGMENT
        elif title_key and len(key := _key(_TRAILING_LABEL.sub("", line.text))) >= 8 and key in title_key:
            piece.reason = TITLE
    _drop_pull_quotes(pieces)
    _drop_stray_tail(pieces)
    return pieces


# A short line left alone after the article's text, past a gap of page
# furniture, is the page's (a quote of the day, a slogan), not the author's.
STRAY_TAIL_MAX_CHARS = 40
STRAY_TAIL_MIN_GAP = 2


def _drop_stray_tail(pieces: list[Piece]) -> None:
    kept = [i for i, p in enumerate(pieces) if p.kept]
    if len(kept) < 2:
        return
    last, before = kept[-1], kept[-2]
    gap = last - before - 1
    if gap >= STRAY_TAIL_MIN_GAP and len(pieces[last].line.text) <= STRAY_TAIL_MAX_CHARS:
        pieces[last].reason = "stray line after the text (quote of the day, slogan)"


_TRAILING_LABEL = re.compile(r"\s*(最后更新|更新时间|发布时间|来源|编辑)\s*[:：]?\s*$")


# Pull quotes are sought among this many lines of text: every line is compared
# with every later one, and a 10 MB file of short lines (250,000 of them) would
# take most of an hour.  Ranking reads no more sentences than this either
# (rank.MAX_RANKED_SENTENCES); no real article has this many paragraphs.
PULL_QUOTE_WINDOW = 2000


def _drop_pull_quotes(pieces: list[Piece]) -> None:
    """A line the text repeats later (a pull quote, a standfirst) is dropped where it is shown first."""
    kept = [p for p in pieces if p.kept][:PULL_QUOTE_WINDOW]
    keys = [_key(p.line.text) for p in kept]
    for index, (piece, key) in enumerate(zip(kept, keys)):
        if len(key) >= 12 and any(key in later for later in keys[index + 1 :]):
            piece.reason = "pull quote (repeated in the text)"


def _key(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).lower()


_URL_ONLY = re.compile(r"^\s*(?:[<(（\[]?\s*)?(?:https?://|www\.)\S+\s*[>)）\]]?\s*$", re.IGNORECASE)


def _bare_url(text: str) -> bool:
    return bool(_URL_ONLY.match(text))


def _drop_summaries(pieces: list[Piece]) -> None:
    rules = patterns()
    open_level: int | None = None
    for piece in pieces:
        line = piece.line
        heading = line.role in ("heading", "title")
        text = line.text.strip()
        if open_level is not None:
            if heading and any(p.search(text) for p in rules.body_headings):
                piece.reason = HEADING
                open_level = None
                continue
            if heading and line.level and line.level <= open_level:
                open_level = None  # the next section of the article
            else:
                piece.reason = SUMMARY
                continue
        if heading and any(p.search(text) for p in rules.summary_headings):
            piece.reason = SUMMARY
            open_level = line.level or 6


def _drop_tail(pieces: list[Piece]) -> None:
    total = len(pieces)
    started = False
    for index, piece in enumerate(pieces):
        if piece.reason is None and is_prose(piece.line.text):
            started = True
        if not started:
            continue
        if is_tail_marker(piece.line.text, late=index >= total * 0.6):
            for rest in pieces[index:]:
                rest.reason = rest.reason or AFTER_TEXT
            return


# --- digests ------------------------------------------------------------------------------


def is_digest_title(title: str | None) -> bool:
    if not title:
        return False
    if any(p.search(title) for p in patterns().digest_titles):
        return True
    # Several headlines in one title: "A；B；C | 极客早知道".
    return title.count("；") + title.count(";") >= 2


def split_stories(pieces: list[Piece]) -> list[tuple[str, list[Piece]]]:
    """A digest's stories: (heading, pieces with text of its own), in order.

    A heading opens a story; a heading with no kept text before the next is a
    section label ("一、政策研究") and opens none.  Text before the first
    story heading (the digest's own lead) belongs to no story.
    """
    stories: list[tuple[str, list[Piece]]] = []
    current: tuple[str, list[Piece]] | None = None
    for piece in pieces:
        line = piece.line
        if line.role in ("heading", "title") and piece.reason in (HEADING, TITLE):
            if current is not None and any(p.kept for p in current[1]):
                stories.append(current)
            current = (line.text.strip(), [])
        elif current is not None:
            current[1].append(piece)
    if current is not None and any(p.kept for p in current[1]):
        stories.append(current)
    return stories


__all__ = [
    "Line",
    "Piece",
    "chrome_reason",
    "extract",
    "is_digest_title",
    "is_prose",
    "patterns",
    "split_stories",
    "strip_credit_prefix",
]
