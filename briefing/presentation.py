"""Reader-facing wording: how counts, dates and spans are written in the brief, in both languages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from briefing.models import Point, Source

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def overview(points: Sequence[Point]) -> tuple[str, str]:
    """One line in each language: how many points, from how many outlets, over which dates.

    Outlets are counted over every source of every point (an unknown outlet
    counts once per file).  Full dates give a range; month-day dates (no year
    known, never invented) are used only when no source has a full date.
    """
    sources: dict[str, Source] = {}
    for point in points:
        for source in point.sources:
            sources.setdefault(source.path, source)
    outlets = len({s.outlet or s.path for s in sources.values()})
    count = len(points)
    dates_zh, dates_en = _date_span(list(sources.values()))
    zh = f"{count} 条要点，来自 {outlets} 家媒体，{dates_zh}"
    en = f"{_plural(count, 'point', 'points')} from {_plural(outlets, 'outlet', 'outlets')}, {dates_en}"
    return zh, en


def _date_span(sources: list[Source]) -> tuple[str, str]:
    dated = sorted(s.date for s in sources if s.date is not None)
    undated = len(sources) - len(dated)
    if dated:
        zh, en = _range_zh(dated[0], dated[-1]), _range_en(dated[0], dated[-1])
        if undated:
            zh += f"（另有 {undated} 篇未注明日期）"
            en += f" (plus {_plural(undated, 'undated source', 'undated sources')})"
        return zh, en
    month_days = sorted(
        {(int(m.group(1)), int(m.group(2))) for s in sources if s.date_text and (m := _MONTH_DAY.search(s.date_text))}
        | {_iso_month_day(s.date_text) for s in sources if s.date_text and _iso_month_day(s.date_text)}
    )
    month_days = [md for md in month_days if 1 <= md[0] <= 12 and 1 <= md[1] <= 31]
    if month_days:
        (m1, d1), (m2, d2) = month_days[0], month_days[-1]
        if (m1, d1) == (m2, d2):
            zh, en = f"{m1}月{d1}日", f"{d1} {_MONTHS[m1 - 1]}"
        elif m1 == m2:
            zh, en = f"{m1}月{d1}日至{m2}月{d2}日", f"{d1}–{d2} {_MONTHS[m1 - 1]}"
        else:
            zh, en = f"{m1}月{d1}日至{m2}月{d2}日", f"{d1} {_MONTHS[m1 - 1]} – {d2} {_MONTHS[m2 - 1]}"
        return f"{zh}（年份未注明）", f"{en} (year not stated)"
    return "日期不详", "undated"


def _iso_month_day(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(?:--)?(\d{1,2})-(\d{1,2})\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _range_zh(first: dt.date, last: dt.date) -> str:
    start = f"{first.year}年{first.month}月{first.day}日"
    if first == last:
        return start
    if first.year == last.year:
        return f"{start}至{last.month}月{last.day}日"
    return f"{start}至{last.year}年{last.month}月{last.day}日"


def _range_en(first: dt.date, last: dt.date) -> str:
    def full(day: dt.date) -> str:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

    if first == last:
        return full(first)
    if first.year == last.year:
        if first.month == last.month:
            return f"{first.day}–{last.day} {_MONTHS[first.month - 1]} {first.year}"
        return f"{first.day} {_MONTHS[first.month - 1]} – {full(last)}"
    return f"{full(first)} – {full(last)}"
