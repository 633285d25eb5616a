"""Ingest: source files in, :class:`Article` records (or :class:`Skipped`) out.

Reading happens in three steps, each its own function:

1. :func:`iter_source_files` expands files, folders and globs into paths;
2. :func:`read_article` checks a path (regular file, size) and reads its bytes;
3. :func:`parse_article` decodes the bytes, hands the text to the reader for
   its format (:mod:`briefing.formats`) and turns the reader's blocks into an
   article: credit lines become outlet and author, boilerplate is dropped,
   dates are found, and a title is derived when the article has none.

A file that cannot be used raises :class:`IngestError` with a one-line reason;
:func:`read_sources` turns that into :class:`Skipped` and goes on.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import glob
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from briefing import clean, extract, metadata, reworded
from briefing.errors import IngestError
from briefing.formats import Block, Draft, detect_kind
from briefing.formats.encoding import decode, looks_binary
from briefing.formats import feed as feed_format
from briefing.formats import html as html_format
from briefing.formats import markdown as markdown_format
from briefing.formats import meta
from briefing.formats import text as text_format
from briefing.models import Article, Skipped

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10_000_000
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".rss", ""})
# The HTML reader hands bare text beside the markup (a feed's saved title line) to the Markdown one.
_READERS = {
    "markdown": markdown_format.read,
    "html": functools.partial(html_format.read, loose_reader=functools.partial(markdown_format.blocks, depth=1)),
    "text": text_format.read,
}


# --- finding files ---------------------------------------------------------------


def iter_source_files(sources: Iterable[str | Path]) -> Iterator[Path]:
    """Every article file under ``sources``, in a deterministic order, each once.

    A folder is walked recursively in sorted order, skipping hidden entries and
    files whose suffix is not an article's; a symlinked folder is followed once
    (no loops).  A file named explicitly is always taken.  A glob pattern
    expands to its sorted matches.  A path that does not exist is yielded as
    is, so that :func:`read_article` reports it.
    """
    seen: set[tuple[int, int] | str] = set()

    def first_time(path: Path) -> bool:
        try:
            info = os.stat(path)
            key: tuple[int, int] | str = (info.st_dev, info.st_ino)
        except OSError:
            key = os.path.abspath(path)
        if key in seen:
            return False
        seen.add(key)
        return True

    for source in sources:
        source_path = Path(source)
        if os.path.lexists(source_path):
            matches = [source_path]
        elif glob.has_magic(str(source)):
            matches = [Path(m) for m in sorted(glob.glob(str(source), recursive=True))]
            if not matches:
                matches = [source_path]  # reported as missing
        else:
            matches = [source_path]
        for match in matches:
            if os.path.isdir(match):
                yield from (p for p in _walk(match) if first_time(p))
            elif first_time(match):
                yield match


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in sorted path order, without recursion or loops."""
    visited: set[tuple[int, int]] = set()
    stack: list[Iterator[os.DirEntry[str]]] = []

    def enter(folder: Path | str) -> None:
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in visited:
                return  # a symlink loop or a folder linked twice
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                stack.append(iter(sorted(scan, key=lambda e: e.name)))
        except OSError as exc:
            log.warning("cannot list %s: %s", folder, exc.strerror or exc)

    enter(root)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        if is_dir:
            enter(entry.path)
        elif Path(entry.name).suffix.lower() in ARTICLE_SUFFIXES:
            yield Path(entry.path)


# --- reading files ------------------------------------------------------------------


def read_sources(
    sources: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference_date: dt.date | None = None,
) -> Iterator[Article | Skipped]:
    """Read every source file, one at a time, yielding an Article or a Skipped."""
    for path in iter_source_files(sources):
        item = read_one(path, max_bytes=max_bytes, reference_date=reference_date)
        if isinstance(item, Skipped):
            yield item
        else:
            yield from articles_of(item)


