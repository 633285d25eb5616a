"""A whole RSS or Atom feed dropped among the articles: one article per item.

Users save feeds as well as pages.  A feed file is parsed the way ``briefing
fetch`` parses one (transcoded first, entity declarations refused, feedparser
fed bytes only), and each item becomes a Markdown document of its own, read
by the ordinary pipeline: front matter from the item's title, link, date and
author, the channel's title as the outlet, the item's content or summary as
the text.  Items that carry only a title (many WeChat feeds) have no text to
quote and are left out with a reason.
"""

from __future__ import annotations

import re

_FEED_ROOT = re.compile(r"\A(?:\ufeff)?\s*(?:<\?xml[^>]*>\s*)?(?:<\?[^>]*>\s*|<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL | re.IGNORECASE)


def is_feed(text: str) -> bool:
    """True when the document's root element is an RSS, Atom or RSS 1.0 feed."""
    return bool(_FEED_ROOT.match(text[:20000]))


def items(data: bytes, path: str) -> tuple[str | None, list[str]]:
    """(channel title, one Markdown document per item) of a feed file.

    Raises ValueError with a one-line reason for a feed that cannot be read
    (bad XML, entity declarations).
    """
    from briefing import fetch  # noqa: PLC0415 - the feed parser and its safety checks live there

    try:
        parsed = fetch.parse_feed(data, url=path)
    except fetch.FetchError as exc:
        raise ValueError(exc.reason) from None
    channel = fetch.clean_text(parsed.feed.get("title")) or None
    documents = []
    for entry in parsed.entries:
        link = fetch.entry_link(entry) or ""
        item = fetch.Item(
            url=link,
            title=fetch.clean_text(entry.get("title")) or None,
            date=fetch.entry_date(entry),
            author=fetch.clean_text(entry.get("author")) or None,
            outlet=channel,
            paragraphs=fetch.feed_body(entry),
        )
        documents.append(fetch.render_markdown(item))
    return channel, documents
