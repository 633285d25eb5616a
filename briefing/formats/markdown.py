"""Markdown with optional YAML front matter, stripped with markdown-it-py."""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.formats import Block, Draft
from briefing.formats import html as html_format

_FRONT_MATTER = re.compile(r"\A[ \t]*---[ \t]*\r?\n(?P<yaml>.*?)(?:\r?\n)?^[ \t]*(?:---|\.\.\.)[ \t]*$\r?\n?", re.DOTALL | re.MULTILINE)
# Fence info strings that still mean prose, not program code.
_PROSE_FENCES = {"", "text", "txt", "markdown", "md", "plain", "plaintext", "quote"}
_MAX_FENCE_DEPTH = 2

_TITLE_KEYS = ("title", "标题", "headline")
_DATE_KEYS = ("date", "published", "pubdate", "publish_date", "published_at", "created", "time", "日期", "发布时间")
_AUTHOR_KEYS = ("author", "authors", "by", "作者", "byline")
_URL_KEYS = ("url", "link", "source_url", "original_url", "canonical", "canonical_url", "permalink", "原文链接")
_OUTLET_KEYS = ("outlet", "publisher", "site", "site_name", "media", "publication", "来源", "source")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": 20})
    # Chinese articles indent paragraphs; an indented line is prose, not code.
    md.disable("code")
    return md


_MD = _parser()


def read(text: str) -> Draft:
    draft = Draft(kind="markdown")
    body = text.lstrip("\ufeff")
    match = _FRONT_MATTER.match(body)
    if match:
        body = body[match.end() :]
        _read_front_matter(match.group("yaml"), draft)
    elif body.lstrip().startswith("---"):
        lines = body.lstrip().splitlines()
        if len(lines) > 1 and re.match(r"^\s*\w[\w-]*\s*:", lines[1]):
            draft.problems.append("broken front matter: no closing ---")
    draft.blocks = blocks(body)
    return draft


def _read_front_matter(source: str, draft: Draft) -> None:
    try:
        data = yaml.safe_load(source)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        draft.problems.append(f"broken front matter: {first_line}")
        return
    if data is None:
        return
    if not isinstance(data, dict):
        draft.problems.append("broken front matter: not a key: value mapping")
        return
    fields = {str(k).strip().lower(): v for k, v in data.items() if isinstance(k, str | int | float)}

    def first(keys: tuple[str, ...]) -> object:
        for key in keys:
            value = fields.get(key)
            if isinstance(value, list):
                value = next((v for v in value if isinstance(v, str | int | float) and str(v).strip()), None)
            if value is not None and not isinstance(value, dict | list | bool) and str(value).strip():
                return value
        return None

    title = first(_TITLE_KEYS)
    draft.title = str(title).strip() if title is not None else None
    draft.date = first(_DATE_KEYS)
    author = first(_AUTHOR_KEYS)
    draft.author = str(author).strip()[:100] if author is not None else None
    url = first(_URL_KEYS)
    if url is not None and _looks_like_url(str(url)):
        draft.url = str(url).strip()
    outlet = first(_OUTLET_KEYS)
    if outlet is not None:
        outlet = str(outlet).strip()
        if _looks_like_url(outlet):
            draft.url = draft.url or outlet
        else:
            draft.outlet = outlet[:100]


def _looks_like_url(value: str) -> bool:
    return bool(re.match(r"^(https?://|www\.)\S+$", value.strip(), re.IGNORECASE))


def blocks(text: str, depth: int = 0) -> list[Block]:
    """Markdown → text blocks: markers, images and code markup removed."""
    out: list[Block] = []
    heading = False
    for token in _MD.parse(text):
        if token.type == "heading_open":
            heading = True
        elif token.type == "heading_close":
            heading = False
        elif token.type == "inline":
            text_part, links = _inline_text(token.children or [])
            if text_part.strip():
                out.append(Block(text_part, role="heading" if heading else "body", links=links))
        elif token.type == "fence":
            info = (token.info or "").strip().split(" ")[0].lower()
            if info in _PROSE_FENCES and depth < _MAX_FENCE_DEPTH:
                # Feeds wrap prose (and footers) in ``` fences: read the
                # inside as Markdown again so its own markup goes too.
                out.extend(blocks(token.content, depth + 1))
        elif token.type == "html_block":
            out.extend(html_format.fragment_blocks(token.content))
    return out


def _inline_text(children: list[Token]) -> tuple[str, list[tuple[str, str]]]:
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    link_stack: list[tuple[int, str]] = []
    hidden: str | None = None  # inside inline <script>/<style>
    for child in children:
        if child.type == "html_inline":
            tag = re.match(r"<(/?)(\w+)", child.content)
            name = tag.group(2).lower() if tag else ""
            if hidden is None and tag and not tag.group(1) and name in html_format.HIDDEN_TAGS:
                hidden = name
            elif hidden is not None and tag and tag.group(1) and name == hidden:
                hidden = None
            elif hidden is None and name == "br":
                parts.append("\n")
            continue
        if hidden is not None:
            continue
        if child.type == "image":
            continue  # alt text is not prose
        if child.type == "link_open":
            link_stack.append((len(parts), str(child.attrs.get("href", ""))))
        elif child.type == "link_close" and link_stack:
            start, href = link_stack.pop()
            links.append(("".join(parts[start:]).strip(), href))
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts), links