def read_one(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference_date: dt.date | None = None,
) -> Article | Skipped:
    """Read one file; never raises for a bad file, it is Skipped with the reason."""
    try:
        return read_article(path, max_bytes=max_bytes, reference_date=reference_date)
    except IngestError as exc:
        return Skipped(path=exc.path, reason=exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        log.exception("unexpected error reading %s", path)
        return Skipped(path=str(path), reason=f"unexpected error: {type(exc).__name__}: {exc}")


def read_article(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference_date: dt.date | None = None,
) -> Article:
    """Read and parse one file; raises IngestError naming the problem."""
    name = str(path)
    return parse_article(_read_bytes(name, max_bytes), name, reference_date=reference_date)


def _read_bytes(name: str, max_bytes: int) -> bytes:
    """A regular file's bytes, at most ``max_bytes``; IngestError otherwise."""
    path = name
    try:
        info = os.stat(path)
    except OSError as exc:
        raise IngestError(name, _os_reason(exc)) from None
    _check_file(name, info, max_bytes)
    try:
        # O_NONBLOCK: if the path became a FIFO since stat, open must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise IngestError(name, _os_reason(exc)) from None
    try:
        _check_file(name, os.fstat(fd), max_bytes)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(name, _os_reason(exc)) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > max_bytes:
        raise IngestError(name, f"file too large (over the {max_bytes:,}-byte limit)")
    return data


def _check_file(name: str, info: os.stat_result, max_bytes: int) -> None:
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise IngestError(name, "is a directory")
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        )  # fmt: skip
        raise IngestError(name, f"not a regular file ({kind})" if kind != "not a regular file" else kind)
    if info.st_size > max_bytes:
        raise IngestError(name, f"file too large ({info.st_size:,} bytes, limit {max_bytes:,})")
    if info.st_size == 0:
        raise IngestError(name, "empty file")


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop (too many levels of symbolic links)"
    return f"cannot read: {exc.strerror or exc}"


# --- parsing ----------------------------------------------------------------------------


def parse_article(data: bytes, path: str, *, reference_date: dt.date | None = None) -> Article:
    """Bytes → Article, without I/O.  Raises IngestError for empty, binary or
    undecodable data, or when no article text is left after clean-up.

    A multi-story digest comes back with its stories in ``Article.stories``
    (each an article of its own); :func:`articles_of` expands it.
    """
    return read_document(data, path, reference_date=reference_date).article


@dataclass(slots=True)
class Reading:
    """An article and every line of its file with the decision taken on it."""

    article: Article
    pieces: list[extract.Piece]


def read_document(data: bytes, path: str, *, reference_date: dt.date | None = None) -> Reading:
    """Like :func:`parse_article`, keeping each line's decision (for ``--explain``)."""
    text, encoding, problems = decode(data, path)
    if not text.strip(" \t\r\n\f\v\u3000\u00a0\ufeff\u200b"):
        raise IngestError(path, "empty file (whitespace only)")
    if looks_binary(text):
        raise IngestError(path, "binary or non-text content, not an article")
    if feed_format.is_feed(text):
        return _read_feed(data, path, reference_date)
    kind = detect_kind(text, Path(path).suffix.lower())
    draft = _READERS[kind](text)
    reading = _assemble(draft, path, reference_date)
    for article in (reading.article, *reading.article.stories):
        article.encoding = encoding
        article.problems[:0] = problems
    return reading


