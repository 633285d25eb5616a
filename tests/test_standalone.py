"""Points that open mid-thought: detection, the ranking penalty, the context sentence."""

from __future__ import annotations

import pytest

from briefing import standalone
from briefing.models import Point, Sentence, Source

SRC = Source(path="a.md", title="a")


def sentence(text: str, position: int, paragraph: int = 0, src: Source = SRC) -> Sentence:
    return Sentence(text=text, norm=text, source=src, paragraph=paragraph, position=position, start=0, end=len(text))


def point(text: str, position: int = 1, score: float = 1.0, src: Source = SRC) -> Point:
    s = sentence(text, position, src=src)
    return Point(sentence=s, score=score, occurrences=[s])


@pytest.mark.parametrize(
    ("text", "opener"),
    [
        ("其目标显而易见——牵制对手在该领域的崛起。", "其"),
        ("这是双方本月举行的第三次对话。", "这"),
        ("这项措施是一系列政策中的最新一环。", "这"),
        ("该模型可以根据文字指令生成视频。", "该"),
        ("此举恰逢该公司面临裁员危机之时。", "此"),
        ("而安全风险问题也要求各方开展合作。", "而"),
        ("然而，监管总是跟不上技术发展。", "然而"),
        ("与此同时，欧盟也在起草规则。", "与此同时"),
        # A lead-in that only frames what follows is read past.
        ("值得注意的是，同天市政府发布了数据清单。", "同天"),
        ("“这一禁令将于下月生效”，官员说。", "这"),
    ],
)
def test_dependent_openers_found(text: str, opener: str) -> None:
    assert standalone.dependent_opener(text) == opener


@pytest.mark.parametrize(
    "text",
    [
        "中国正在努力弥合AI世界的割裂。",
        "5月16日，两国就人工智能治理发表了联合声明。",
        "其实各方对规则的分歧并不大。",  # 其实 is "in fact", not a pointer back
        "其他国家也在制定类似的出口管制。",
        "更吸引从业者注意的是，5月8日众议院推出了法案。",  # lead-in, then a date
    ],
)
def test_standalone_sentences_pass(text: str) -> None:
    assert standalone.dependent_opener(text) is None


def test_standing_lowers_only_dependent_points() -> None:
    alone, leaning = point("美国商务部发布了新规。", score=0.9), point("此举将影响芯片出口。", score=0.9)
    assert standalone.standing(alone) == 0.9
    assert standalone.standing(leaning) == pytest.approx(0.9 * standalone.DEPENDENT_PENALTY)
    assert standalone.standing(leaning, penalty=1.0) == 0.9


def test_context_is_the_sentence_before_in_the_article() -> None:
    sentences = [
        sentence("美国商务部周二公布了新的芯片出口规则。", 0),
        sentence("外交部表示坚决反对。", 1, paragraph=1),
        sentence("此举被视为对华技术封锁的升级。", 2, paragraph=1),
        sentence("该部门另一份文件涉及云服务。", 3, paragraph=2),
    ]
    other = Source(path="b.md", title="b")
    points = [
        Point(sentence=sentences[2], score=1.0),
        Point(sentence=sentences[3], score=1.0),  # first of its paragraph: the paragraph above ends with it
        Point(sentence=sentences[1], score=1.0),  # stands alone: no context
        point("这是第三次对话。", position=0, src=other),  # opens its article: nothing to carry
    ]
    standalone.attach_context(points, sentences)
    assert points[0].context is sentences[1]
    assert points[1].context is sentences[2]
    assert points[2].context is None
    assert points[3].context is None
    assert [standalone.unresolved(p) for p in points] == [False, False, False, True]


def test_context_not_repeated_when_the_point_above_is_it() -> None:
    first = Point(sentence=sentence("美国商务部公布了新规。", 0), score=1.0)
    second = Point(sentence=sentence("此举引发业界担忧。", 1), score=1.0)
    standalone.attach_context([first, second], [first.sentence, second.sentence])
    assert not standalone.needs_context(second, first)
    assert standalone.needs_context(second, None)
    assert not standalone.needs_context(first, None)
