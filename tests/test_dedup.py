"""Merging repeated sentences across articles into points."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from briefing.dedup import merge_points, near_duplicate_groups, signatures
from briefing.models import Article
from briefing.segment import split_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHARED = "毕竟，中国有170万特斯拉用户，这些数据将有助于特斯拉改进AI算法"
NEAR = "任何能获得监管部门批准的市场"


def _body_lines(name: str) -> list[str]:
    """The seed's body lines: front matter, rules and fences dropped (ingest does more)."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    return [line for line in text.splitlines() if line.strip() and line.strip() not in {"---", "```"}]


def _seed(name: str, outlet: str | None = None):
    lines = _body_lines(name)
    article = Article(path=name, title=name, outlet=outlet, paragraphs=[l for l in lines if l.strip()])
    return split_article(article)


@pytest.fixture(scope="module")
def seed_points():
    a = _seed("000_7d4aa4c6b899fa1a.txt", outlet="ByteAILab")
    b = _seed("001_838fdacfc2a6527d.txt", outlet="虎嗅APP")
    scored = [(s, 1.0 / (1 + s.position)) for s in a] + [(s, 0.5 / (1 + s.position)) for s in b]
    return a, b, merge_points(scored)


def test_shared_passages_of_seeds_merge(seed_points):
    a, b, points = seed_points
    for marker in (SHARED, NEAR):  # verbatim, and reworded around the same quote
        matching = [p for p in points if any(marker in o.text for o in p.occurrences)]
        assert len(matching) == 1, marker
        point = matching[0]
        assert {o.source.path for o in point.occurrences} == {"000_7d4aa4c6b899fa1a.txt", "001_838fdacfc2a6527d.txt"}
        assert point.corroboration == 2
        assert point.sentence.source.path == "000_7d4aa4c6b899fa1a.txt"  # the better-scored occurrence
        assert point.score == max(
            1.0 / (1 + o.position) if o.source.path.startswith("000") else 0.5 / (1 + o.position)
            for o in point.occurrences
        )


def test_distinct_passages_do_not_merge(seed_points):
    a, b, points = seed_points
    assert sum(len(p.occurrences) for p in points) == len(a) + len(b)
    merged = sorted(p.sentence.text[:6] for p in points if len(p.occurrences) > 1)
    # The two shared passages, and the outlet's footer (a true repeat, ingest may strip it).
    assert merged == sorted(["马斯克表示特", "毕竟，中国有", "感谢阅读！", "如果您对AI"])
    for p in points:
        assert len({o.source.path for o in p.occurrences}) == len(p.occurrences)


def test_points_sorted_by_score_then_path_and_position(seed_points):
    _, _, points = seed_points
    keys = [(-p.score, p.sentence.source.path, p.sentence.position) for p in points]
    assert keys == sorted(keys)


def test_deterministic_and_order_independent_membership(seed_points):
    a, b, points = seed_points
    scored = [(s, 0.3) for s in a + b]
    first = merge_points(scored)
    again = merge_points(list(reversed(scored)))
    as_sets = lambda ps: sorted(sorted((o.source.path, o.position) for o in p.occurrences) for p in ps)  # noqa: E731
    assert as_sets(first) == as_sets(again)
    assert [(p.sentence.source.path, p.sentence.position) for p in first] == [
        (p.sentence.source.path, p.sentence.position) for p in merge_points(scored)
    ]


def _article(path: str, *paragraphs: str, outlet: str | None = None):
    return split_article(Article(path=path, title=path, outlet=outlet, paragraphs=list(paragraphs)))


def test_changed_number_still_merges_but_other_sentence_does_not():
    a = _article("a", "美国商务部5月7日宣布对先进人工智能芯片实施新的出口管制措施。", outlet="X")
    b = _article("b", "美国商务部5月9日宣布对先进人工智能芯片实施新的出口管制措施。", outlet="Y")
    c = _article("c", "中国外交部发言人表示坚决反对美方将经贸问题政治化。", outlet="Y")
    points = merge_points([(a[0], 0.9), (b[0], 0.8), (c[0], 0.7)])
    assert [len(p.occurrences) for p in points] == [2, 1]
    assert points[0].corroboration == 2
    assert points[0].sentence is a[0]


def test_short_sentences_merge_only_when_equal():
    a = _article("a", "中方坚决反对。")
    b = _article("b", "中方坚决反对！")  # same words, other mark: same key
    c = _article("c", "中方坚决支持。")  # shares most shingles, but says the opposite
    points = merge_points([(a[0], 1.0), (b[0], 1.0), (c[0], 1.0)])
    assert sorted(len(p.occurrences) for p in points) == [1, 2]


def test_same_outlet_counts_once():
    a = _article("a", "美国商务部宣布对先进人工智能芯片实施新的出口管制措施。", outlet="新华社")
    b = _article("b", "美国商务部宣布对先进人工智能芯片实施新的出口管制措施。", outlet="新华社")
    (point,) = merge_points([(a[0], 1.0), (b[0], 1.0)])
    assert point.corroboration == 1 and len(point.sources) == 2
    assert point.sentence is a[0]  # tie: earlier path


def test_an_original_is_quoted_before_a_reworded_copy():
    from briefing.models import Article as A

    original = split_article(A(path="z-original", title="t", outlet="新华社",
                               paragraphs=["美国商务部宣布对先进人工智能芯片实施新的出口管制措施。"]))
    reworded = split_article(A(path="a-copy", title="t", reworded=True,
                               paragraphs=["美国商务部宣布对先进人工智能芯片实施新的出口管制措施。"]))
    (point,) = merge_points([(reworded[0], 1.0), (original[0], 0.6)])
    assert point.sentence is original[0] and not point.reworded
    assert point.score == 1.0  # the statement's strength, whichever copy is quoted
    (alone,) = merge_points([(reworded[0], 1.0)])
    assert alone.reworded  # no original: the copy is quoted, and the point says so


def test_empty():
    assert merge_points([]) == []


def test_signatures_deterministic_and_shaped():
    keys = ["美国商务部宣布新规", "美国商务部宣布新规", "完全不同的一句话"]
    first = signatures(keys)
    assert first.shape == (3, 64)
    assert (first[0] == first[1]).all()
    assert (signatures(keys) == first).all()
    assert (first[0] == first[2]).mean() < 0.3


def test_many_sentences_group_near_copies():
    rng = random.Random(7)
    alphabet = [chr(0x4E00 + i) for i in range(2000)]
    base = ["".join(rng.choice(alphabet) for _ in range(40)) for _ in range(200)]
    keys, origin = [], []
    for i in range(4000):
        j = rng.randrange(len(base))
        key = base[j]
        if rng.random() < 0.5:  # one character changed
            position = rng.randrange(40)
            key = key[:position] + rng.choice(alphabet) + key[position + 1 :]
        keys.append(key)
        origin.append(j)
    groups = near_duplicate_groups(keys)
    # No false merges between different bases, and (almost) every copy found.
    by_group: dict[int, set[int]] = {}
    for group, j in zip(groups, origin):
        by_group.setdefault(group, set()).add(j)
    assert all(len(v) == 1 for v in by_group.values())
    assert len(by_group) <= 210


def test_signatures_in_batches_are_the_same(monkeypatch):
    from briefing import dedup

    keys = [f"美国商务部宣布新的出口管制规则第{i}条，涉及先进芯片与制造设备" for i in range(40)]
    whole = dedup.signatures(keys)
    monkeypatch.setattr(dedup, "SIGNATURE_BATCH_CHARS", 100)  # a few keys a batch
    assert (dedup.signatures(keys) == whole).all()
