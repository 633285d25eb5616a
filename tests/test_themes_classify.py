"""Classifying one sentence by keywords: threshold, context prior, secondary themes, precedence."""

from __future__ import annotations

import dataclasses

import pytest

from briefing.themes import OTHER, ThemeSettings, classify


# The keyword classifier alone: tests of keyword matching, thresholds and priors (the model has its own).
KEYWORDS = ThemeSettings(classifier="keywords")


def test_below_threshold_goes_to_other(taxonomy):
    result = classify("记者联系相关人士，截至发稿时尚未获得回复。", taxonomy, settings=KEYWORDS)
    assert result.theme == OTHER and result.keywords == ()
    weak = classify("双方将继续沟通。", taxonomy, settings=KEYWORDS)  # one weak keyword
    assert weak.theme == OTHER
    assert classify("双方将继续沟通。", taxonomy, settings=dataclasses.replace(KEYWORDS, threshold=1.0)).theme == "diplomacy"


def test_context_prior_breaks_ambiguity(taxonomy):
    text = "两国在AI监管方面展现出合作的意愿。"  # diplomacy and governance evidence tie
    alone = classify(text, taxonomy, settings=KEYWORDS)
    assert alone.scores["diplomacy"] == alone.scores["safety_governance"]
    governance = classify(text, taxonomy, profile={"safety_governance": 0.7, "diplomacy": 0.1}, settings=KEYWORDS)
    diplomacy = classify(text, taxonomy, profile={"safety_governance": 0.1, "diplomacy": 0.7}, settings=KEYWORDS)
    assert governance.theme == "safety_governance" and diplomacy.theme == "diplomacy"
    assert governance.prior["safety_governance"] == pytest.approx(0.7 * ThemeSettings().context_weight)


def test_context_prior_leaves_clear_sentences_and_unmentioned_themes_alone(taxonomy):
    text = "美国商务部周二将12家中国实体列入实体清单。"
    result = classify(text, taxonomy, profile={"corporate": 1.0}, settings=KEYWORDS)
    assert result.theme == "export_controls" and result.prior == {}
    nothing = classify("记者尚未获得回复。", taxonomy, profile={"corporate": 1.0}, settings=KEYWORDS)
    assert nothing.theme == OTHER


def test_secondary_themes(taxonomy):
    result = classify("美国对英伟达H20芯片实施出口管制。", taxonomy, settings=KEYWORDS)
    assert result.theme == "export_controls"
    assert "chips_compute" in result.secondary


def test_near_tie_goes_to_the_policy_act(taxonomy):
    result = classify("美国拟对开源模型和大模型实施出口管制。", taxonomy)
    assert result.theme == "export_controls"
