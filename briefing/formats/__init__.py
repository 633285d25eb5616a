"""Per-format readers: decoded text in, a :class:`Draft` out.

A reader only removes the markup of its format and collects the metadata the
markup carries (front matter, ``<meta>``, link targets).  Everything that is
the same for every format — credit lines, boilerplate, datelines, derived
titles, outlet lookup — happens once, in :mod:`briefing.ingest`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(slots=True)
class Block:
    """One block of text in document order, markup removed (newlines may remain)."""

    text: str
    role: str = "body"  # "body" | "heading" | "title"
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    # Heading level: 1-6 for real headings, 7 for a paragraph that is all bold
    # (a sub-heading by its looks); 0 for body text.
    level: int = 0


@dataclass(slots=True)
class Draft:
    """What a format reader found; values are raw strings or date objects."""

    kind: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    date: object = None  # a date/datetime, an epoch number or a string as written
    fallback_date: object = None  # used only when the text shows no date (feed save time)
    # A bare front-matter "date": often the day an archive saved the page, so a
    # date the page prints in its byline beats it (see ingest._settle_date).
    archive_date: object = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    # A summary the metadata carries (front-matter description, <meta
    # description>): a first paragraph that repeats it is not article text.
    summary: str | None = None
    # The date only a URL carries (/2019-09-07/, /20161014/): used last.
    url_date: object = None
    problems: list[str] = field(default_factory=list)


_FRONT_MATTER = re.compile(r"\A[ \t]*---[ \t]*\r?\n")
_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|span|a|img|h[1-6]|ul|ol|li|table|article|section|strong|em|b|i|"
    r"script|style|iframe|audio|video|figure|small|meta|blockquote|!--)[\s>/]",
    re.IGNORECASE,
)
_MARKDOWN_SIGNAL = re.compile(
    r"^(?:#{1,6}\s|>\s|```|~~~|[-*+]\s|\d+\.\s|={3,}\s*$|-{3,}\s*$)|\*\*[^*\n]+\*\*|\]\((?:https?://|/)",
    re.MULTILINE,
)
# A leading "<!-- title: … -->" block of key: value lines (exporters, translation tools).
_METADATA_COMMENT = re.compile(r"\A<!--\s*\n(?:[ \t]*[^:：\n<>]{1,20}[:：][^\n]*\n|[ \t]*\n)+[ \t]*-->")
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".xml", ".rss"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


def detect_kind(text: str, suffix: str = "") -> str:
    """"markdown", "html" or "text", from the content first and the suffix second."""
    head = text.lstrip("\ufeff \t\r\n")
    if _FRONT_MATTER.match(head) or _METADATA_COMMENT.match(head):
        return "markdown"
    sample = head[:20000]
    tags = len(_HTML_TAG.findall(sample))
    if suffix in HTML_SUFFIXES and tags:
        return "html"
    if head.startswith("<") and tags or tags >= 3:
        return "html"
    signals = _MARKDOWN_SIGNAL.findall(sample)
    if suffix in MARKDOWN_SUFFIXES or len(signals) >= 2 or any("](" in s or "`" in s for s in signals):
        return "markdown"
    return "text"
