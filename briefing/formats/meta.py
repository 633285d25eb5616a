"""Metadata values shared by every format: dates as written, and outlets by domain."""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from dateutil import parser as dateutil_parser

_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True, slots=True)
class DateFound:
    date: dt.date | None  # None for a month-day date without a year
    text: str  # as written
    month: int | None = None
    day: int | None = None


_CHINESE_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_NUMERIC = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")
_EPOCH = re.compile(r"^\s*(\d{9,13})\s*$")
# A dateline opening the first paragraph: "1月16日消息，", "新华社北京5月8日电",
# "北京时间3月2日消息", "2024年5月8日讯".
DATELINE = re.compile(
    r"^[^\s，,。:：；;！!？?]{0,16}?(?:北京时间|当地时间|美东时间|美国东部时间|台北时间)?\s*"
    r"(?P<text>(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号])\s*"
    r"(?:早间|午间|晚间|凌晨|上午|中午|下午|晚上|晚|早)?\s*(?:电|讯|消息|报道|综合报道|快讯)"
)


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def from_epoch(value: float) -> dt.date | None:
    """A date from epoch seconds or milliseconds (feeds save either), UTC."""
    seconds = value / 1000 if value > 1e11 else value
    try:
        date = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return None
    return date if _MIN_YEAR <= date.year <= _MAX_YEAR else None


def parse_date(value: object) -> DateFound | None:
    """A date from a front-matter value or a string as written, else None.

    Accepts date/datetime objects, epoch numbers, ISO and numeric dates,
    "2024年5月22日", RFC 822 ("Sat, 02 Mar 2024 13:00:00 GMT") and other
    English forms that carry a four-digit year.  A year is never invented.
    """
    if isinstance(value, dt.datetime):
        return DateFound(value.date(), value.isoformat()) if _MIN_YEAR <= value.year <= _MAX_YEAR else None
    if isinstance(value, dt.date):
        return DateFound(value, value.isoformat()) if _MIN_YEAR <= value.year <= _MAX_YEAR else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        date = from_epoch(float(value))
        return DateFound(date, str(value)) if date else None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:100]
    if not text:
        return None
    if epoch := _EPOCH.match(text):
        date = from_epoch(int(epoch.group(1)))
        return DateFound(date, text) if date else None
    for pattern in (_CHINESE_FULL, _NUMERIC):
        if match := pattern.search(text):
            date = _make_date(*(int(g) for g in match.groups()))
            if date:
                return DateFound(date, text)
    parsed = email.utils.parsedate_tz(text)
    if parsed and parsed[0]:
        date = _make_date(parsed[0], parsed[1], parsed[2])
        if date:
            return DateFound(date, text)
    if _FOUR_DIGIT_YEAR.search(text) and any(c.isalpha() for c in text):
        try:
            date = dateutil_parser.parse(text, fuzzy=False).date()
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            return None
        if _MIN_YEAR <= date.year <= _MAX_YEAR:
            return DateFound(date, text)
    return None


_DATE_ONLY_LINE = re.compile(
    r"^(?:(?:发布|发表|更新|刊发|出版)?(?:时间|日期)|published|updated|date)?\s*[:：]?\s*(?P<date>.{6,60})$",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?|[（(]?(?:星期|周)[一二三四五六日天][）)]?)\s*")


def date_line(text: str) -> DateFound | None:
    """The date when a whole line is just a date ("Sat, 02 Mar 2024 …", "发布时间：2024-05-22 10:00")."""
    text = text.strip()
    if len(text) > 70:
        return None
    match = _DATE_ONLY_LINE.match(text)
    if not match:
        return None
    candidate = match.group("date").strip()
    found = parse_date(candidate)
    if found is None:
        return None
    # The line must be nothing but the date (and a time or weekday).
    rest = _CHINESE_FULL.sub("", candidate)
    rest = _NUMERIC.sub("", rest)
    rest = _TIME_OF_DAY.sub("", rest)
    if any("\u4e00" <= ch <= "\u9fff" for ch in rest):
        return None
    if email.utils.parsedate_tz(candidate) is None and re.search(r"[A-Za-z]{4,}", rest):
        # English words besides month/day names: a sentence, not a date line
        try:
            dateutil_parser.parse(candidate, fuzzy=False)
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            return None
    return DateFound(found.date, text if match.group("date") == text else candidate)


