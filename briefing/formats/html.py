"""HTML pages and feed fragments, read with selectolax (lexbor).

Media, captions, scripts and page furniture are dropped by tag; block
elements become blocks; inline elements join without adding spaces.  Bare
text beside the HTML (feeds save a Markdown title line ``[title](url)`` and a
``------`` rule before the fragment) is read as Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from briefing.formats import Block, Draft

# Reads bare text found beside the markup into blocks.
LooseReader = Callable[[str], list[Block]]

# Elements whose content is never article prose.
HIDDEN_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "svg", "math", "canvas",
        "object", "embed", "iframe", "frame", "frameset", "audio", "video", "picture", "img",
        "source", "track", "map", "figcaption", "small", "caption", "nav", "aside", "footer",
        "form", "button", "select", "input", "textarea", "label", "dialog", "meta", "link",
    }
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {
        "address", "article", "blockquote", "center", "dd", "details", "div", "dl", "dt",
        "fieldset", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
        "body", "html",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_EMPHASIS = frozenset({"strong", "b"})
_EPOCH_COMMENT = re.compile(r"^\s*(\d{10,13})\s*$")

# Lexbor checks the whole stack of open elements ("has a p in button scope")
# each time a block element opens, so parsing time grows with the square of
# the nesting depth: 100,000 nested <div>s took 23 s and a 10 MB file of them
# about an hour.  Real pages nest a few dozen levels; tags deeper than this are
# dropped (their text is kept) before parsing.
MAX_DEPTH = 256
# Elements that never nest (void) or are usually left open (optional end tag):
# counting them would make an ordinary page with unclosed <p>s look deep.
_NOT_NESTING = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
        "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
        "tfoot", "colgroup", "rb", "rt", "rp", "html", "head", "body",
    }
)  # fmt: skip
# A comment, a raw-text element with its content (tags inside are text), or a tag.
# [^<>]* keeps every attempt local, so the scan is linear however the markup is broken.
_MARKUP_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|noembed|noframes|plaintext)\b.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>",
    re.DOTALL | re.IGNORECASE,
)


def limit_nesting(html: str, max_depth: int = MAX_DEPTH) -> tuple[str, bool]:
    """``html`` with element tags nested deeper than ``max_depth`` removed; True if any were."""
    if html.count("<") <= max_depth:
        return html, False  # cannot be that deep: the common case costs one count
    depth = 0
    pieces: list[str] = []
    kept_until = 0
    for match in _MARKUP_TOKEN.finditer(html):
        name = (match.group(3) or "").lower()
        if not name or name in _NOT_NESTING:
            continue
        if match.group(0).endswith("/>") and name not in BLOCK_TAGS:
            continue  # <path/> in SVG closes itself; <div/> does not (HTML ignores the slash)
        closing = bool(match.group(2))
        if not closing:
            depth += 1
        if depth > max_depth:
            pieces.append(html[kept_until : match.start()])
            kept_until = match.end()
        if closing:
            depth = max(0, depth - 1)
    if not pieces:
        return html, False
    pieces.append(html[kept_until:])
    return "".join(pieces), True


class _Collector:
    """Accumulates inline text into blocks while the tree is walked."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.heading: str | None = None
        self.emphasis_depth = 0
        self.emphasised = 0  # characters written inside <strong>/<b>

    def text(self, value: str) -> None:
        self.parts.append(value)
        if self.emphasis_depth:
            self.emphasised += len("".join(value.split()))

    def flush(self) -> None:
        text = "".join(self.parts)
        if text.strip():
            visible = len("".join(text.split()))
            level = 0
            if self.heading == "h1":
                role, level = "title", 1
            elif self.heading:
                role, level = "heading", int(self.heading[1])
            elif self.emphasised >= visible and visible <= 60:
                role, level = "heading", 7  # <p><strong>subhead</strong></p>
            else:
                role = "body"
            self.blocks.append(Block(text, role=role, links=self.links, level=level))
        self.parts, self.links, self.emphasised = [], [], 0


def _children(node: LexborNode) -> list[LexborNode]:
    out = []
    child = node.child
    while child is not None:
        out.append(child)
        child = child.next
    return out


def _walk(root: LexborNode, loose_reader: LooseReader | None) -> list[Block]:
    """Blocks of the tree under ``root``; bare text directly under it goes to ``loose_reader``
    (feeds save a Markdown title line and rule beside the HTML), or is kept as text without one."""
    collector = _Collector()
    loose: list[str] = []  # bare text directly under <body>
    markdown_text = loose_reader is not None

    def flush_loose() -> None:
        if loose:
            collector.blocks.extend(loose_reader("".join(loose)) if loose_reader else [Block("".join(loose))])
            loose.clear()

    # An explicit stack, not recursion: a page may nest thousands of <div>s.
    stack: list[tuple[LexborNode, bool]] = [(n, False) for n in reversed(_children(root))]
    link_starts: list[tuple[int, str]] = []
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            if tag in BLOCK_TAGS or tag == "br":
                collector.flush()
            if tag in _HEADINGS:
                collector.heading = None
            elif tag in _EMPHASIS:
                collector.emphasis_depth -= 1
            elif tag == "a" and link_starts:
                start, href = link_starts.pop()
                collector.links.append(("".join(collector.parts[start:]).strip(), href))
            continue
        if node.is_text_node:
            value = node.text_content or ""
            if markdown_text and node.parent is not None and node.parent.mem_id == root.mem_id:
                if value.strip() or loose:
                    collector.flush()
                    loose.append(value)
                continue
            collector.text(value.replace("\n", " "))
            continue
        if not node.is_element_node:
            continue  # comments, doctype
        flush_loose()
        if tag in HIDDEN_TAGS:
            continue
        if tag in BLOCK_TAGS:
            collector.flush()
        if tag in _HEADINGS:
            collector.heading = tag
        elif tag in _EMPHASIS:
            collector.emphasis_depth += 1
        elif tag == "a":
            link_starts.append((len(collector.parts), str((node.attributes or {}).get("href") or "")))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
    flush_loose()
    collector.flush()
    return collector.blocks


