"""Filing every point with its context: article profiles, neighbours, sentences pointing back."""

from __future__ import annotations

import pytest

from briefing import themes
from briefing.models import Point
from briefing.themes import OTHER, ThemeSettings, article_profiles, assign, classify, select_sections
from conftest import point, sentence, source


# The keyword classifier alone: tests of keyword matching, thresholds and priors (the model has its own).
KEYWORDS = ThemeSettings(classifier="keywords")


def test_article_profiles_and_assign(taxonomy):
    a, b = source("a.md"), source("b.md")
    sentences = [
        sentence("美国商务部将更新实体清单。", a, 0),
        sentence("出口管制将扩大到更多芯片。", a, 1),
        sentence("特斯拉股价大涨。", b, 0),
        sentence("记者尚未获得回复。", source("c.md"), 0),
    ]
    profiles = article_profiles(sentences, taxonomy, KEYWORDS)
    assert set(profiles) == {"a.md", "b.md", "c.md"}
    assert profiles["c.md"] == {}
    assert sum(profiles["a.md"].values()) == pytest.approx(1.0)
    assert max(profiles["a.md"], key=profiles["a.md"].get) == "export_controls"

    points = [Point(sentence=s, score=1.0, occurrences=[s]) for s in sentences]
    assign(points, taxonomy, profiles=profiles, settings=KEYWORDS)
    assert [p.theme for p in points] == ["export_controls", "export_controls", "corporate", OTHER]
    assert points[2].keywords[0] in ("股价", "特斯拉") and points[2].theme_score > 0


def test_anaphoric_sentence_inherits_from_the_sentences_before_it(taxonomy):
    assert themes.is_anaphoric("这项规则将于下月生效。") and themes.is_anaphoric("特里奥罗:此举引发争议。")
    assert not themes.is_anaphoric("美国商务部发布新规。")
    a = source("a.md")
    sentences = [
        sentence("美国商务部宣布对华出口管制新规。", a, 0),
        sentence("这项规则将给科技企业带来不确定性。", a, 1),
        sentence("特斯拉股价大涨。", source("b.md"), 0),
    ]
    points = [Point(sentence=s, score=1.0, occurrences=[s]) for s in sentences]
    assign(points, taxonomy, profiles=article_profiles(sentences, taxonomy, KEYWORDS), settings=KEYWORDS)
    assert points[1].theme == "export_controls"
    alone = classify(sentences[1].norm, taxonomy, settings=KEYWORDS)
    assert alone.theme != "export_controls"


def test_neighbours_decide_a_weak_sentence(taxonomy):
    a = source("a.md")
    sentences = [
        sentence("首届人工智能安全峰会讨论前沿模型风险。", a, 0),
        sentence("专家呼吁将更多研发预算投入到安全领域。", a, 1),
        sentence("各国同意继续推动人工智能安全研究。", a, 2),
    ]
    assert classify(sentences[1].norm, taxonomy, settings=KEYWORDS).theme == OTHER
    points = [Point(sentence=s, score=1.0, occurrences=[s]) for s in sentences]
    assign(points, taxonomy, profiles=article_profiles(sentences, taxonomy, KEYWORDS), settings=KEYWORDS)
    assert points[1].theme == "safety_governance"


def test_deterministic(taxonomy):
    def run():
        points = [
            point("美国商务部将更新实体清单。", 3.0, position=0),
            point("特斯拉股价大涨。", 3.0, src=source("b.md"), position=0),
            point("中美举行人工智能政府间对话。", 3.0, src=source("c.md"), position=0),
        ]
        assign(points, taxonomy, profiles={}, settings=ThemeSettings())
        sections = select_sections(points, taxonomy, ThemeSettings())
        return [(s.theme.id, s.salience, [p.sentence.text for p in s.points], s.overview_en) for s in sections]

    assert run() == run()
