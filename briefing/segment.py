"""Sentence splitting with provenance: paragraphs in, :class:`Sentence` records out.

Rules (each one is pinned in ``tests/test_segment.py``):

* A sentence ends at 。！？；… (a run such as ！？ or …… ends it once), and at
  ASCII ? ! ; when they end a Chinese clause (a Han character or full-width
  mark before them, or a Han character after them).
* An ASCII "." ends a sentence only after a Han character and before a Han
  character, whitespace or the end: 94.7万, "01. AI" and "U.S." do not end one.
* Closing quotes and brackets (” ’ 」 』 ） 》 ) ] ") right after the end mark
  stay with the sentence they close.
* Nothing inside a title in 《》 ends a sentence (《摔跤吧！爸爸》好吗？ is one).
* A line break always ends a sentence.
* An unterminated run longer than ``max_chars`` is cut after a clause comma
  (， ； , ;) so that no piece is longer than the cap where a comma allows it.

Spans are character offsets into the text, whitespace-trimmed, so
``text[start:end]`` is exactly the sentence as displayed.
"""

from __future__ import annotations

import re

from briefing.clean import normalize_for_analysis
from briefing.models import Article, Sentence
from briefing.reworded import restore as restore_usual_words

DEFAULT_MAX_CHARS = 140
"""Cap for an unterminated run (characters). News sentences run 20–80 chars;
140 leaves real sentences alone and cuts only run-ons and lists."""

_TITLE_MAX = 80  # a 《 without a 》 this close is a stray mark, not a title
_HARD_END = frozenset("。！？；…｡")
_ASCII_END = frozenset("?!;")
_CLOSERS = frozenset("”’」』）》)]】〕\"")
_SOFT_CUT = frozenset("，；,;")
_LINE_BREAKS = frozenset("\n\r\u2028\u2029")
_CANDIDATE = re.compile("[。！？；…｡?!;.\n\r\u2028\u2029]")
_TITLE_MARKS = re.compile("[《》\n\r\u2028\u2029]")


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def _is_cjk_mark(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or ch in "“”‘’…—"


def _protected(text: str) -> bytearray:
    """1 at every position strictly inside a 《…》 title (matched, on one line)."""
    mask = bytearray(len(text))
    if "《" not in text:
        return mask
    depth_starts: list[int] = []
    for match in _TITLE_MARKS.finditer(text):
        index, ch = match.start(), match.group()
        if ch == "《":
            depth_starts.append(index)
        elif ch == "》":
            if depth_starts:
                start = depth_starts.pop()
                if index - start <= _TITLE_MAX:
                    mask[start + 1 : index] = b"\x01" * (index - start - 1)
        else:
            depth_starts.clear()
    return mask


def _ends_here(text: str, index: int) -> bool:
    """Whether the character at ``index`` is a sentence-final mark."""
    ch = text[index]
    if ch in _HARD_END:
        return True
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    if ch in _ASCII_END:
        if before and (_is_han(before) or _is_cjk_mark(before)):
            return True
        following = text[index + 1 : index + 3].lstrip(" ")  # "AI? 是的": Han after one space
        return bool(before) and bool(following) and _is_han(following[0])
    if ch == ".":
        return bool(before) and _is_han(before) and (after == "" or after.isspace() or _is_han(after))
    return False


def _is_clause_comma(text: str, index: int) -> bool:
    ch = text[index]
    if ch not in _SOFT_CUT:
        return False
    if ch in ",;":  # 1,000 is a number, not a clause break
        before = text[index - 1] if index > 0 else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        return not (before.isdigit() and after.isdigit())
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _cap(text: str, start: int, end: int, max_chars: int, protected: bytearray) -> list[tuple[int, int]]:
    """Cut a too-long run after clause commas, each piece at most ``max_chars`` where possible."""
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        # The last comma inside the window, else the first one after it.
        cut = -1
        for index in range(start + max_chars - 1, start, -1):
            if not protected[index] and _is_clause_comma(text, index):
                cut = index
                break
        if cut < 0:
            for index in range(start + max_chars, end - 1):
                if not protected[index] and _is_clause_comma(text, index):
                    cut = index
                    break
        if cut < 0:
            break
        pieces.append((start, cut + 1))
        start = cut + 1
    pieces.append((start, end))
    return pieces


def split_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, in order, whitespace-trimmed, never empty."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    protected = _protected(text)
    raw: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    resume = 0
    for match in _CANDIDATE.finditer(text):
        index = match.start()
        if index < resume:
            continue  # already consumed as part of a run of marks
        ch = text[index]
        if ch in _LINE_BREAKS:
            raw.append((start, index))
            start = resume = index + 1
        elif not protected[index] and _ends_here(text, index):
            end = index + 1
            # A run of marks (！？, ……, ?!) ends the sentence once.
            while end < length and (text[end] in _HARD_END or text[end] in _ASCII_END):
                end += 1
            # Closing quotes and brackets belong to the sentence they close.
            while end < length and text[end] in _CLOSERS:
                end += 1
            raw.append((start, end))
            start = resume = end
    raw.append((start, length))

    spans: list[tuple[int, int]] = []
    for run_start, run_end in raw:
        trimmed = _trim(text, run_start, run_end)
        if trimmed is None:
            continue
        for piece in _cap(text, *trimmed, max_chars, protected):
            piece = _trim(text, *piece)
            if piece is not None:
                spans.append(piece)
    return spans


def _has_content(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def analysis_copy(text: str, *, reworded: bool = False) -> str:
    """What ``Sentence.norm`` holds: NFKC, simplified script, and in a reworded article the usual words."""
    norm = normalize_for_analysis(text)
    return restore_usual_words(norm) if reworded else norm


def split_article(article: Article, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Sentence]:
    """Every sentence of ``article`` with its source, paragraph, position and offsets.

    Punctuation-only fragments (a stray "——" or "）") are dropped; ``position``
    counts the sentences kept, so it is 0..n-1 in reading order.  In a
    machine-reworded article (``article.reworded``) ``norm`` reads the usual
    words (:func:`briefing.reworded.restore`); ``text`` stays the article's own.
    """
    source = article.source
    sentences: list[Sentence] = []
    for paragraph_index, paragraph in enumerate(article.paragraphs):
        for start, end in split_text(paragraph, max_chars=max_chars):
            text = paragraph[start:end]
            if not _has_content(text):
                continue
            sentences.append(
                Sentence(
                    text=text,
                    norm=analysis_copy(text, reworded=article.reworded),
                    source=source,
                    paragraph=paragraph_index,
                    position=len(sentences),
                    start=start,
                    end=end,
                )
            )
    return sentences


__all__ = ["DEFAULT_MAX_CHARS", "analysis_copy", "split_article", "split_text"]
