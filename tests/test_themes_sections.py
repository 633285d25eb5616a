"""Section selection: caps, source order, salience, near-duplicates, the "other" section."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.themes import OTHER, ThemeSettings, select_sections
from conftest import point, source


def test_sections_in_source_order_capped_and_by_salience(taxonomy):
    early = source("b.md", date=dt.date(2024, 5, 6), outlet="甲")
    late = source("a.md", date=dt.date(2024, 5, 22), outlet="乙")
    undated = source("0.md")
    points = [
        point("出口管制第一条", 9.0, src=late, position=3, theme="export_controls"),
        point("出口管制第二条关于实体", 8.0, src=early, position=7, theme="export_controls"),
        point("出口管制第三条新规则", 7.0, src=undated, position=0, theme="export_controls"),
        point("出口管制第四条许可证", 6.0, src=early, position=1, theme="export_controls"),
        point("出口管制第五条未入选", 1.0, src=early, position=2, theme="export_controls"),
        point("双方会晤达成共识", 20.0, src=early, position=5, theme="diplomacy"),
    ]
    sections = select_sections(points, taxonomy, ThemeSettings(), per_theme=4)
    assert [s.theme.id for s in sections] == ["export_controls", "diplomacy"]  # 30 > 20
    export = sections[0]
    assert export.salience == pytest.approx(30.0)
    # Dated before undated, then date, then path, then position; the weakest point is cut.
    assert [p.sentence.text for p in export.points] == [
        "出口管制第四条许可证", "出口管制第二条关于实体", "出口管制第一条", "出口管制第三条新规则",
    ]  # fmt: skip


def test_global_cap_keeps_the_best_points(taxonomy):
    points = [point(f"要点{i}号内容不同{i * 7}", float(i), position=i, theme="corporate") for i in range(10)]
    points += [point(f"外交第{i}条消息{i * 3}", float(i) + 0.5, position=20 + i, theme="diplomacy") for i in range(10)]
    sections = select_sections(points, taxonomy, ThemeSettings(), top=6, per_theme=5)
    chosen = sorted(p.score for s in sections for p in s.points)
    assert chosen == [7.0, 7.5, 8.0, 8.5, 9.0, 9.5]


def test_near_duplicates_within_a_theme_are_dropped(taxonomy):
    points = [
        point("美国商务部宣布将十二家中国企业列入实体清单。", 5.0, position=0, theme="export_controls"),
        point("美国商务部宣布将十二家中国企业列入实体清单", 4.0, src=source("b.md"), theme="export_controls"),
        point("荷兰限制光刻机出口。", 3.0, position=2, theme="export_controls"),
    ]
    (section,) = select_sections(points, taxonomy, ThemeSettings())
    assert [p.score for p in section.points] == [5.0, 3.0]


def test_empty_themes_omitted_and_other_only_when_strong(taxonomy):
    # Rank scores are per-article normalised (best sentence 1.0): the "other" bar is absolute.
    points = [
        point("双方会晤达成共识", 1.0, theme="diplomacy"),
        point("无关的内容一", 0.2, position=1, theme=OTHER),
    ]
    sections = select_sections(points, taxonomy, ThemeSettings())
    assert [s.theme.id for s in sections] == ["diplomacy"]
    points.append(point("无关但重要的内容", 0.9, position=2, theme=OTHER))
    sections = select_sections(points, taxonomy, ThemeSettings())
    assert [s.theme.id for s in sections] == ["diplomacy", OTHER]  # "other" last
    assert [p.score for p in sections[-1].points] == [0.9]
    # --new-only may remove the strong points; a weak off-theme point must not surface then.
    assert select_sections([points[1]], taxonomy, ThemeSettings()) == []


def test_a_standalone_point_wins_over_a_dependent_one_of_similar_strength(taxonomy):
    # 此举 … opens mid-thought: a point that stands alone and scores a little lower takes its place.
    points = [
        point("此举将影响芯片对华出口。", 1.0, position=3, theme="export_controls"),
        point("美国商务部宣布收紧芯片出口。", 0.9, src=source("b.md"), theme="export_controls"),
    ]
    (section,) = select_sections(points, taxonomy, ThemeSettings(), per_theme=1)
    assert [p.sentence.text for p in section.points] == ["美国商务部宣布收紧芯片出口。"]


def test_a_much_stronger_dependent_point_still_gets_in(taxonomy):
    points = [
        point("此举将影响芯片对华出口。", 1.0, position=3, theme="export_controls"),
        point("美国商务部宣布收紧芯片出口。", 0.5, src=source("b.md"), theme="export_controls"),
    ]
    (section,) = select_sections(points, taxonomy, ThemeSettings(), per_theme=1)
    assert [p.sentence.text for p in section.points] == ["此举将影响芯片对华出口。"]