def explain(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A report of how ``path`` was read: its metadata, every line kept as
    article text (``+``) and every line dropped with the reason (``-``), and
    for a digest its stories and whether each is on topic."""
    from briefing import scope  # noqa: PLC0415 - scope loads the theme model

    name = str(path)
    try:
        data = _read_bytes(name, max_bytes)
        reading = read_document(data, name)
    except IngestError as exc:
        return f"{exc.path}: skipped: {exc.reason}"
    article = reading.article
    lines = [name]
    for label, value in (
        ("title", article.title + (" (derived)" if article.title_derived else "")),
        ("date", (article.date_text or "") + (" (from the URL)" if article.date_from_url else "")),
        ("outlet", article.outlet), ("author", article.author), ("origin", article.origin), ("url", article.url),
    ):  # fmt: skip
        lines.append(f"  {label:7} {value or '-'}")
    for problem in article.problems:
        lines.append(f"  problem {problem}")
    for piece in reading.pieces:
        mark = "+" if piece.kept else "-"
        reason = "" if piece.kept else f"  [{piece.reason}]"
        lines.append(f"  {mark} {piece.line.text[:100]}{reason}")
    for story in articles_of(article):
        verdict = scope.check(story)
        label = f"story {story.path.rsplit('#', 1)[-1]}: {story.title}" if story.digest else "scope"
        lines.append(f"  {label}: {verdict.note}")
    return "\n".join(lines)


def _read_feed(data: bytes, path: str, reference_date: dt.date | None) -> Reading:
    """A feed file: each item with text is an article (``path#N``), like a digest's stories."""
    try:
        channel, documents = feed_format.items(data, path)
    except ValueError as exc:
        raise IngestError(path, str(exc)) from None
    stories: list[Article] = []
    left_out = 0
    for number, document in enumerate(documents, 1):
        try:
            item = _assemble(markdown_format.read(document), f"{path}#{number}", reference_date).article
        except IngestError:
            left_out += 1  # a title with no text: nothing to quote
            continue
        item.kind = "feed"
        stories.append(item)
    if not stories:
        raise IngestError(path, f"feed with {len(documents)} item(s), none with article text (titles only?)")
    container = Article(path=path, title=channel or Path(path).name, kind="feed", paragraphs=[], stories=stories)
    if left_out:
        container.problems.append(f"{left_out} of {len(documents)} feed item(s) carry no text and are left out")
        stories[0].problems.append(container.problems[-1])
    return Reading(container, [])


def articles_of(article: Article) -> list[Article]:
    """The articles a parsed file holds: a digest's stories, or the article itself."""
    return article.stories or [article]


def _lines(blocks: list[Block]) -> list[extract.Line]:
    lines = []
    for block in blocks:
        for raw in block.text.splitlines():
            for part in clean.split_flattened(raw):
                text = clean.normalize_display(part)
                if text:
                    links = [(clean.normalize_display(t), h) for t, h in block.links if t and t in part]
                    lines.append(extract.Line(text, block.role, links, block.level))
    return lines


def _assemble(draft: Draft, path: str, reference_date: dt.date | None) -> Reading:
    found = metadata.Found(problems=list(draft.problems))
    found.url = draft.url
    if draft.date is not None:
        found.date = meta.parse_date(draft.date)
        if found.date is None:
            found.problems.append(f"unreadable date: {str(draft.date)[:40]}")
    lines = _lines(draft.blocks)
    # Only the first characters of a huge value matter (see metadata.METADATA_LIMITS):
    # the rest is never normalised, matched or laid out.
    for name in ("title", "outlet", "author", "url", "summary"):
        value = getattr(draft, name)
        if isinstance(value, str) and len(value) > metadata.RAW_METADATA_CHARS:
            found.problems.append(f"{name} cut to {metadata.METADATA_LIMITS.get(name, 200)} characters (was {len(value):,})")
            setattr(draft, name, value[:metadata.RAW_METADATA_CHARS])
    if draft.title and clean.normalize_display(draft.title):
        found.title = clean.normalize_display(draft.title)
    elif lines and lines[0].role in ("heading", "title"):
        heading = lines[0]
        found.title = heading.text
        if not found.url and len(heading.links) == 1 and heading.links[0][1].startswith(("http://", "https://")):
            found.url = heading.links[0][1]

    pieces = extract.extract(lines, title=found.title)
    front_outlet = clean.normalize_display(draft.outlet) if draft.outlet else None
    credits = metadata.read_header(pieces, found, front_outlet)
    _drop_repeated_summary(pieces, draft.summary)

    if found.title is None:
        found.title = _opening_title(pieces)
    paragraphs = [p.line.text for p in pieces if p.kept]
    if found.title is None and len(paragraphs) > 1 and _title_like(paragraphs[0]):
        found.title = paragraphs.pop(0)
    if paragraphs:
        paragraphs[-1] = clean.strip_editor_tag(paragraphs[-1])
    paragraphs = [p for p in paragraphs if clean.has_text(p)]
    if not paragraphs:
        raise IngestError(path, "no article text found (only markup, credits or boilerplate)")

    metadata.settle_people(found, draft, credits, front_outlet)
    metadata.settle_date(found, draft, paragraphs, reference_date)
    if not found.title:
        found.title = derive_title(paragraphs[0])
        found.title_derived = True
        found.problems.append("title derived from opening")
    is_reworded = reworded.detect(paragraphs)
    if is_reworded:
        found.problems.append("wording reads as machine-reworded (洗稿): analysed with the usual words restored")
    article = _article(found, path, paragraphs, draft.kind, is_reworded)
    if extract.is_digest_title(found.title):
        article.stories = _stories(article, pieces)
    return Reading(article, pieces)


def _opening_title(pieces: list[extract.Piece]) -> str | None:
    """A plain-text file's title: a short first line, before any article text."""
    for piece in pieces:
        if piece.kept:
            return None
        if piece.reason in (extract.HEADING, extract.FRAGMENT) and _title_like(piece.line.text):
            if len(piece.line.text) >= 2 and not metadata.names_line(piece.line.text):
                piece.reason = extract.TITLE
                return piece.line.text
            return None
    return None


def _article(found: metadata.Found, path: str, paragraphs: list[str], kind: str, is_reworded: bool) -> Article:
    origin = " · ".join(x for x in (found.origin_outlet, found.origin_author) if x) or None
    problems = found.problems
    return Article(
        path=path,
        title=metadata.capped("title", found.title or "", problems) or "",
        title_derived=found.title_derived,
        date=found.date.date if found.date else None,
        date_text=metadata.capped("date_text", found.date.text, problems) if found.date else None,
        outlet=metadata.capped("outlet", found.outlet, problems),
        author=metadata.capped("author", found.author, problems),
        url=metadata.capped("url", found.url, problems),
        paragraphs=paragraphs,
        kind=kind,
        problems=found.problems,
        reworded=is_reworded,
        origin=metadata.capped("origin", origin, problems),
        date_from_url=found.date_from_url,
    )


def _stories(digest: Article, pieces: list[extract.Piece]) -> list[Article]:
    """A digest's stories as articles of their own (its outlet, date and URL)."""
    stories = extract.split_stories(pieces)
    if len(stories) < extract.patterns().digest_min_stories:
        return []
    # A heading that repeats the digest's title opens its lead, not a story.
    title_key = metadata.name_key(digest.title)
    stories = [(h, p) for h, p in stories if metadata.name_key(h) != title_key]
    out = []
    for number, (heading, story_pieces) in enumerate(stories, 1):
        paragraphs = [p.line.text for p in story_pieces if p.kept and clean.has_text(p.line.text)]
        out.append(
            Article(
                path=f"{digest.path}#{number}",
                title=_STORY_NUMBER.sub("", heading).strip() or heading,
                date=digest.date,
                date_text=digest.date_text,
                outlet=digest.outlet,
                author=digest.author,
                url=digest.url,
                paragraphs=paragraphs,
                kind=digest.kind,
                problems=[f"story {number} of the digest {digest.title}"],
                reworded=digest.reworded,
                origin=digest.origin,
                date_from_url=digest.date_from_url,
                digest=digest.title,
            )
        )
    return out


_STORY_NUMBER = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[.、．)）]\s*")

def _drop_repeated_summary(pieces: list[extract.Piece], summary: str | None) -> None:
    """A metadata summary printed again as the first paragraph is not article text."""
    if not summary:
        return
    key = metadata.name_key(summary)
    for piece in pieces:
        if piece.kept:
            if metadata.name_key(piece.line.text) == key or (len(key) > 20 and key in metadata.name_key(piece.line.text)):
                piece.reason = "summary repeated from the metadata"
            return


_TITLE_END = re.compile(r"[。；;，,、：:]$")


def _title_like(text: str) -> bool:
    return (
        len(text) <= 64
        and not _TITLE_END.search(text)
        and meta.find_dateline(text) is None
        and text.count("。") == 0
    )


# --- derived titles ----------------------------------------------------------------------

_SENTENCE_END = "。！？!?…"
_CLAUSE_END = "，,；;：:、"
_OPENERS, _CLOSERS = "“‘《「『（(【", "”’》」』）)】"
_TITLE_WIDTH = 80  # display columns: 40 Chinese characters


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def derive_title(paragraph: str) -> str:
    """A title from an article's opening: its first clause or sentence, about
    40 Chinese characters at most, without a leading dateline."""
    dateline = meta.DATELINE.match(paragraph)
    text = paragraph[dateline.end() :] if dateline else paragraph
    text = text.lstrip(_CLAUSE_END + " ").strip() or paragraph.strip()
    cut, depth = len(text), 0
    clause_ends: list[int] = []
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and char in _SENTENCE_END:
            cut = index
            break
        elif depth == 0 and char in _CLAUSE_END:
            clause_ends.append(index)
    sentence = text[:cut]
    if _width(sentence) > _TITLE_WIDTH:
        # First clause long enough to say something (≥ 8 characters).
        # A character is at least one column wide, so a clause ending past
        # column _TITLE_WIDTH cannot fit: checking only those before it keeps
        # this linear (measuring every prefix of a 40,000-character line of
        # "中:" took 28 s).
        fitting = [i for i in clause_ends if i < cut and i <= _TITLE_WIDTH and _width(text[:i]) <= _TITLE_WIDTH]
        long_enough = [i for i in fitting if len(text[:i].strip()) >= 8]
        if long_enough:
            sentence = text[: long_enough[0]]
        else:
            sentence = _truncate(sentence)
    title = sentence.strip().rstrip(_CLAUSE_END + _SENTENCE_END).strip()
    return title or _truncate(paragraph.strip()) or "(untitled)"


def _truncate(text: str) -> str:
    out, width = [], 0
    for char in text:
        width += _width(char)
        if width > _TITLE_WIDTH - 2:
            break
        out.append(char)
    cut = "".join(out)
    if len(cut) < len(text):
        # Do not split an English word.
        if cut and cut[-1].isascii() and cut[-1].isalnum() and " " in cut:
            cut = cut[: cut.rindex(" ")]
        cut = cut.rstrip() + "…"
    return cut


# Re-exported: callers read the caps where they read articles.
METADATA_LIMITS = metadata.METADATA_LIMITS

__all__ = [
    "DEFAULT_MAX_BYTES",
    "METADATA_LIMITS",
    "decode",
    "derive_title",
    "iter_source_files",
    "parse_article",
    "read_article",
    "read_sources",
]
