"""Metadata: who wrote an article, who published it, when, and where it first appeared.

Formats hand over what their markup carries (front matter, ``<meta>``,
JSON-LD through trafilatura); the page's own header says more, and often
better: bylines (``文 | 单位 职务 姓名``), a WeChat account's name under its
title, repost boxes (``以下文章来源于X，作者Y``), a wire dateline's reporter
(``（记者X）``), a printed publication time (``发表于 …``).  This module reads
those lines of the header (marking them as not article text) and settles each
field from its best evidence: the printed date beats an archive's front-matter
``date``, the URL's date comes last and is marked; placeholders, ids, e-mails,
sites, editors and translators are not authors; a platform is not an outlet;
the outlet is who published this file, the origin who published it first.

Every value is capped (``METADATA_LIMITS``): metadata is laid out on the
cover, in headers and in the appendix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from briefing import clean, extract
from briefing.formats import Draft, meta

@dataclass(slots=True)
class Found:
    title: str | None = None
    title_derived: bool = False
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    origin_outlet: str | None = None
    origin_author: str | None = None
    names_below: str | None = None  # "作者 | 某中心" with the people on the next line
    byline_author: str | None = None
    header_author: str | None = None
    date: meta.DateFound | None = None  # the page's own publication date
    byline_date: meta.DateFound | None = None
    date_from_url: bool = False
    problems: list[str] = field(default_factory=list)


# Metadata is shown on the cover, in headers and in the appendix: a 1 MB
# front-matter title took 59 s and 320 pages to lay out.  Longer values are
# cut, with a problem line saying so.
METADATA_LIMITS = {"title": 200, "outlet": 100, "author": 200, "origin": 200, "url": 2000, "date_text": 100}


RAW_METADATA_CHARS = 4000


def capped(name: str, value: str | None, problems: list[str]) -> str | None:
    limit = METADATA_LIMITS[name]
    if value is None or len(value) <= limit:
        return value
    if not any(p.startswith(f"{name} cut to") for p in problems):
        problems.append(f"{name} cut to {limit} characters (was {len(value):,})")
    return value[: limit - 1].rstrip() + "…"


# A repost box: "以下文章来源于卫夕指北，作者卫夕" (WeChat prints it over two lines).
_REPOST = re.compile(r"^以下文章来源于\s*(?P<outlet>[^，,\s]{1,30})\s*(?:[，,]\s*作者\s*(?P<author>[^，,\s]{1,30}))?")
_REPOST_AUTHOR = re.compile(r"^[，,]\s*作者\s*(?P<author>[^，,\s]{1,30})\s*$")
# How far into a page its header (bylines, account names, repost boxes) reaches.
_HEADER_LINES = 40


def read_header(pieces: list[extract.Piece], found: Found, front_outlet: str | None) -> Found:
    """Credits, bylines, repost boxes and date lines: kept as metadata, dropped as text."""
    credits = Found()
    first_text = next((i for i, p in enumerate(pieces) if p.kept), len(pieces))
    total = len(pieces)
    for index, piece in enumerate(pieces):
        if piece.reason in (extract.SUMMARY, extract.ARTICLE_SUMMARY, extract.AFTER_TEXT):
            continue
        text = piece.line.text
        in_header = index < max(first_text + 3, _HEADER_LINES)
        if in_header and (repost := _REPOST.match(text)):
            credits.origin_outlet = credits.origin_outlet or repost.group("outlet")
            credits.origin_author = credits.origin_author or repost.group("author")
            piece.reason = "repost box"
            continue
        if in_header and (more := _REPOST_AUTHOR.match(text)) and credits.origin_outlet:
            credits.origin_author = credits.origin_author or more.group("author")
            piece.reason = "repost box"
            continue
        # "作者 | Li Yuan**编辑| 郑玄**": bold markers run credits together.
        parsed = clean.parse_credits(re.sub(r"\*+", " ", text).strip().strip("【】[]"))
        if parsed is not None:
            for credit in parsed:
                if credit.label in ("文", "文/") and " " in credit.value.strip():
                    credit = clean.Credit(credit.label, "author", credit.value, credit.url)
                url = credit.url or next((h for t, h in piece.line.links if t == credit.value), None)
                if credit.field == "author" and credit.value and not credits.author:
                    if _ORG_WORDS.search(credit.value) and " " not in credit.value:
                        following = pieces[index + 1].line.text if index + 1 < total else ""
                        credits.names_below = credits.names_below or names_line(following)
                    else:
                        credits.author = _names(credit.value)
                elif credit.field == "outlet" and not credits.outlet:
                    credits.outlet = credit.value or None
                    if url and url.startswith(("http://", "https://")):
                        credits.url = credits.url or url
            piece.reason = "byline or credit"
            continue
        if in_header and not piece.kept and (byline := meta.byline_date(text)):
            found.byline_date = found.byline_date or byline[0]
            found.byline_author = found.byline_author or byline[1]
            piece.reason = piece.reason or "byline"
            continue
        if in_header or index >= total - 3:
            date = meta.date_line(text)
            if date is not None:
                found.byline_date = found.byline_date or date
                piece.reason = "date line"
                continue
    found.header_author = _header_author(pieces[:first_text], front_outlet)
    if credits.names_below:
        for piece in pieces[:first_text + 3]:
            if names_line(piece.line.text) == credits.names_below:
                piece.reason = "byline or credit"
    for piece in pieces:
        if piece.kept:
            if wire := _WIRE_REPORTER.search(piece.line.text[:80]):
                credits.author = credits.author or _names(wire.group("names"))
            break
    return credits


# Wire copy names its reporters in the dateline: "新华社巴黎12月9日电（记者唐霁）".
_WIRE_REPORTER = re.compile(r"(?:电|讯|报道)\s*[（(]\s*(?:记者|通讯员)\s*(?P<names>[^）)]{2,30})[）)]")
_HAN_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,4}$")


def _names(value: str) -> str | None:
    """ "甲、乙&丙" → "甲; 乙; 丙" when every part is a short name, else the value."""
    parts = [p for p in re.split(r"\s*[、，,&/＆]\s*|\s*(?<=[\u4e00-\u9fff])[和及](?=[\u4e00-\u9fff])\s*", value.strip()) if p]
    if len(parts) == 1:
        parts = value.split()
        if not all(_HAN_NAME.match(p) for p in parts):
            return person(value)
    if len(parts) > 1 and all(person(p) == p and len(p) <= 24 for p in parts):
        return "; ".join(parts)
    return person(value)


def names_line(text: str) -> str | None:
    """A line of nothing but personal names ("张奕欣 王磊 王秀文"), joined with "; "."""
    parts = text.split()
    if 1 < len(parts) <= 8 and all(_HAN_NAME.match(p) for p in parts):
        return "; ".join(parts)
    return None


_ORG_WORDS = re.compile(
    r"(中心|研究院|研究所|实验室|智库|社群|编译|编辑部|工作室|团队|委员会|协会|联盟|公司|集团|杂志|日报|周刊|新闻|媒体|"
    r"cert|team|lab|公众号|官方|小编|(?-i:[A-Z]{5,}))",
    re.IGNORECASE,
)
_PLACEHOLDER_AUTHOR = re.compile(
    r"^(\[?no[-_ ]?author\]?|n/?a|none|null|unknown|admin|administrator|佚名|匿名|未知|作者|本站|网友|"
    r"name,?\s*\S+@\S+|\d{4,}|.*@.*\..*)$",
    re.IGNORECASE,
)
# A URL, a site, or an editor's credit in an author slot names no author.
_NOT_A_NAME = re.compile(r"(https?:|www\.|\.(com|org|net|cn|io)\b|^(责任编辑|责编|编辑|编译|翻译|译者|校对)\s*[:：|｜])", re.IGNORECASE)
_JOB_TITLE = re.compile(r"(教授|研究员|主任|院长|所长|博士|学者|记者|分析师|顾问|发起人|负责人|专家|总监|创始人|CEO|副)")


def person(value: str | None) -> str | None:
    """A person's name from a byline value: "单位 职务 姓名" → 姓名; placeholders → None."""
    if not value:
        return None
    value = " ".join(value.replace("*", " ").split()).strip(" |｜:：")
    if not value or _PLACEHOLDER_AUTHOR.match(value) or _NOT_A_NAME.search(value):
        return None
    tokens = value.split(" ")
    if len(tokens) > 1 and (_JOB_TITLE.search(" ".join(tokens[:-1])) or _ORG_WORDS.search(" ".join(tokens[:-1]))):
        value = tokens[-1]
    elif len(tokens) == 1 and _JOB_TITLE.search(value) and len(value) > 8:
        return None  # a job title run into a name cannot be split safely
    return value[:60] or None


