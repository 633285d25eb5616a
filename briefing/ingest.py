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
import glob
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefing import clean, reworded
from briefing.errors import IngestError
from briefing.formats import Block, Draft, detect_kind
from briefing.formats.encoding import decode, looks_binary
from briefing.formats import html as html_format
from briefing.formats import markdown as markdown_format
from briefing.formats import meta
from briefing.formats import text as text_format
from briefing.models import Article, Skipped

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10_000_000
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xml", ".rss", ""})
_READERS = {"markdown": markdown_format.read, "html": html_format.read, "text": text_format.read}


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
        yield read_one(path, max_bytes=max_bytes, reference_date=reference_date)


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
    return parse_article(data, name, reference_date=reference_date)


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
    undecodable data, or when no article text is left after clean-up."""
    text, encoding, problems = decode(data, path)
    if not text.strip(" \t\r\n\f\v\u3000\u00a0\ufeff\u200b"):
        raise IngestError(path, "empty file (whitespace only)")
    if looks_binary(text):
        raise IngestError(path, "binary or non-text content, not an article")
    kind = detect_kind(text, Path(path).suffix.lower())
    draft = _READERS[kind](text)
    article = _assemble(draft, path, reference_date)
    article.encoding = encoding
    article.problems[:0] = problems
    return article


@dataclass(slots=True)
class _Line:
    text: str  # display-normalised
    role: str
    links: list[tuple[str, str]] = field(default_factory=list)


def _lines(blocks: list[Block]) -> list[_Line]:
    lines = []
    for block in blocks:
        for raw in block.text.splitlines():
            for part in clean.split_flattened(raw):
                text = clean.normalize_display(part)
                if text:
                    links = [(clean.normalize_display(t), h) for t, h in block.links if t and t in part]
                    lines.append(_Line(text, block.role, links))
    return lines


@dataclass(slots=True)
class _Meta:
    title: str | None = None
    title_derived: bool = False
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: meta.DateFound | None = None
    problems: list[str] = field(default_factory=list)


def _assemble(draft: Draft, path: str, reference_date: dt.date | None) -> Article:
    found = _Meta(problems=list(draft.problems))
    found.url = draft.url
    if draft.date is not None:
        found.date = meta.parse_date(draft.date)
        if found.date is None:
            found.problems.append(f"unreadable date: {str(draft.date)[:40]}")
    lines = _lines(draft.blocks)
    if draft.title and clean.normalize_display(draft.title):
        found.title = clean.normalize_display(draft.title)
    elif lines and lines[0].role in ("heading", "title"):
        heading = lines.pop(0)
        found.title = heading.text
        if not found.url and len(heading.links) == 1 and heading.links[0][1].startswith(("http://", "https://")):
            found.url = heading.links[0][1]

    body_credits = _Meta()
    body = _strip_furniture(lines, body_credits, found)
    # Credits printed in the article describe the original publication; they
    # override front matter, which often describes the site that re-posted it.
    found.author = body_credits.author or (clean.normalize_display(draft.author) if draft.author else None)
    found.outlet = body_credits.outlet or (clean.normalize_display(draft.outlet) if draft.outlet else None)
    found.url = found.url or body_credits.url

    if found.title is None and len(body) > 1 and _title_like(body[0].text):
        found.title = body.pop(0).text
    paragraphs = [line.text for line in body]
    if found.title:
        paragraphs = _drop_repeated_title(paragraphs, found.title)
    if paragraphs:
        paragraphs[-1] = clean.strip_editor_tag(paragraphs[-1])
    paragraphs = [p for p in paragraphs if clean.has_text(p)]
    if not paragraphs:
        raise IngestError(path, "no article text found (only markup, credits or boilerplate)")

    if found.date is None and draft.fallback_date is not None:
        found.date = meta.parse_date(draft.fallback_date)
    _find_dateline(paragraphs, found, reference_date)
    if not found.title:
        found.title = derive_title(paragraphs[0])
        found.title_derived = True
        found.problems.append("title derived from opening")
    found.outlet = found.outlet or meta.outlet_for_url(found.url)
    is_reworded = reworded.detect(paragraphs)
    if is_reworded:
        found.problems.append("wording reads as machine-reworded (洗稿): analysed with the usual words restored")
    return Article(
        path=path,
        title=found.title,
        title_derived=found.title_derived,
        date=found.date.date if found.date else None,
        date_text=found.date.text if found.date else None,
        outlet=found.outlet,
        author=found.author,
        url=found.url,
        paragraphs=paragraphs,
        kind=draft.kind,
        problems=found.problems,
        reworded=is_reworded,
    )


def _strip_furniture(lines: list[_Line], credits: _Meta, found: _Meta) -> list[_Line]:
    """Drop credit lines (keeping what they say), date lines and boilerplate."""
    body: list[_Line] = []
    total = len(lines)
    for index, line in enumerate(lines):
        # Reading lists and comment forms end the article when they come late.
        if index >= total * 0.6 and index > 0 and clean.is_tail_marker(line.text):
            break
        parsed = clean.parse_credits(line.text)
        if parsed is not None:
            for credit in parsed:
                url = credit.url or next((h for t, h in line.links if t == credit.value), None)
                if credit.field == "author" and credit.value and not credits.author:
                    credits.author = credit.value
                elif credit.field == "outlet" and not credits.outlet:
                    credits.outlet = credit.value or None
                    if url and url.startswith(("http://", "https://")):
                        credits.url = credits.url or url
            continue
        if index < 12 or index >= total - 3:
            date = meta.date_line(line.text)
            if date is not None:
                found.date = found.date or date
                continue
        if clean.is_boilerplate(line.text):
            continue
        body.append(line)
    return body


_TITLE_END = re.compile(r"[。；;，,、：:]$")


def _title_like(text: str) -> bool:
    return (
        len(text) <= 64
        and not _TITLE_END.search(text)
        and meta.find_dateline(text) is None
        and text.count("。") == 0
    )


def _drop_repeated_title(paragraphs: list[str], title: str) -> list[str]:
    for index, paragraph in enumerate(paragraphs[:3]):
        if paragraph == title:
            return paragraphs[:index] + paragraphs[index + 1 :]
    return paragraphs


def _find_dateline(paragraphs: list[str], found: _Meta, reference_date: dt.date | None) -> None:
    if found.date is None:
        for paragraph in paragraphs[:2]:
            dateline = meta.find_dateline(paragraph)
            if dateline is not None:
                found.date = dateline
                break
    if found.date is None:
        found.problems.append("no date found")
        return
    if found.date.date is None and found.date.month:
        if reference_date is not None:
            inferred = meta.infer_year(found.date.month, found.date.day or 1, reference_date)
            if inferred is not None:
                found.date = meta.DateFound(inferred, found.date.text)
                found.problems.append(f"year inferred from reference date {reference_date.isoformat()}")
                return
        found.problems.append(f"date has no year: {found.date.text}")


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


__all__ = [
    "DEFAULT_MAX_BYTES",
    "decode",
    "derive_title",
    "iter_source_files",
    "parse_article",
    "read_article",
    "read_sources",
]
