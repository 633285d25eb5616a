"""Key dates: the dated events the brief's points mention, resolved against their article's date.

A point such as "5月8日，众议院跨党派议员联合推出了…ENFORCE法案" names an
event and a date; a policy brief lists such events as a timeline.  Each date
is read as written and then resolved, where that is safe, against the date of
the article the point comes from:

* a full date ("2024年5月14日") stands as written;
* a month and day ("5月8日") takes the year that puts it nearest the
  article's date, if that is at most :data:`PAST_DAYS` before or
  :data:`FUTURE_DAYS` after it (news speaks of the recent past and the near
  future); otherwise, or when the article has no full date, the year stays
  unknown: a year is never invented;
* a month alone ("3月份") takes the year that puts it nearest the article's
  month, within the same reach;
* a date that names a document ("4月7日《中法联合声明》") is the document's
  date, and documents are cited years later: its year is not inferred;
* "今年2月", "去年11月", "本月" take the article's year and month;
* a day alone ("16日") takes the article's month (or the month before);
* "今天", "昨天", "本周五", "上周日", "周二", "本周", "日前" are counted
  from the article's date only as far as that is safe: an article is often
  dated when it was reposted, days after it was written, so "上周日" in an
  article dated Monday 6 May may be 28 April, not 5 May.  Such an event is
  placed "on or before" the article's date, with the words as written; one
  that would fall after the article's date ("本周五" in an article dated on
  a Wednesday) is left unresolved.

The article's own dateline ("1月16日消息") is the article's date, not an
event, and is left out.  The event's text is the clause that carries the date;
its English is the word-by-word gist, labelled as such where it is shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from briefing import reworded
from briefing.formats.meta import DATELINE
from briefing.models import Point, Source, TimelineEvent

# How far from its article's date a month-day without a year may be placed.
PAST_DAYS = 183
FUTURE_DAYS = 92

# The event's Chinese: the clause carrying the date, cut at a clause boundary.
EVENT_MIN_CHARS = 16
EVENT_MAX_CHARS = 48

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = "一二三四五六日天"  # 日 and 天 are both Sunday
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# One pattern, alternatives longest first, so "2024年5月8日" is not also read as "5月8日".
_DATE = re.compile(
    r"(?P<full>(?P<fy>\d{4})\s*年\s*(?P<fm>\d{1,2})\s*月\s*(?P<fd>\d{1,2})\s*[日号])"
    r"|(?P<ym>(?P<yy>\d{4})\s*年\s*(?P<ymm>\d{1,2})\s*月(?!\s*\d))"
    r"|(?P<rel_month>(?P<which_year>今年|去年|明年)\s*(?P<rm>\d{1,2})\s*月(?:\s*(?P<rd>\d{1,2})\s*[日号])?)"
    r"|(?P<md>(?<![\d年])(?P<mm>\d{1,2})\s*月\s*(?P<md_d>\d{1,2})\s*[日号])"
    r"|(?P<mo>(?<![\d年])(?P<mo_m>\d{1,2})\s*月份?(?!\s*\d)(?![日号]))"
    r"|(?P<weekday>(?P<week>本|这|上|下)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天]))"
    r"|(?P<day_word>今天|今日|昨天|昨日|前天|明天)"
    r"|(?P<span_word>本周|这周|上周|本月|上月|日前|近日)"
    r"|(?P<dom>(?<![\d月第])(?P<dd>\d{1,2})\s*[日号](?![本元内起后以之]))"
)
# "当地时间2024年5月14日，…": the time zone before a date opening a clause is not part of the event.
_LOCAL_TIME = re.compile(r"(?:北京时间|当地时间|美东时间|美国东部时间|台北时间)\s*$")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date as a sentence writes it, before it is resolved."""

    text: str
    start: int
    end: int
    match: re.Match[str]


def find_dates(sentence: str) -> list[DateMention]:
    """The date mentions of ``sentence``, in order, without the article's own dateline."""
    dateline = DATELINE.match(sentence)
    skip_until = dateline.end("text") if dateline else -1
    found = []
    for match in _DATE.finditer(sentence):
        if match.start() < skip_until:
            continue
        if match["weekday"] and match.start() > 0 and sentence[match.start() - 1] in "每上下":
            continue  # 每周五 is a habit, not a day
        found.append(DateMention(match.group(), match.start(), match.end(), match))
    return found


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """Where a mention sits on the calendar, how sure that is, and how to print it."""

    date: dt.date | None  # None: the year (or the day) cannot be known
    precision: str  # "day" | "week" | "month" | "before" | "unknown"
    zh: str
    en: str
    how: str  # "as written" | "year/month from the article's date" | "counted from the article's date" | "not resolved"
    order: tuple[int, int] = (0, 0)  # month, day for ordering an unresolved date


def _nearest_year(month: int, day: int, reference: dt.date) -> dt.date | None:
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    in_reach = [c for c in candidates if -PAST_DAYS <= (c - reference).days <= FUTURE_DAYS]
    return min(in_reach, key=lambda c: abs((c - reference).days)) if in_reach else None