def _header_author(header: list[extract.Piece], outlet: str | None) -> str | None:
    """The personal byline printed between a WeChat-style title and account name.

    Dumps of such pages print: title, [author], account name; the line just
    above the account's name, when it is a short name and not an organisation,
    is the author.
    """
    if not outlet:
        return None
    key = name_key(outlet)
    texts = [p.line.text for p in header if p.line.role == "body"]
    for index, text in enumerate(texts):
        if name_key(text) == key and index > 0:
            candidate = _split_at_credit(texts[index - 1])
            if candidate and len(candidate) <= 24 and not _ORG_WORDS.search(candidate) and name_key(candidate) != key:
                return person(candidate)
            return None
    return None


def _split_at_credit(text: str) -> str:
    """ "Li Yuan 编辑| 郑玄" → "Li Yuan": a byline line that runs into other credits."""
    match = re.search(r"(编辑|责编|编译|校对|排版|视觉|设计|来源)\s*[|｜:：/]", text)
    return (text[: match.start()] if match else text).strip(" *|｜")


def name_key(text: str) -> str:
    return "".join(ch for ch in clean.to_simplified(text) if ch.isalnum()).lower()


def settle_people(found: Found, draft: Draft, credits: Found, front_outlet: str | None) -> None:
    """Outlet, author, origin and URL from front matter, credits and bylines.

    The outlet is who published *this file* (front matter, the page's site);
    a repost box or a "来源：" credit that names someone else is the origin.
    """
    front_author = clean.normalize_display(draft.author) if draft.author else None
    if front_author:
        front_author = person(front_author)  # <meta author> and feeds hold ids, e-mails, sites, editors
    if front_outlet and _HOSTNAME.match(front_outlet):
        front_outlet = meta.outlet_for_url("http://" + front_outlet) or front_outlet
    site_suffix = None
    if draft.kind == "html" and found.title and (suffix := _SITE_SUFFIX.match(found.title)):
        found.title, site_suffix = suffix.group("head").strip(), suffix.group("site").strip()
    platform = front_outlet if meta.is_platform(front_outlet) else None
    outlet = None if platform else front_outlet
    credit_outlet = credits.outlet
    if outlet is None:
        outlet, credit_outlet = credit_outlet, None
    found.origin_outlet = credits.origin_outlet or (
        credit_outlet if credit_outlet and name_key(credit_outlet) != name_key(outlet or "") else None
    )
    found.origin_author = person(credits.origin_author) if not _ORG_WORDS.search(credits.origin_author or "") else None
    found.author = (
        found.origin_author
        or credits.author
        or credits.names_below
        or (front_author if front_author and not _PLACEHOLDER_AUTHOR.match(front_author) else None)
        or found.header_author
        or person(found.byline_author)
    )
    if platform:
        account = front_author or found.header_author
        outlet = f"{account}（{platform}）" if account else None
    found.url = found.url or credits.url
    outlet = outlet or meta.outlet_for_url(found.url) or site_suffix or _site_of(found.url)
    found.outlet = meta.outlet_name(outlet) if outlet and not platform else outlet


