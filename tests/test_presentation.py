"""Reader-facing wording: the overview line under each theme heading."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing import presentation
from briefing.models import Note, Point, Sentence, Source
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


def test_overview_unknown_outlets_are_not_outlets_and_spans_years():
    # The cover counts named outlets; an unknown outlet is an article with no outlet named.
    a = source("a.md", date=dt.date(2023, 11, 1))
    b = source("b.md", date=dt.date(2024, 1, 16))
    merged = point("一", src=a)
    merged.occurrences.append(sentence("一", b))
    zh, en = overview([merged])
    assert zh == "1 条要点，来自 2 篇未注明媒体的文章，2023年11月1日至2024年1月16日"
    assert en == "1 point from 2 articles with no outlet named, 1 November 2023 – 16 January 2024"


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



@pytest.mark.parametrize(
    "make",
    [
        presentation.note_undated,
        presentation.note_undated_kept,
        presentation.note_uncited,
        presentation.note_reworded,
        presentation.note_repeated_files,
        lambda n: presentation.note_off_topic(n, ["A title"], 0),
    ],
)
@pytest.mark.parametrize("count", [1, 2])
def test_notes_are_bilingual_and_grammatical(make, count: int) -> None:
    note = make(count)
    assert isinstance(note, Note)
    assert any("\u4e00" <= c <= "\u9fff" for c in note.zh)
    assert note.en.isascii() or "“" in note.en  # English side in English
    assert "(s)" not in note.en and "(s)" not in note.zh
    assert note.en.startswith(str(count))
    if count == 1:
        assert not any(f"1 {noun}s" in note.en for noun in ("article", "file", "cited article", "off-topic article"))


def test_singular_and_plural_agree() -> None:
    assert presentation.note_undated(1).en == "1 article carries no full date and is listed after the dated ones."
    assert presentation.note_undated(3).en == "3 articles carry no full date and are listed after the dated ones."
    assert presentation.articles_read_en(1, 1) == "1 article read from 1 named outlet"


def _point(*sources: Source) -> Point:
    occurrences = [
        Sentence(text="美国商务部公布新规。", norm="美国商务部公布新规。", source=s, paragraph=0, position=0, start=0, end=9)
        for s in sources
    ]
    return Point(sentence=occurrences[0], score=1.0, occurrences=occurrences)


def test_overview_counts_named_outlets_only() -> None:
    day = dt.date(2024, 5, 6)
    points = [
        _point(Source("a", "a", date=day, outlet="虎嗅APP"), Source("b", "b", date=day)),
        _point(Source("c", "c", date=day, outlet="甲子光年"), Source("d", "d", date=day)),
        _point(Source("e", "e", date=day, outlet="甲子光年")),
    ]
    zh, en = presentation.overview(points)
    assert en.startswith("3 points from 2 outlets and 2 articles with no outlet named")
    assert "来自 2 家媒体及 2 篇未注明媒体的文章" in zh


def test_overview_one_outlet_in_both_scripts_is_one() -> None:
    day = dt.date(2024, 5, 6)
    zh, en = presentation.overview([_point(Source("a", "a", date=day, outlet="美國之音"), Source("b", "b", date=day, outlet="美国之音"))])
    assert en.startswith("1 point from 1 outlet,")
    assert "来自 1 家媒体，" in zh


def test_overview_without_any_outlet() -> None:
    zh, en = presentation.overview([_point(Source("a", "a"))])
    assert en == "1 point from 1 article with no outlet named, undated"
    assert zh == "1 条要点，来自 1 篇未注明媒体的文章，日期不详"


def test_point_outlet_never_silently_missing() -> None:
    assert presentation.outlet_text(Source("a", "a", outlet="新华社")) == "新华社"
    assert presentation.outlet_text(Source("a", "a")) == "媒体不详 outlet unknown"


def test_corroboration_counts_unknown_outlets_as_articles() -> None:
    named = _point(Source("a", "a", outlet="新华社"), Source("b", "b", outlet="新華社"), Source("c", "c"))
    assert presentation.corroboration_text(named) == "1 家媒体及 1 篇未注明媒体的文章 · 1 outlet and 1 article with no outlet named"
    two = _point(Source("a", "a", outlet="甲"), Source("b", "b", outlet="乙"))
    assert presentation.corroboration_text(two) == "2 家媒体 · 2 outlets"


@pytest.mark.parametrize(
    ("reason", "zh"),
    [
        ("empty file (whitespace only)", "空文件"),
        ("no article text found (only markup, credits or boilerplate)", "未找到正文（只有标记、署名或模板文字）"),
        ("dated 2024-01-01, before --since 2024-02-01", "日期早于 --since"),
        ("something no one foresaw", "无法读取"),
    ],
)
def test_skip_reasons_are_said_in_chinese_too(reason: str, zh: str) -> None:
    assert presentation.skip_reason_zh(reason) == zh
