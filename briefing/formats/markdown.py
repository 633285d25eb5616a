"""Markdown with optional YAML front matter, stripped with markdown-it-py."""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.formats import Block, Draft, meta
from briefing.formats import html as html_format

_FRONT_MATTER = re.compile(r"\A[ \t]*---[ \t]*\n(?P<yaml>.*?)(?:\n)?^[ \t]*(?:---|\.\.\.)[ \t]*$\n?", re.DOTALL | re.MULTILINE)
# Fence info strings that still mean prose, not program code.
_PROSE_FENCES = {"", "text", "txt", "markdown", "md", "plain", "plaintext", "quote"}
_MAX_FENCE_DEPTH = 2

# Which front-matter key holds which field: data/page_patterns.toml [front_matter].
_KEYS = meta.front_matter_keys()
# A metadata block in a leading HTML comment ("<!-- title: … \n date: … -->"),
# as translation tools and some exporters write it.
_COMMENT_META = re.compile(r"\A\s*<!--(?P<body>.*?)-->\s*", re.DOTALL)
_KEY_VALUE = re.compile(r"^\s*(?P<key>[^:：\s][^:：]{0,20}?)\s*[:：]\s*(?P<value>.*?)\s*$")


# The text of the block that stands where an image was.
IMAGE_MARK = "[image]"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": 20})
    # Chinese articles indent paragraphs; an indented line is prose, not code.
    md.disable("code")
    return md


_MD = _parser()


def read(text: str) -> Draft:
    draft = Draft(kind="markdown")
    # A BOM and CRLF line ends (Windows editors) must not hide the front matter.
    body = text.lstrip("\ufeff").replace("\r\n", "\n")
    match = _FRONT_MATTER.match(body)
    if match:
        body = body[match.end() :]
        _read_front_matter(match.group("yaml"), draft)
    elif comment := _COMMENT_META.match(body):
        fields = _comment_fields(comment.group("body"))
        if fields:
            body = body[comment.end() :]
            _apply_fields(fields, draft)
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
    _apply_fields({str(k).strip().lower(): v for k, v in data.items() if isinstance(k, str | int | float)}, draft)


def _comment_fields(source: str) -> dict[str, object]:
    """``key: value`` lines of a metadata comment; a comment of anything else gives {}."""
    fields: dict[str, object] = {}
    for line in source.splitlines():
        if not line.strip():
            continue
        match = _KEY_VALUE.match(line)
        if match is None:
            return {}  # prose in a comment: not a metadata block
        fields.setdefault(match.group("key").strip().lower(), match.group("value").strip().strip("\"'"))
    return fields if any(key in fields for keys in _KEYS.values() for key in keys) else {}


def _apply_fields(fields: dict[str, object], draft: Draft) -> None:
    def first(name: str) -> object:
        for key in _KEYS[name]:
            value = fields.get(key)
            if isinstance(value, list):
                value = next((v for v in value if isinstance(v, str | int | float) and str(v).strip()), None)
            if value is not None and not isinstance(value, dict | list | bool) and str(value).strip():
                return value
        return None

    title = first("title")
    draft.title = str(title).strip() if title is not None else None
    published, dated = first("published"), first("date")
    # "published" keys say what they mean; a bare "date" is often the day an
    # archive saved the page, so a date the page prints beats it (ingest).
    draft.date = published if published is not None else None
    draft.archive_date = dated if published is None else None
    author = first("author")
    draft.author = str(author).strip()[:100] if author is not None else None
    summary = first("summary")
    draft.summary = str(summary).strip() if summary is not None else None
    url = first("url")
    if url is not None and _looks_like_url(str(url)):
        draft.url = str(url).strip()
    outlet = first("outlet")
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
    level = 0
    for token in _MD.parse(text):
        if token.type == "heading_open":
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 6
        elif token.type == "heading_close":
            level = 0
        elif token.type == "inline":
            text_part, links = _inline_text(token.children or [])
            if not text_part.strip() and any(c.type == "image" for c in token.children or []):
                # An image's place: the short line after it is its caption (ingest).
                out.append(Block(IMAGE_MARK, role="image"))
            elif text_part.strip():
                if level:
                    out.append(Block(text_part, role="heading", links=links, level=level))
                elif _all_bold(token.children or [], text_part):
                    out.append(Block(text_part, role="heading", links=links, level=7))
                else:
                    out.append(Block(text_part, role="body", links=links))
        elif token.type == "fence":
            info = (token.info or "").strip().split(" ")[0].lower()
            if info in _PROSE_FENCES and depth < _MAX_FENCE_DEPTH:
                # Feeds wrap prose (and footers) in ``` fences: read the
                # inside as Markdown again so its own markup goes too.
                out.extend(blocks(token.content, depth + 1))
        elif token.type == "html_block":
            out.extend(html_format.fragment_blocks(token.content))
    return out


def _all_bold(children: list[Token], text: str) -> bool:
    """A short paragraph entirely in bold: a sub-heading by its looks ("**一、背景**")."""
    if len(text.strip()) > 60 or not children:
        return False
    depth, bold_chars, seen = 0, 0, 0
    for child in children:
        if child.type == "strong_open":
            depth += 1
        elif child.type == "strong_close":
            depth -= 1
        elif child.type in ("text", "code_inline"):
            visible = len("".join(child.content.split()))
            seen += visible
            bold_chars += visible if depth > 0 else 0
    return seen > 0 and bold_chars == seen


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