_HOSTNAME = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", re.IGNORECASE)
# "Headline-新华网", "Headline_新浪网", "Headline | Site": a page's <title> names
# its site after the headline.  A Chinese dash (——) belongs to the headline.
_SITE_SUFFIX = re.compile(r"^(?P<head>.{8,}?)\s*(?<![-—])(?:[-_|｜–](?![-—])|\s-\s)\s*(?P<site>[^-_|｜–—，。！？:：]{2,16})$")


def _site_of(url: str | None) -> str | None:
    """A site's domain as its name, for a URL no outlet table knows (not a platform)."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    host = host.removeprefix("www.")
    if not host or "." not in host or meta.is_platform_host(host):
        return None
    return host


def settle_date(found: Found, draft: Draft, paragraphs: list[str], reference_date: dt.date | None) -> None:
    """The publication date, best evidence first.

    A date the metadata calls the publication date; then one the page prints
    in its byline; then a bare front-matter ``date`` (often the day an archive
    saved the page); then a dateline opening the text; then a feed's save
    time; and last a date spelled in the URL, marked as such.
    """
    if found.date is None:
        found.date = found.byline_date
    if found.date is None and draft.archive_date is not None:
        found.date = meta.parse_date(draft.archive_date)
    if found.date is None:
        for paragraph in paragraphs[:2]:
            dateline = meta.find_dateline(paragraph)
            if dateline is not None:
                found.date = dateline
                break
    if found.date is None and draft.fallback_date is not None:
        found.date = meta.parse_date(draft.fallback_date)
    if found.date is None and (from_url := meta.date_from_url(found.url)) is not None:
        found.date = from_url
        found.date_from_url = True
        found.problems.append(f"date taken from the URL ({from_url.text})")
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


__all__ = ["METADATA_LIMITS", "Found", "capped", "name_key", "names_line", "person", "read_header", "settle_date", "settle_people"]