def _day_en(date: dt.date) -> str:
    return f"{date.day} {MONTHS_EN[date.month - 1]} {date.year}"


def _day_zh(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _written(mention: DateMention, en: str, order: tuple[int, int] = (13, 0)) -> ResolvedDate:
    return ResolvedDate(None, "unknown", mention.text, en, "not resolved", order)


def _article_day(source: Source) -> str:
    if source.date is not None:
        return _day_en(source.date)
    return source.date_text or "an undated article"


# How a date was placed (ResolvedDate.how).
_AS_WRITTEN = "as written"
_YEAR_FROM_ARTICLE = "year from the article's date"
_COUNTED = "counted from the article's date"


def _day(date: dt.date, how: str) -> ResolvedDate:
    return ResolvedDate(date, "day", _day_zh(date), _day_en(date), how)


def _month(date: dt.date, how: str) -> ResolvedDate:
    return ResolvedDate(date, "month", f"{date.year}年{date.month}月", f"{MONTHS_EN[date.month - 1]} {date.year}", how)


def resolve(mention: DateMention, source: Source) -> ResolvedDate | None:
    """The calendar date of ``mention`` as far as ``source``'s date allows; None if it is no date at all."""
    # The pattern's alternatives are exclusive: exactly one named form matched.
    form = next(name for name in _RESOLVERS if mention.match[name])
    return _RESOLVERS[form](mention, source)


def _full_date(mention: DateMention, source: Source) -> ResolvedDate | None:
    m = mention.match
    try:
        return _day(dt.date(int(m["fy"]), int(m["fm"]), int(m["fd"])), _AS_WRITTEN)
    except ValueError:
        return None


def _year_month(mention: DateMention, source: Source) -> ResolvedDate | None:
    m = mention.match
    month = int(m["ymm"])
    if not 1 <= month <= 12:
        return None
    return _month(dt.date(int(m["yy"]), month, 1), _AS_WRITTEN)


def _relative_month(mention: DateMention, source: Source) -> ResolvedDate | None:
    """今年2月, 去年11月3日, 明年5月: the year counted from the article's."""
    m = mention.match
    month, day = int(m["rm"]), int(m["rd"]) if m["rd"] else None
    if not 1 <= month <= 12:
        return None
    if source.date is None:
        en = f"{day} {MONTHS_EN[month - 1]}" if day else MONTHS_EN[month - 1]
        return _written(mention, f"{en}, {_relative_year_en(m['which_year'])} (year not stated)", (month, day or 0))
    year = source.date.year + {"今年": 0, "去年": -1, "明年": 1}[m["which_year"]]
    try:
        date = dt.date(year, month, day or 1)
    except ValueError:
        return None
    return _day(date, _COUNTED) if day else _month(date, _COUNTED)


def _month_day(mention: DateMention, source: Source) -> ResolvedDate | None:
    m = mention.match
    month, day = int(m["mm"]), int(m["md_d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    names_document = m.string[mention.end : mention.end + 1] == "《"
    if source.date is not None and not names_document and (date := _nearest_year(month, day, source.date)):
        return _day(date, _YEAR_FROM_ARTICLE)
    return _written(mention, f"{day} {MONTHS_EN[month - 1]} (year not stated)", (month, day))


def _month_alone(mention: DateMention, source: Source) -> ResolvedDate | None:
    month = int(mention.match["mo_m"])
    if not 1 <= month <= 12:
        return None
    if source.date is not None and (date := _nearest_year(month, 1, source.date.replace(day=1))):
        return _month(date, _YEAR_FROM_ARTICLE)
    return _written(mention, f"{MONTHS_EN[month - 1]} (year not stated)", (month, 0))


def _day_of_month(mention: DateMention, source: Source) -> ResolvedDate | None:
    """16日: this month's 16th, or last month's if the article's date is not yet past it."""
    day = int(mention.match["dd"])
    if not 1 <= day <= 31:
        return None
    reference = source.date
    if reference is None:
        return _written(mention, f"the {day}{_ordinal(day)} (article of {_article_day(source)})")
    first = reference.replace(day=1)
    month_start = first if day <= reference.day else (first - dt.timedelta(days=1)).replace(day=1)
    try:
        return _day(month_start.replace(day=day), "month from the article's date")
    except ValueError:
        return None


def _weekday(mention: DateMention, source: Source) -> ResolvedDate | None:
    m = mention.match
    weekday = min(_WEEKDAYS.index(m["wd"]), 6)
    week = {"这": "本"}.get(m["week"] or "", m["week"] or "")
    en = f"{ {'本': 'this ', '上': 'last ', '下': 'next '}.get(week, '') }{_WEEKDAYS_EN[weekday]}".strip()
    reference = source.date
    if reference is None or week == "下":
        return _written(mention, f"{en} (article of {_article_day(source)})")
    monday = reference - dt.timedelta(days=reference.weekday())
    if week == "本" and monday + dt.timedelta(days=weekday) > reference:
        return _written(mention, f"{en} (after the article's date, {_day_en(reference)}: not resolved)")
    return _on_or_before(mention, en, reference)


def _day_word(mention: DateMention, source: Source) -> ResolvedDate | None:
    word = mention.match["day_word"]
    en = {"今天": "today", "今日": "today", "昨天": "yesterday", "昨日": "yesterday",
          "前天": "the day before yesterday", "明天": "tomorrow"}[word]  # fmt: skip
    if source.date is None or word == "明天":
        return _written(mention, f"{en} (article of {_article_day(source)})")
    return _on_or_before(mention, en, source.date)


def _span_word(mention: DateMention, source: Source) -> ResolvedDate | None:
    word = mention.match["span_word"].replace("这周", "本周")
    en = {"本周": "this week", "上周": "last week", "本月": "this month", "上月": "last month",
          "日前": "recently", "近日": "recently"}[word]  # fmt: skip
    reference = source.date
    if reference is None:
        return _written(mention, f"{en} (article of {_article_day(source)})")
    if word in ("本月", "上月"):
        first = reference.replace(day=1)
        if word == "上月":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return _month(first, _COUNTED)
    return _on_or_before(mention, en, reference)


# One resolver per named alternative of _DATE.
_RESOLVERS: dict[str, Callable[[DateMention, Source], ResolvedDate | None]] = {
    "full": _full_date,
    "ym": _year_month,
    "rel_month": _relative_month,
    "md": _month_day,
    "mo": _month_alone,
    "dom": _day_of_month,
    "weekday": _weekday,
    "day_word": _day_word,
    "span_word": _span_word,
}


def _on_or_before(mention: DateMention, en: str, reference: dt.date) -> ResolvedDate:
    # The article's date bounds the event, whatever day the words meant when they were written.
    return ResolvedDate(
        reference, "before", f"{mention.text}（不晚于{_day_zh(reference)}）",
        f"{en} (on or before {_day_en(reference)}, the article's date)", _COUNTED,
    )


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _relative_year_en(word: str) -> str:
    return {"今年": "this year", "去年": "last year", "明年": "next year"}[word]


# --------------------------------------------------------------------------
# The event a date belongs to

_CLAUSE_END = "，,；;。！!？?：:"
_LEADING = re.compile(r"^[\s，,、：:；;]*(?:于|在|是|从)?[\s，,、]*")


def event_text(sentence: str, mention: DateMention) -> str:
    """The clause that carries the date (without the date when it opens the clause), cut short."""
    start = mention.start
    while start > 0 and sentence[start - 1] not in _CLAUSE_END:
        start -= 1
    opens_clause = not sentence[start : mention.start].strip() or bool(_LOCAL_TIME.search(sentence[start : mention.start]))
    begin = mention.end if opens_clause else start
    text = sentence[begin:]
    text = _LEADING.sub("", text) if opens_clause else text
    # Clauses until the event has some substance, never past the cap.
    cut = 0
    while cut < len(text):
        stop = next((i for i in range(cut, len(text)) if text[i] in _CLAUSE_END), len(text))
        if stop > EVENT_MAX_CHARS and cut:
            break
        cut = stop + 1
        if cut - 1 >= EVENT_MIN_CHARS:
            break
    text = text[:cut].rstrip(_CLAUSE_END + " ")
    if len(text) > EVENT_MAX_CHARS:
        text = text[: EVENT_MAX_CHARS - 1] + "…"
    return text


# --------------------------------------------------------------------------
# The brief's timeline


def events_of(point: Point, *, gist: Callable[[str], str] | None = None) -> list[TimelineEvent]:
    """The dated events one point mentions (its representative sentence, dated by its article)."""
    sentence = point.sentence
    events = []
    for mention in find_dates(sentence.text):
        resolved = resolve(mention, sentence.source)
        if resolved is None:
            continue
        text = event_text(sentence.text, mention)
        if not text:
            continue
        events.append(
            TimelineEvent(
                date=resolved.date,
                precision=resolved.precision,
                date_zh=resolved.zh,
                date_en=resolved.en,
                written=mention.text,
                how=resolved.how,
                text_zh=text,
                # A reworded article is glossed in its usual words, as its points are.
                text_en=gist(reworded.restore(text) if sentence.source.reworded else text) if gist else "",
                point=point,
                order=resolved.order,
            )
        )
    return events


def _sort_key(event: TimelineEvent) -> tuple:
    # Dated events in calendar order; those whose year is unknown after them, by month and day.
    if event.date is not None:
        return (0, event.date, _PRECISION_ORDER[event.precision], event.text_zh)
    return (1, dt.date.min, event.order, event.text_zh)


_PRECISION_ORDER = {"month": 0, "week": 1, "day": 2, "before": 3, "unknown": 4}


def build_timeline(points: Iterable[Point], *, gist: Callable[[str], str] | None = None) -> list[TimelineEvent]:
    """Every dated event the points mention, in calendar order; the same event in two points once."""
    seen: dict[tuple, TimelineEvent] = {}
    for point in points:
        for event in events_of(point, gist=gist):
            seen.setdefault((event.date, event.date_zh, event.text_zh), event)
    return sorted(seen.values(), key=_sort_key)


__all__ = ["DateMention", "ResolvedDate", "build_timeline", "event_text", "events_of", "find_dates", "resolve"]
