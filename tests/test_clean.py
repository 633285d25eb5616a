"""Display normalisation, script conversion and the boilerplate/credit patterns."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing import clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("由于法律和政策制定的滞后性,监管措施", "由于法律和政策制定的滞后性，监管措施"),
        ("美国AI出口管制:中国如何应对", "美国AI出口管制：中国如何应对"),
        ("真的吗?是的!", "真的吗？是的！"),
        ("第一;第二", "第一；第二"),
        ("法案”(ENFORCE法案),旨在", "法案”（ENFORCE法案），旨在"),
        ("克雷斯 (Colette Kress) 今年", "克雷斯（Colette Kress）今年"),
        ("结果。 本周", "结果。本周"),
    ],
)
def test_ascii_punctuation_becomes_full_width_in_chinese(raw, expected):
    assert clean.normalize_display(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "U.S. export controls (see above): a test, really? Yes!",
        "交付量达到94.7万辆",
        "“零一万物”（01. AI）推出",
        "会议在13:00开始，投入1,000亿",
        "见 https://example.com/a?b=1&c=2,3 以及 http://x.cn/(y)",
    ],
)
def test_numbers_urls_and_english_are_left_alone(text):
    assert clean.normalize_display(text) == text


def test_whitespace_invisible_and_control_characters():
    assert clean.normalize_display("  中\u200b国\u00a0\u3000AI\t\x07 政策\ufeff  ") == "中国 AI 政策"
    assert clean.normalize_display("a\r\n\n  b") == "a b"


def test_to_simplified_and_analysis_copy():
    traditional = "人工智慧發展與臺灣的監管"
    assert clean.to_simplified(traditional) == "人工智能发展与台湾的监管"
    # Taiwan's words for the policy vocabulary become the mainland's (one vocabulary for themes) ...
    assert clean.to_simplified("輝達晶片資料") == "英伟达芯片数据"
    # ... and simplified text is left exactly as it is (资料 stays "materials").
    assert clean.to_simplified("资料显示，软体与网路") == "资料显示，软体与网路"
    # tw2sp's phrase table reads these mainland words as Taiwan's (程序→进程, 文件→文档, 影片→视频):
    # simplified text never goes through it.
    assert clean.to_simplified("程序员修改应用程序，政策文件与纪录影片") == "程序员修改应用程序，政策文件与纪录影片"
    # A traditional sentence still gets the mainland's words.
    assert clean.to_simplified("工程師的應用程式") == "工程师的应用程序"
    assert clean.to_simplified("") == ""
    # NFKC folds width, OpenCC folds script.
    assert clean.normalize_for_analysis("監管,ＡＩ１２") == "监管,AI12"


def test_converter_is_built_once():
    assert clean._converter("tw2sp") is clean._converter("tw2sp")


def test_split_flattened_at_spaces_after_sentence_ends():
    blob = "1月16日消息,美国正愈发执着。 本周,拜登当局出台了新规。 与此同时,他们说: 是的"
    assert clean.split_flattened(blob) == ["1月16日消息,美国正愈发执着。", "本周,拜登当局出台了新规。", "与此同时,他们说:", "是的"]
    assert clean.split_flattened("U.S. policy. Next sentence.") == ["U.S. policy. Next sentence."]


def test_editor_tag_is_stripped_from_the_end():
    assert clean.strip_editor_tag("繁荣、稳固的将来。(小小) |") == "繁荣、稳固的将来。"
    assert clean.strip_editor_tag("双方将继续对话。（完）") == "双方将继续对话。"
    assert clean.strip_editor_tag("结果如下。（编辑：李四）") == "结果如下。"
    # A parenthesis that belongs to the sentence stays.
    assert clean.strip_editor_tag("推出了新法案（ENFORCE法案）") == "推出了新法案（ENFORCE法案）"


def test_parse_credits():
    assert [(c.field, c.value) for c in clean.parse_credits("文 | 甲子光年")] == [("outlet", "甲子光年")]
    assert [(c.field, c.value) for c in clean.parse_credits("作者｜田思奇  编辑｜王一鹏")] == [
        ("author", "田思奇"),
        (None, "王一鹏"),
    ]
    credit = clean.parse_credits("文章来源：虎嗅APP https://www.huxiu.com/article/1.html")[0]
    assert (credit.value, credit.url) == ("虎嗅APP", "https://www.huxiu.com/article/1.html")
    assert clean.parse_credits("文/张三（微信ID：abc）")[0].value == "张三"
    assert clean.parse_credits("来源：新华社")[0].field == "outlet"
    assert clean.parse_credits("By Jane Doe")[0].value == "Jane Doe"
    assert clean.parse_credits("by the way this is prose") is None


@pytest.mark.parametrize(
    "line",
    ["文化部表示，来源：官方。", "作者认为，美国政策存在明显的滞后性，这一点在此前的多篇报道和评论中已有详细讨论和分析。", "中国如何应对"],
)
def test_prose_is_not_a_credit(line):
    assert clean.parse_credits(line) is None


@given(st.text())
def test_normalize_display_never_fails_and_is_idempotent(text):
    once = clean.normalize_display(text)
    assert clean.normalize_display(once) == once
    assert "\u200b" not in once and "\x00" not in once
