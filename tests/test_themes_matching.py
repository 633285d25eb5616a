"""Keyword matching: word edges, Latin boundaries, nested and gapped keywords."""

from __future__ import annotations

from briefing import themes
from briefing.themes import ThemeSettings, classify


# The keyword classifier alone: tests of keyword matching, thresholds and priors (the model has its own).
KEYWORDS = ThemeSettings(classifier="keywords")


def test_classification_keeps_its_evidence(taxonomy):
    result = classify("美国商务部周二将12家中国实体列入实体清单。", taxonomy, settings=KEYWORDS)
    assert result.theme == "export_controls"
    assert "实体清单" in result.keywords
    assert result.score == result.scores["export_controls"] >= ThemeSettings().threshold


def test_latin_keywords_match_case_insensitively_on_word_boundaries(taxonomy):
    assert "bis" in classify("bis宣布新的许可证要求。", taxonomy).evidence["export_controls"]
    result = classify("BISHOP公司发布新产品。", taxonomy)
    assert "bis" not in result.evidence.get("export_controls", ())
    assert "gpu" in classify("该公司采购了一万块GPU。", taxonomy).evidence["chips_compute"]


def test_chinese_keyword_cutting_through_words_does_not_match(taxonomy):
    # 制裁 would be a substring of 强制裁员, but cuts through both words.
    result = classify("公司宣布强制裁员计划。", taxonomy)
    assert "制裁" not in result.evidence.get("export_controls", ())


def test_nested_keyword_counts_once(taxonomy):
    result = classify("芯片禁令再度升级。", taxonomy)
    assert result.theme == "export_controls"
    assert "芯片" not in result.evidence.get("chips_compute", ())


def test_gapped_keyword_pairs_a_policy_verb_with_its_object(taxonomy):
    result = classify("美国拟收紧人工智能领域的技术出口。", taxonomy)
    assert "收紧…出口" in result.evidence["export_controls"]
    assert "收紧…出口" not in classify("美国收紧签证。中国扩大出口。", taxonomy).evidence.get("export_controls", ())


def test_longer_keyword_never_weakens_the_one_it_contains(taxonomy):
    scores, _ = themes.evidence("出口管制法规", taxonomy)
    assert scores["export_controls"] >= 5
