"""Body extraction and metadata on real-world file conventions (own fixtures, tests/fixtures/real/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing import dedup, extract, ingest, scope
from briefing.cli import cli

REAL = Path(__file__).parent / "fixtures" / "real"


def read(name: str):
    return ingest.read_article(REAL / name)


def test_wechat_dump_keeps_only_the_article_text():
    article = read("wechat_dump.md")
    assert article.paragraphs == [
        "美国商务部本周发布新规，进一步限制先进芯片对华出口。",
        "分析人士认为，新规将加快国内厂商的替代进程，但短期内供应仍然紧张。",
        # The photo credit opening the paragraph goes; the text stays.
        "业内人士表示，国产芯片在推理场景已经具备一定竞争力。",
    ]
    assert article.title == "观察 | 美方收紧芯片出口，国内厂商加快替代"
    assert article.outlet == "示例科技观察"  # who published this file
    assert article.origin == "前沿芯闻 · 李四"  # where the repost first appeared
    assert article.author == "李四"
    assert article.date == dt.date(2025, 3, 2)


def test_one_paragraph_wire_copy_opening_with_a_photo_credit_is_kept():
    article = read("wire_one_paragraph.txt")
    assert article.paragraphs[0].startswith("美国财政部周二发布规则")


def test_digest_is_split_into_stories_and_off_topic_stories_are_marked():
    (container,) = [ingest.read_article(REAL / "digest.md")]
    stories = ingest.articles_of(container)
    assert [s.title for s in stories] == ["美国拟进一步限制对华AI芯片出口", "某手机品牌发布新机", "某城市开通无人驾驶公交"]
    assert all(s.outlet == "示例早报" and s.date == dt.date(2025, 1, 15) for s in stories)
    assert all(s.digest == container.title for s in stories)
    verdicts = [scope.check(s).on_topic for s in stories]
    assert verdicts == [True, False, False]


def test_read_sources_yields_a_digest_as_its_stories():
    paths = [item.path for item in ingest.read_sources([REAL / "digest.md"])]
    assert paths == [f"{REAL / 'digest.md'}#{n}" for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("预览时标签不可点", None),  # a tail marker, tested below
        ("文章分析了中美两国在人工智能领域的竞争。", "summary of the article"),
        ("扫码订阅《示例杂志》", "follow or subscribe blurb"),
        ("欢迎加入我的知识星球，一起学习。", "promotion"),
        ("我爱你，与你无关。--歌德", "epigraph or quote of the day"),
    ],
)
def test_chrome_reasons(line, reason):
    if reason is not None:
        assert extract.chrome_reason(line) == reason


def test_tail_marker_drops_the_rest():
    lines = [extract.Line("美国发布了新规。"), extract.Line("预览时标签不可点"), extract.Line("另一个故事。")]
    pieces = extract.extract(lines)
    assert [p.kept for p in pieces] == [True, False, False]


def test_fragments_headings_and_link_lists_are_not_text():
    lines = [
        extract.Line("往日文章", links=[("往日文章", "/old")]),
        extract.Line("国际 | 美方发布新规"),
        extract.Line("背景", role="heading", level=2),
        extract.Line("美国政府周二宣布了新的出口管制措施，涉及多类芯片。"),
    ]
    reasons = [p.reason for p in extract.extract(lines)]
    assert reasons[0] == "links (navigation or reading list)"
    assert reasons[1] in ("site navigation", "fragment (label, byline, caption or menu)")
    assert reasons[2] == "heading"
    assert reasons[3] is None


def test_the_same_article_in_three_encodings_is_one_source(tmp_path):
    text = "---\ntitle: 美國晶片新規\n---\n\n美國商務部發布新規，限制先進晶片對中國出口。業界認為影響深遠。\n"
    simplified = "---\ntitle: 美国芯片新规\n---\n\n美国商务部发布新规，限制先进芯片对中国出口。业界认为影响深远。\n"
    (tmp_path / "a.md").write_bytes(simplified.encode("gb18030"))
    (tmp_path / "b.md").write_bytes(text.encode("big5"))
    (tmp_path / "c.md").write_bytes(b"\xef\xbb\xbf" + simplified.encode("utf-8"))
    articles = [a for a in ingest.read_sources([tmp_path])]
    merged = dedup.merge_articles(articles)
    assert len(merged) == 1
    assert sorted(Path(p).name for p in (merged[0].path, *merged[0].also)) == ["a.md", "b.md", "c.md"]


def test_explain_shows_kept_and_dropped_lines():
    result = CliRunner().invoke(cli, ["articles", "--explain", str(REAL / "wechat_dump.md")])
    assert result.exit_code == 0, result.output
    assert "+ 美国商务部本周发布新规，进一步限制先进芯片对华出口。" in result.output
    assert "- 预览时标签不可点  [after the text (related reading, comments, interface)]" in result.output
    assert "[repost box]" in result.output
    assert "scope: on topic" in result.output


def test_articles_json_says_whether_each_article_is_on_topic():
    import json

    result = CliRunner().invoke(cli, ["articles", "--json", str(REAL / "digest.md")])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["on_topic"] for r in rows] == [True, False, False]
    assert rows[0]["digest"].startswith("科技早报")


FEED = """<?xml version="1.0" encoding="gb2312"?>
<rss version="2.0"><channel><title>示例新闻</title><link>https://news.example.org/</link>
<item><title>美国拟限制芯片出口</title><link>https://news.example.org/a/1.html</link>
<pubDate>Tue, 14 May 2024 08:00:00 +0800</pubDate><author>www.example.org</author>
<description><![CDATA[<p>美国商务部表示将进一步限制先进芯片对华出口。</p><p>中方对此表示坚决反对。</p>]]></description></item>
<item><title>只有标题的条目</title><link>https://news.example.org/a/2.html</link><description></description></item>
</channel></rss>
"""


def test_a_feed_file_is_read_as_its_items(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED.encode("gb18030"))
    items = list(ingest.read_sources([path]))
    assert [type(i).__name__ for i in items] == ["Article"]  # the title-only item has no text
    (article,) = items
    assert article.path == f"{path}#1"
    assert (article.title, article.outlet, article.date) == ("美国拟限制芯片出口", "示例新闻", dt.date(2024, 5, 14))
    assert article.url == "https://news.example.org/a/1.html"
    assert article.author is None  # a site in the author slot is no author
    assert article.paragraphs == ["美国商务部表示将进一步限制先进芯片对华出口。", "中方对此表示坚决反对。"]
    assert any("1 of 2 feed item(s) carry no text" in p for p in article.problems)


def test_a_feed_of_titles_only_is_skipped_with_the_reason(tmp_path):
    path = tmp_path / "titles.xml"
    path.write_text(FEED.replace('encoding="gb2312"', 'encoding="utf-8"').split("<item>", 1)[0] + "<item><title>标题</title></item></channel></rss>", encoding="utf-8")
    (item,) = ingest.read_sources([path])
    assert "none with article text" in item.reason


@pytest.mark.parametrize(
    "line",
    [
        "感谢阅读！如果您对AI的更多资讯感兴趣，可以查看更多AI文章：GPTNB。",
        "点击关注我们，获取更多资讯",
        "责任编辑：张三",
        "原标题：美国AI政策新动向",
        "版权所有 © 2024 某某科技",
        "本文版权归原作者所有，未经授权不得转载",
        "发表回复",
        "图片来源：由GPTNB生成",
        "...",
        "------",
        "| ",
        "— END —",
    ],
)
def test_boilerplate_lines_are_chrome(line):
    assert extract.chrome_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "中国外交部发言人回应称，将经贸科技问题政治化。",
        "编辑部认为，这项政策影响深远。",
        "原则上，双方同意继续对话。",
        "图灵奖得主发表了评论。",
    ],
)
def test_prose_is_not_chrome(line):
    assert extract.chrome_reason(line) is None


def test_a_line_the_text_repeats_later_is_a_pull_quote():
    quote = "我们的挑战在于一窝蜂做事，要构建利于创新的文化。"
    lines = [
        extract.Line(quote),
        extract.Line("美国与中国的研究者在采访中谈到了科研文化。"),
        extract.Line(f"他说：“{quote}”这是他多年的体会。"),
    ]
    assert [p.reason for p in extract.extract(lines)] == ["pull quote (repeated in the text)", None, None]
