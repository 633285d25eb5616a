"""PageRank correctness, priors, determinism, ties and MMR."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from briefing.models import Article
from briefing.rank import RankSettings, overlap_similarity, pagerank, rank, select, summarize_text
from briefing.segment import split_article

PLAIN = RankSettings.plain()


def test_pagerank_path_graph_closed_form():
    # A — B — C, unit weights, uniform restart.  By symmetry rA = rC = x, rB = y:
    # x = (1-d)/3 + d·y/2,  y = (1-d)/3 + 2·d·x  ⇒  x = (1 + d/2) / (3 (1 + d)).
    d = 0.85
    weights = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    scores = pagerank(weights, damping=d, tolerance=1e-12, max_iterations=1000)
    x = (1 + d / 2) / (3 * (1 + d))
    assert scores == pytest.approx([x, 1 - 2 * x, x], abs=1e-9)


def test_pagerank_matches_linear_solve_with_restart_and_dangling_node():
    rng = np.random.default_rng(1)
    weights = rng.random((5, 5))
    weights = (weights + weights.T) / 2
    np.fill_diagonal(weights, 0)
    weights[4, :] = weights[:, 4] = 0  # an isolated node: it restarts
    restart = np.array([5.0, 4, 3, 2, 1])
    restart /= restart.sum()
    d = 0.85
    scores = pagerank(weights, damping=d, restart=restart, tolerance=1e-13, max_iterations=5000)
    transition = weights / np.where(weights.sum(1) > 0, weights.sum(1), 1)[:, None]
    transition[4] = restart  # dangling row follows the restart distribution
    expected = np.linalg.solve(np.eye(5) - d * transition.T, (1 - d) * restart)
    assert scores == pytest.approx(expected, abs=1e-10)
    assert scores.sum() == pytest.approx(1.0)


def test_pagerank_empty_and_edgeless():
    assert pagerank(np.zeros((0, 0))).shape == (0,)
    assert pagerank(np.zeros((3, 3))) == pytest.approx([1 / 3] * 3)


def test_overlap_similarity_is_mihalcea_tarau():
    sims = overlap_similarity([["美国", "芯片", "出口"], ["芯片", "出口", "管制", "新规"], ["天气"]])
    assert sims[0, 1] == pytest.approx(2 / (np.log(3) + np.log(4)))
    assert sims[1, 0] == sims[0, 1]
    assert sims[0, 2] == 0 and np.all(np.diag(sims) == 0)


def _sentences(*texts: str, path: str = "a.txt"):
    return split_article(Article(path=path, title="t", paragraphs=list(texts)))


ARTICLE = (
    "美国商务部周五宣布对先进芯片实施新的出口管制。",
    "新规将更多中国企业列入实体清单。",
    "分析人士认为出口管制将影响英伟达对华芯片销售。",
    "当天北京天气晴朗。",
    "中国商务部回应称坚决反对美方滥用出口管制。",
)


def test_scores_aligned_normalised_and_deterministic():
    sentences = _sentences(*ARTICLE)
    first = rank(sentences)
    assert len(first) == len(sentences)
    assert max(first) == pytest.approx(1.0)
    assert all(0 <= s <= 1 for s in first)
    assert rank(sentences) == first
    # The off-topic sentence ranks last.
    assert min(range(len(first)), key=first.__getitem__) == 3


def test_plain_textrank_prefers_central_sentences():
    sentences = _sentences(*ARTICLE)
    scores = rank(sentences, settings=PLAIN)
    assert scores[3] == min(scores)


def test_ties_go_to_the_earlier_sentence():
    sentences = _sentences("甲乙丙丁。", "戊己庚辛。", "壬癸子丑。")  # no shared words: a flat graph
    scores = rank(sentences, settings=PLAIN)
    assert scores == pytest.approx([1.0, 1.0, 1.0])
    assert select(sentences, scores, k=3, settings=PLAIN) == [0, 1, 2]
    assert select(sentences, scores, k=3, settings=replace(PLAIN, mmr_lambda=0.5)) == [0, 1, 2]


def test_position_prior_breaks_a_flat_graph_towards_the_lead():
    sentences = _sentences("甲乙丙丁。", "戊己庚辛。", "壬癸子丑。")
    scores = rank(sentences)
    assert scores[0] > scores[1] > scores[2]


def test_title_similarity_lifts_matching_sentence():
    sentences = _sentences("今天天气很好大家出门散步。", "英伟达芯片出口管制升级。", "公园里人很多。")
    without = rank(sentences, settings=replace(RankSettings(), position_scale=None, position_weight=0))
    with_title = rank(sentences, title="英伟达芯片出口管制", settings=replace(RankSettings(), position_scale=None, position_weight=0))
    assert with_title[1] / with_title[0] > without[1] / without[0]


def test_mmr_skips_a_near_identical_sentence():
    sentences = _sentences(
        "美国商务部宣布对先进人工智能芯片实施新的出口管制措施。",
        "美国商务部宣布对先进人工智能芯片实施新的出口管制措施！",
        "中国外交部表示坚决反对并将采取必要措施维护企业权益。",
    )
    scores = [1.0, 0.99, 0.6]
    assert select(sentences, scores, k=2, settings=replace(PLAIN, mmr_lambda=1.0)) == [0, 1]
    assert select(sentences, scores, k=2, settings=replace(PLAIN, mmr_lambda=0.7)) == [0, 2]


def test_select_returns_a_permutation():
    sentences = _sentences(*ARTICLE)
    scores = rank(sentences)
    order = select(sentences, scores)
    assert sorted(order) == list(range(len(sentences)))
    assert select(sentences, scores, k=2) == order[:2]
    assert select(sentences, scores, k=0) == []


def test_summarize_text_returns_whole_sentences_best_first():
    text = "".join(ARTICLE)
    out = summarize_text(text)
    assert sorted(out) == sorted(ARTICLE)
    assert summarize_text(text, top=2) == out[:2]
    assert summarize_text(text) == out  # deterministic
    assert summarize_text("") == []
    assert summarize_text("。。！") == []


def test_dateline_is_damped_but_not_dropped():
    text = "2015-04-25 12:02 新浪体育。马刺主场大胜快船系列赛二比一领先。快船主帅赛后表示球队会调整。"
    out = summarize_text(text)
    assert out[0] == "马刺主场大胜快船系列赛二比一领先。"
    assert "2015-04-25 12:02 新浪体育。" in out


def test_summarize_text_ranks_at_most_the_build_paths_cap():
    # 3 MB on stdin once asked numpy for a 26 GiB similarity matrix.
    from briefing.rank import MAX_RANKED_SENTENCES

    text = "美国发布了新的出口管制规则。" * (MAX_RANKED_SENTENCES * 3)
    assert len(summarize_text(text)) == MAX_RANKED_SENTENCES
