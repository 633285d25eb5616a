"""Key dates: every date the seeds write, checked by hand, and the rules that resolve them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing import core, ingest, render, segment, timeline
from briefing.models import Point, Sentence, Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Every date mention in the seeds' sentences, read by hand against the articles
# (seed, as written, resolved date or None, precision).  The articles' dates:
# 000 2024-05-22, 001 2024-05-06, 002 none, 003 2024-03-02, 004 "1月16日" (no year).
SEED_DATES = [
    ("000", "5月16日", "2024-05-16", "day"),  # 中俄联合声明 (true date 2024-05-16)
    ("000", "本月", "2024-05-01", "month"),  # exchanges with France and the US, May 2024
    ("000", "本周五", None, "unknown"),  # a Friday after the repost's date (Wed 22 May): left as written
    ("000", "5月7日", "2024-05-07", "day"),  # 拜登政府计划对…设置出口管制
    ("000", "周五", "2024-05-22", "before"),  # 据路透社周五报道: on or before the article's date
    ("000", "本周五", None, "unknown"),  # 临港新片区…发布的数据清单 (true date 17 May)
    ("000", "本周四", None, "unknown"),  # 普京访华 (true date 16 May): after 22 May in the repost's week
    ("000", "5月7日", "2024-05-07", "day"),  # 中法联合声明 on AI
    ("000", "4月7日", None, "unknown"),  # names a document (《中法联合声明》, in fact of 2023): year not inferred
    ("000", "5月9日", "2024-05-09", "day"),  # 两党议员小组公布了一项法案
    ("001", "4月26日", "2024-04-26", "day"),  # 布林肯访华
    ("001", "上周日", "2024-05-06", "before"),  # 马斯克访问北京 (in fact 28 April: the article is a repost)
    ("001", "12月", "2023-12-01", "month"),  # 截至12月的季度
    ("001", "去年11月", "2023-11-01", "month"),  # 美中就讨论了AI安全问题
    ("001", "去年11月", "2023-11-01", "month"),  # 英国 AI 安全峰会 (Bletchley, November 2023)
    ("001", "3月份", "2024-03-01", "month"),  # 北京 AI 安全国际对话 (March 2024)
    ("002", "5月15日", None, "unknown"),  # the article has no date: no year
    ("002", "5月8日", None, "unknown"),  # ENFORCE 法案
    ("002", "5月10日", None, "unknown"),  # 外交部发言人林剑回应
    ("002", "2018年8月", "2018-08-01", "month"),  # ECRA
    ("002", "2020年1月", "2020-01-01", "month"),
    ("002", "2024年1月", "2024-01-01", "month"),
    ("002", "今年2月", None, "unknown"),  # "this year" of an undated article
    ("002", "10月份", None, "unknown"),
    ("002", "5月14日", None, "unknown"),  # 日内瓦 intergovernmental dialogue
    ("002", "2023年11月", "2023-11-01", "month"),
    ("002", "2024年3月", "2024-03-01", "month"),
    ("003", "2月16日", "2024-02-16", "day"),  # Sora
    ("003", "2月22日", "2024-02-22", "day"),  # 纽约时报 article
    ("004", "本周", None, "unknown"),  # the dateline 1月16日消息 is the article's date, not an event
    ("004", "本周", None, "unknown"),
]


def _seed_dates() -> list[tuple[str, str, str | None, str]]:
    found = []
    for path in sorted(SEEDS.iterdir()):
        item = ingest.read_one(path, max_bytes=10_000_000)
        for article in ingest.articles_of(item):
            for sentence in segment.split_article(article):
                point = Point(sentence=sentence, score=0.0, occurrences=[sentence])
                for event in timeline.events_of(point):
                    date = event.date.isoformat() if event.date else None
                    found.append((path.name[:3], event.written, date, event.precision))
    return found


def test_every_seed_date_as_checked_by_hand() -> None:
    assert _seed_dates() == SEED_DATES


def _source(date: dt.date | None = None, date_text: str | None = None) -> Source:
    return Source(path="a.txt", title="t", date=date, date_text=date_text or (date.isoformat() if date else None))


def _resolve(text: str, source: Source) -> timeline.ResolvedDate | None:
    (mention,) = timeline.find_dates(text)
    return timeline.resolve(mention, source)


MAY_22 = _source(dt.date(2024, 5, 22))  # a Wednesday


@pytest.mark.parametrize(
    ("text", "source", "expected", "precision"),
    [
        ("当地时间2024年5月14日，对话在日内瓦举行。", _source(), dt.date(2024, 5, 14), "day"),
        ("12月20日，商务部发布新规。", _source(dt.date(2024, 1, 10)), dt.date(2023, 12, 20), "day"),
        ("6月1日将正式实施。", MAY_22, dt.date(2024, 6, 1), "day"),  # the near future
        ("11月3日，美国举行大选。", MAY_22, None, "unknown"),  # too far either way: no year
        ("5月8日，众议院推出法案。", _source(date_text="5月20日"), None, "unknown"),  # no year to go by
        ("今年2月，英伟达表示。", MAY_22, dt.date(2024, 2, 1), "month"),
        ("去年11月，峰会举行。", MAY_22, dt.date(2023, 11, 1), "month"),
        ("16日，双方会谈。", MAY_22, dt.date(2024, 5, 16), "day"),
        ("28日，双方会谈。", MAY_22, dt.date(2024, 4, 28), "day"),
        ("昨天，外交部回应。", MAY_22, dt.date(2024, 5, 22), "before"),
        ("日前，商务部发布规定。", MAY_22, dt.date(2024, 5, 22), "before"),
        ("本周二，商务部发布规定。", MAY_22, dt.date(2024, 5, 22), "before"),
        ("本周五，商务部发布规定。", MAY_22, None, "unknown"),  # after the article's date
        ("下周一将举行会谈。", MAY_22, None, "unknown"),
        ("本月，双方会谈。", MAY_22, dt.date(2024, 5, 1), "month"),
        ("3月份，对话在北京举行。", MAY_22, dt.date(2024, 3, 1), "month"),
    ],
)
def test_resolution_rules(text: str, source: Source, expected: dt.date | None, precision: str) -> None:
    resolved = _resolve(text, source)
    assert resolved is not None
    assert (resolved.date, resolved.precision) == (expected, precision)


def test_unresolved_dates_are_shown_as_written_and_say_why() -> None:
    resolved = _resolve("5月8日，众议院推出法案。", _source())
    assert (resolved.zh, resolved.en) == ("5月8日", "8 May (year not stated)")
    friday = _resolve("本周五，商务部发布规定。", MAY_22)
    assert friday.zh == "本周五" and "not resolved" in friday.en
    bounded = _resolve("昨天，外交部回应。", MAY_22)
    assert bounded.zh == "昨天（不晚于2024年5月22日）"
    assert bounded.en == "yesterday (on or before 22 May 2024, the article's date)"


def test_not_dates() -> None:
    assert timeline.find_dates("1月16日消息，美国出台新规。") == []  # the dateline
    assert timeline.find_dates("每周五发布一次。") == []
    assert timeline.find_dates("规则自发布之日起30日内生效，为期3个月。") == []
    assert timeline.resolve(timeline.find_dates("13月5日")[0], MAY_22) is None


def test_event_text_is_the_clause_after_an_opening_date() -> None:
    sentence = "更吸引中国从业者注意的是，5月8日，众议院跨党派议员联合推出了“加强海外关键出口国家框架法案”（ENFORCE法案），旨在为美国商务部管制AI模型出口开绿灯。"
    (mention,) = timeline.find_dates(sentence)
    assert timeline.event_text(sentence, mention) == "众议院跨党派议员联合推出了“加强海外关键出口国家框架法案”（ENFORCE法案）"
    inside = "美国人工智能实验室OpenAI 2月16日发布了自己的首个人工智能视频生成模型Sora。"
    (mention,) = timeline.find_dates(inside)
    assert timeline.event_text(inside, mention) == inside.rstrip("。")
    local = "当地时间2024年5月14日，中美人工智能政府间对话首次会议在瑞士日内瓦召开。"
    (mention,) = timeline.find_dates(local)
    assert timeline.event_text(local, mention) == "中美人工智能政府间对话首次会议在瑞士日内瓦召开"


def _point(text: str, source: Source, position: int = 0) -> Point:
    sentence = Sentence(text=text, norm=text, source=source, paragraph=0, position=position, start=0, end=len(text))
    return Point(sentence=sentence, score=1.0, occurrences=[sentence])


def test_timeline_order_and_duplicates() -> None:
    points = [
        _point("5月8日，众议院推出了ENFORCE法案，旨在管制模型出口。", _source()),
        _point("5月16日，中国和俄罗斯发表了联合声明，涉及人工智能。", MAY_22),
        _point("2024年5月14日，中美人工智能政府间对话首次会议召开。", MAY_22),
        _point("2024年5月14日，中美人工智能政府间对话首次会议召开。", MAY_22, position=5),  # the same event again
        _point("2023年11月，英国举行AI安全峰会，28国签署宣言。", MAY_22),
    ]
    events = timeline.build_timeline(points, gist=lambda text: f"<{text}>")
    assert [(e.date_zh, e.point is points[i]) for e, i in zip(events, (4, 2, 1, 0), strict=True)] == [
        ("2023年11月", True), ("2024年5月14日", True), ("2024年5月16日", True), ("5月8日", True),
    ]  # fmt: skip
    assert events[0].text_en == "<英国举行AI安全峰会，28国签署宣言>"
    assert timeline.build_timeline(points) == timeline.build_timeline(points)
    assert all(e.text_en == "" for e in timeline.build_timeline(points))  # --translator none: no English


@pytest.fixture(scope="module")
def seeds_brief():
    return core.build_brief([SEEDS], today=dt.date(2024, 6, 1))


def test_seeds_brief_timeline_links_to_its_points(seeds_brief) -> None:
    assert seeds_brief.timeline, "the seeds' points mention dated events"
    points = {id(p) for p in seeds_brief.points}
    assert all(id(event.point) in points for event in seeds_brief.timeline)
    html = render.render_html(seeds_brief)
    data = render.brief_data(seeds_brief)
    for event in data["timeline"]:
        anchor = "p-" + event["point"].replace(".", "-")
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
        assert event["translation_mode"] == "gist"
    dated = [e["date"] for e in data["timeline"] if e["date"]]
    assert dated == sorted(dated)
    assert "关键日期" in html and "Key dates" in html
