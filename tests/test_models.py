"""Rules that live on the data records themselves."""

from __future__ import annotations

import datetime as dt

from briefing.models import MAX_CITATIONS, Point, Sentence, Source


def occurrence(path, outlet, day):
    source = Source(path=path, title="t", outlet=outlet, date=dt.date(2024, 5, day) if day else None)
    return Sentence(text="句子。", norm="句子。", source=source, paragraph=0, position=0, start=0, end=3)


def test_corroboration_counts_distinct_outlets():
    point = Point(sentence=occurrence("a", "新华社", 1), score=1.0,
                  occurrences=[occurrence("a", "新华社", 1), occurrence("b", "新华社", 2), occurrence("c", None, 3)])
    assert point.corroboration == 2  # 新华社 once, plus the file with no outlet


def test_cited_sources_prefer_one_per_outlet_then_earliest():
    occurrences = [occurrence(f"x{i:02d}", "新华社", 1 + i) for i in range(8)]
    occurrences += [occurrence("late", "财新", 28), occurrence("undated", "澎湃新闻", None)]
    point = Point(sentence=occurrences[0], score=1.0, occurrences=occurrences)
    cited = point.cited_sources()
    assert len(cited) == MAX_CITATIONS
    assert {s.path for s in cited} >= {"x00", "late", "undated"}  # every outlet before a second 新华社
    assert [s.path for s in cited] == ["x00", "x01", "x02", "late", "undated"]  # earliest first, undated last


def test_cited_sources_of_a_single_source_point():
    only = occurrence("a", None, 1)
    assert Point(sentence=only, score=1.0).cited_sources() == [only.source]
