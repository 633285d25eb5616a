"""Reader-facing wording: bilingual notes, counted grammatically; overview outlets; a point's outlet."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing import presentation
from briefing.models import Note, Point, Sentence, Source


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
