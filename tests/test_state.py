"""--new-only state: fingerprints of the articles earlier briefs read, saved atomically."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from briefing.errors import BriefingError
from briefing.models import Article, Point, Sentence, Source
from briefing.state import PublishedState, fingerprint

PARAGRAPHS = [
    "美国商务部周三宣布扩大对华人工智能芯片出口管制，新增十二家中国企业进入实体清单。",
    "中国外交部发言人表示，中方坚决反对美方将经贸问题政治化。",
    "分析人士认为，新规将影响英伟达等美国芯片企业在华销售。",
]


def article(paragraphs, path="a.md"):
    return Article(path=path, title="t", paragraphs=list(paragraphs))


def point(text, path="a.txt"):
    sentence = Sentence(text=text, norm=text, source=Source(path=path, title="t"), paragraph=0, position=0,
                        start=0, end=len(text))
    return Point(sentence=sentence, score=1.0, occurrences=[sentence])


def test_fingerprint_ignores_punctuation_width_and_case():
    assert fingerprint("美国商务部宣布新规，涉及AI芯片。") == fingerprint("美国商务部宣布新规, 涉及ai芯片.")
    assert fingerprint("美国商务部宣布新规。") != fingerprint("美国商务部撤销新规。")


def test_round_trip_and_new_articles(tmp_path):
    path = tmp_path / "state.json"
    state = PublishedState.load(path)
    old, new = article(PARAGRAPHS), article(["中美两国代表在日内瓦举行人工智能政府间对话首次会议，双方交换了意见。"], "b.md")
    assert state.is_new_article(old)
    state.record([old], dt.date(2024, 5, 22))
    state.save()
    again = PublishedState.load(path)
    assert not again.is_new_article(old)
    assert again.is_new_article(new)
    data = json.loads(path.read_text())
    assert data["version"] == 2 and list(data["articles"].values()) == ["2024-05-22"]


def test_a_repost_or_a_traditional_copy_is_not_new(tmp_path):
    state = PublishedState(tmp_path / "s.json")
    state.record([article(PARAGRAPHS)], dt.date(2024, 5, 22))
    repost = article(["转载自测试通讯社，欢迎关注我们获取更多资讯。", *PARAGRAPHS, "（完）"], "repost.md")
    assert not state.is_new_article(repost)
    traditional = article([p.replace("国", "國").replace("对", "對").replace("业", "業") for p in PARAGRAPHS], "b5.md")
    assert not state.is_new_article(traditional)
    # Sharing one paragraph of three is not being the same article.
    assert state.is_new_article(article([PARAGRAPHS[0], "另一条完全不同的新闻，说的是另一件事情，与芯片无关。", "第三段也是新的内容，讲的是别的事情。"]))


def test_version_1_files_still_hold_back_their_points(tmp_path):
    path = tmp_path / "state.json"
    old = point("中美举行人工智能对话。")
    path.write_text(json.dumps({"version": 1, "published": {next(iter(_fingerprints(old))): "2024-05-01"}}))
    state = PublishedState.load(path)
    assert not state.is_new(old) and state.is_new(point("英伟达发布新芯片。"))
    state.record([article(PARAGRAPHS)], dt.date(2024, 5, 22))
    state.save()
    assert json.loads(path.read_text())["published"]  # kept on upgrade


def _fingerprints(p):
    from briefing.state import point_fingerprints

    return point_fingerprints(p)


def test_corrupt_state_is_a_clear_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BriefingError, match="cannot read the state file"):
        PublishedState.load(path)


def test_save_leaves_no_temporary_files(tmp_path):
    state = PublishedState(tmp_path / "state.json")
    state.record([article(PARAGRAPHS)], dt.date(2024, 1, 1))
    state.save()
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