def fragment_blocks(html: str) -> list[Block]:
    """Text blocks of an HTML fragment embedded in another format."""
    tree = LexborHTMLParser(limit_nesting(html)[0])
    return _walk(tree.body, None) if tree.body is not None else []


# A whole saved page (not a feed fragment): its main text and metadata come
# from trafilatura, a maintained extractor (boilerplate removal, comments,
# JSON-LD, Open Graph, htmldate); the walk below is its fallback.
_WHOLE_PAGE = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(?P<url>https?://[^\s>]+)\s*-->", re.IGNORECASE)
# Below this much text trafilatura found no article; the page is walked instead.
_MIN_EXTRACTED_CHARS = 120


def read(text: str, *, loose_reader: LooseReader | None = None) -> Draft:
    """An HTML page or fragment; ``loose_reader`` reads the bare text beside the markup
    (ingest passes the Markdown reader's: the two formats do not import each other)."""
    draft = Draft(kind="html")
    if _WHOLE_PAGE.search(text[:4000]) and len(text) > 2000:
        page = _read_whole_page(text)
        if page is not None:
            return page
    return _read_walked(text, draft, loose_reader)


def _read_whole_page(text: str) -> Draft | None:
    import trafilatura  # noqa: PLC0415 - slow to import, needed for whole pages only

    try:
        document = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - a page trafilatura chokes on is walked instead
        return None
    if document is None:
        return None
    body = getattr(document, "text", None) or ""
    if len(body.strip()) < _MIN_EXTRACTED_CHARS:
        return None
    draft = Draft(kind="html")
    walked = Draft(kind="html")
    _read_head(LexborHTMLParser(limit_nesting(text)[0]), walked)
    draft.title = document.title or walked.title
    draft.date = document.date or walked.date
    # The raw <meta author> first: trafilatura reformats placeholders
    # ("name, email@…") into plausible names that ingest could not refuse.
    draft.author = walked.author or document.author
    draft.outlet = walked.outlet or document.sitename
    saved = _SAVED_FROM.search(text[:2000])
    draft.url = walked.url or document.url or (saved.group("url") if saved else None)
    draft.summary = document.description or walked.summary
    draft.blocks = [Block(line) for line in body.split("\n") if line.strip()]
    return draft


def _read_walked(text: str, draft: Draft, loose_reader: LooseReader | None) -> Draft:
    text, flattened = limit_nesting(text)
    if flattened:
        draft.problems.append(f"markup nested deeper than {MAX_DEPTH} levels; the deeper tags were ignored")
    tree = LexborHTMLParser(text)
    document = tree.root.parent if tree.root is not None else None
    if document is not None:
        for node in document.traverse(include_text=False):
            if node.is_comment_node:
                match = _EPOCH_COMMENT.match(node.comment_content or "")
                if match:
                    draft.fallback_date = int(match.group(1))
                    break
    _read_head(tree, draft)
    if tree.body is not None:
        draft.blocks = _walk(tree.body, loose_reader)
    # The page's own <h1> beats <title>, which usually carries a site suffix.
    for index, block in enumerate(draft.blocks):
        if block.role == "title":
            draft.title = block.text
            del draft.blocks[index]
            break
    return draft


def _read_head(tree: LexborHTMLParser, draft: Draft) -> None:
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes or {}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
        content = (attrs.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, content)
    title_node = tree.css_first("head > title")
    draft.title = meta.get("og:title") or meta.get("twitter:title") or (
        title_node.text(strip=True) if title_node is not None else None
    ) or None
    for key in ("article:published_time", "datepublished", "pubdate", "publishdate", "publish_date", "date", "dc.date"):
        if key in meta:
            draft.date = meta[key]
            break
    else:
        time_node = tree.css_first("time[datetime]")
        if time_node is not None:
            draft.date = (time_node.attributes or {}).get("datetime") or draft.date
    canonical = tree.css_first("link[rel=canonical]")
    href = (canonical.attributes or {}).get("href") if canonical is not None else None
    draft.url = meta.get("og:url") or href or None
    draft.outlet = meta.get("og:site_name") or None
    draft.author = meta.get("author") or meta.get("article:author") or None
    draft.summary = meta.get("og:description") or meta.get("description") or None
