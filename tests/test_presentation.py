"""Reader-facing wording: the overview line under each theme heading."""

from __future__ import annotations

import datetime as dt

from briefing.presentation import overview
from conftest import point, sentence, source


def test_overview_plural_outlets_and_date_range():
    a = source("a.md", date=dt.date(2024, 5, 6), outlet="虎嗅")
    b = source("b.md", date=dt.date(2024, 5, 22), outlet="甲子光年")
    c = source("c.md", date=dt.date(2024, 5, 15), outlet="虎嗅")
    zh, en = overview([point("一", src=a), point("二", src=b), point("三", src=c)])
    assert zh == "3 条要点，来自 2 家媒体，2024年5月6日至5月22日"
    assert en == "3 points from 2 outlets, 6–22 May 2024"


def test_overview_singular_and_single_day():
    a = source("a.md", date=dt.date(2024, 3, 2), outlet="美国之音")
    zh, en = overview([point("一", src=a)])
    assert zh == "1 条要点，来自 1 家媒体，2024年3月2日"
    assert en == "1 point from 1 outlet, 2 March 2024"


def test_overview_unknown_outlets_count_per_file_and_spans_years():
    a = source("a.md", date=dt.date(2023, 11, 1))
    b = source("b.md", date=dt.date(2024, 1, 16))
    merged = point("一", src=a)
    merged.occurrences.append(sentence("一", b))
    zh, en = overview([merged])
    assert zh == "1 条要点，来自 2 家媒体，2023年11月1日至2024年1月16日"
    assert en == "1 point from 2 outlets, 1 November 2023 – 16 January 2024"


def test_overview_cross_month_and_undated_sources():
    a = source("a.md", date=dt.date(2024, 4, 30), outlet="甲")
    b = source("b.md", date=dt.date(2024, 5, 6), outlet="乙")
    c = source("c.md")
    zh, en = overview([point("一", src=a), point("二", src=b), point("三", src=c)])
    assert zh.endswith("2024年4月30日至5月6日（另有 1 篇未注明日期）")
    assert en.endswith("30 April – 6 May 2024 (plus 1 undated source)")


def test_overview_month_day_only_and_undated():
    md = source("a.md", date_text="1月16日")
    zh, en = overview([point("一", src=md)])
    assert zh.endswith("1月16日（年份未注明）") and en.endswith("16 January (year not stated)")
    zh, en = overview([point("一", src=source("b.md"))])
    assert zh.endswith("日期不详") and en.endswith("undated")
