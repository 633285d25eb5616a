"""Metadata from real-world file conventions (own fixtures, tests/fixtures/real/): keys, bylines, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefing import ingest

REAL = Path(__file__).parent / "fixtures" / "real"


def read(name: str):
    return ingest.read_article(REAL / name)



def test_ai_summary_before_the_text_and_chinese_keys():
    article = read("blog_summary.md")
    assert article.paragraphs == [
        "今年以来，中国团队密集发布开源大模型，美国公司则加大闭源投入。",
        "双方在算力、数据和人才上的竞争仍在加剧。",
    ]
    assert article.date == dt.date(2025, 2, 20)
    assert article.author == "示例作者"
    assert article.url == "https://example.org/post/1"
    assert article.outlet == "示例作者（微信公众号）"  # the platform is not the outlet


def test_front_matter_after_a_bom_with_crlf_line_ends():
    article = read("bom_crlf.md")
    assert (article.title, article.date, article.author) == ("跨平台保存的文章", dt.date(2024, 6, 1), "张三")
    assert article.paragraphs == ["美国与中国的官员本周就人工智能安全举行了会谈。"]


def test_metadata_in_a_leading_html_comment():
    article = read("comment_meta.md")
    assert article.title == "翻译：美国智库谈对华技术管制"
    assert (article.author, article.outlet) == ("Jane Roe", "示例译丛")
    assert article.url == "https://example.org/think-tank"
    assert article.date == dt.date(2024, 9, 9)
    assert len(article.paragraphs) == 2


def test_solidot_style_page_printed_date_beats_the_archive_date():
    article = read("solidot_like.md")
    assert article.date == dt.date(2024, 12, 3)  # 发表于, not the front matter's archive day
    assert article.author == "Wilson"
    assert article.outlet == "奇客Solidot"  # the slogan after the dash goes
    assert article.paragraphs == ["美国商务部宣布限制向中国出口高带宽内存芯片，以阻止中国发展先进 AI。"]


def test_byline_with_affiliation_keeps_the_name():
    article = ingest.parse_article(
        "文 | 某某大学国际关系学院教授 王五\n\n美国对华科技政策出现新变化。\n".encode(), "a.txt"
    )
    assert (article.author, article.outlet) == ("王五", None)


def test_placeholder_and_editor_bylines_are_not_authors():
    page = (
        "<html><head><meta name='author' content='[no-author]'><title>标题-示例网</title></head><body>"
        "<h1>标题</h1><p>责任编辑：赵六</p><p>" + "美国与中国就芯片出口管制进行了磋商。" * 20 + "</p></body></html>"
    )
    article = ingest.parse_article(page.encode(), "page.html")
    assert article.author is None