def find_dateline(paragraph: str) -> DateFound | None:
    """The dateline at the start of a paragraph ("1月16日消息"), year or not."""
    match = DATELINE.match(paragraph)
    if not match:
        return None
    month, day = int(match.group("m")), int(match.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    text = match.group("text")
    year = match.group("y")
    if year:
        date = _make_date(int(year), month, day)
        return DateFound(date, text) if date else None
    return DateFound(None, text, month, day)


def infer_year(month: int, day: int, reference: dt.date) -> dt.date | None:
    """The latest ``month``/``day`` not after ``reference`` (skipping years without Feb 29)."""
    for year in range(reference.year, reference.year - 9, -1):
        date = _make_date(year, month, day)
        if date and date <= reference:
            return date
    return None


# --- outlets --------------------------------------------------------------------


@functools.cache
def _outlet_table() -> tuple[dict[str, str], frozenset[str]]:
    data = tomllib.loads((resources.files("briefing") / "data" / "outlets.toml").read_text(encoding="utf-8"))
    outlets = {str(k).lower(): str(v) for k, v in data.get("outlets", {}).items()}
    platforms = frozenset(str(p).lower() for p in data.get("platforms", {}).get("domains", []))
    return outlets, platforms


def is_platform_host(host: str) -> bool:
    """True for a host that publishes many accounts (mp.weixin.qq.com and its subdomains)."""
    _, platforms = _outlet_table()
    return any(host == p or host.endswith("." + p) for p in platforms)


def outlet_for_url(url: str | None) -> str | None:
    """The outlet a URL belongs to, by domain (subdomains match), or None.

    Table keys are domains ("voachinese.com") or a domain and path prefix
    ("bbc.com/zhongwen").  Platforms that host many publishers
    (mp.weixin.qq.com) name no outlet.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = (parts.hostname or "").lower().rstrip(".")
        path = parts.path.lower()
    except ValueError:
        return None
    if not host:
        return None
    if is_platform_host(host):
        return None
    outlets, _ = _outlet_table()
    best: tuple[int, str] | None = None
    for key, name in outlets.items():
        domain, _, prefix = key.partition("/")
        if not (host == domain or host.endswith("." + domain)):
            continue
        if prefix and not (path == "/" + prefix or path.startswith("/" + prefix + "/")):
            continue
        if best is None or len(key) > best[0]:
            best = (len(key), name)
    return best[1] if best else None


# --- conventions from data/page_patterns.toml ---------------------------------------


@functools.cache
def page_conventions() -> dict:
    """data/page_patterns.toml, parsed once (front-matter keys and platforms here, line patterns in extract)."""
    return tomllib.loads((resources.files("briefing") / "data" / "page_patterns.toml").read_text(encoding="utf-8"))


def front_matter_keys() -> dict[str, tuple[str, ...]]:
    """Field name → the front-matter keys that hold it, in order of preference."""
    return {name: tuple(k.lower() for k in keys) for name, keys in page_conventions()["front_matter"].items()}


@functools.cache
def platform_names() -> frozenset[str]:
    return frozenset(n.lower() for n in page_conventions()["platforms"]["names"])


def is_platform(name: str | None) -> bool:
    """True for "微信公众号", "知乎" …: a place many publishers post on, not an outlet."""
    return bool(name) and name.strip().strip("()（）").lower() in platform_names()


# A site name with its slogan: "奇客Solidot–传递最新科技情报", "unSafe.sh - 不安全",
# "安全客-有思想的安全新媒体", "新闻中心_新浪网".
_OUTLET_SLOGAN = re.compile(r"^(?P<name>.{2,30}?)\s*(?:\s[-|｜_·]\s|[–—|｜_]|(?<=[\u4e00-\u9fffA-Za-z])-(?=[\u4e00-\u9fff]))\s*(?P<slogan>.{2,})$")


def outlet_name(value: str | None) -> str | None:
    """An outlet as people name it: a site's slogan after a dash goes."""
    if not value:
        return None
    value = re.sub(r"\s*(版权所有|all rights reserved\.?|©.*)$", "", " ".join(value.split()), flags=re.IGNORECASE)
    match = _OUTLET_SLOGAN.match(value)
    return match.group("name").strip() if match else value


# Dates that only a URL carries: /2019-09-07/, /2019_09_07_, /20161014/, /2019/0615/, /2019-12/10/.
_URL_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_/](?P<m>\d{1,2})[-_/](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)/(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)/(?P<d>[0-3]\d)(?!\d)"),
)


def date_from_url(url: str | None) -> DateFound | None:
    """The date a URL's path spells, if any (used last, and marked as such)."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_DATES:
        match = pattern.search(path)
        if match:
            date = _make_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            if date:
                return DateFound(date, match.group(0))
    return None


# A byline that prints the publication time: "Wilson (42865)发表于 2024年05月06日 23时48分",
# "发布时间：2019-09-07 04:04", "2019年09月07日 04:04 北京日报".
_BYLINE_DATE = re.compile(
    r"(?:(?P<who>[^\s()（）]{1,30})\s*(?:[(（]\d+[)）])?\s*)?(?:发表于|发布于|发布时间|发表时间|更新时间|时间)\s*[:：]?\s*"
    r"(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
)


def byline_date(text: str) -> tuple[DateFound, str | None] | None:
    """(date, who) from a short byline that prints a publication time, else None."""
    if len(text) > 160:
        return None
    match = _BYLINE_DATE.search(text)
    if not match:
        return None
    found = parse_date(match.group("date"))
    if found is None or found.date is None:
        return None
    who = (match.group("who") or "").strip()
    who = re.sub(r"(发布|发表|更新|最后|刊发)+$", "", who)
    return found, (who if who and not who.isdigit() else None)
