"""Sentence splitting rules, offsets and provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.models import Article
from briefing.segment import DEFAULT_MAX_CHARS, split_article, split_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def pieces(text: str, **kwargs) -> list[str]:
    return [text[a:b] for a, b in split_text(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中美举行对话。双方同意合作！这是第一步？", ["中美举行对话。", "双方同意合作！", "这是第一步？"]),
        ("一是加强合作；二是管控分歧。", ["一是加强合作；", "二是管控分歧。"]),
        ("他沉默了……然后离开。", ["他沉默了……", "然后离开。"]),
        ("他沉默了…然后离开。", ["他沉默了…", "然后离开。"]),
        ("真的吗？！不可能。", ["真的吗？！", "不可能。"]),
    ],
)
def test_chinese_end_marks(text, expected):
    assert pieces(text) == expected


def test_ascii_marks_end_a_chinese_clause():
    assert pieces("美国会怎么做?中国会回应!双方都在等待;结果未知") == [
        "美国会怎么做?",
        "中国会回应!",
        "双方都在等待;",
        "结果未知",
    ]
    assert pieces("你了解ChatGPT? 它来自OpenAI。") == ["你了解ChatGPT?", "它来自OpenAI。"]


def test_ascii_marks_inside_english_do_not_split():
    assert pieces("He asked: what? then left; fine!") == ["He asked: what? then left; fine!"]


def test_closing_quotes_and_brackets_stay_with_their_sentence():
    assert pieces("他说：“我们坚决反对。”此后双方再无接触。") == ["他说：“我们坚决反对。”", "此后双方再无接触。"]
    assert pieces("「这是底线。」他说。") == ["「这是底线。」", "他说。"]
    assert pieces("（详见附件。）下文再谈。") == ["（详见附件。）", "下文再谈。"]
    assert pieces('他说"结束了。"然后走了。') == ['他说"结束了。"', "然后走了。"]
    assert pieces("他引用『原话！』作结。") == ["他引用『原话！』", "作结。"]


def test_never_split_inside_a_title():
    assert pieces("《摔跤吧！爸爸》好吗？") == ["《摔跤吧！爸爸》好吗？"]
    assert pieces("他推荐了《你好。世界》一书。很好看。") == ["他推荐了《你好。世界》一书。", "很好看。"]


def test_stray_title_mark_does_not_swallow_the_text():
    assert pieces("价格《上涨。明天再看。") == ["价格《上涨。", "明天再看。"]


@pytest.mark.parametrize(
    "text",
    ["营收达到94.7万元，同比增长。", "01. AI的发展速度惊人。", "U.S. Department of Commerce发布规定。", "版本3.5发布。"],
)
def test_ascii_dot_in_numbers_and_abbreviations_is_not_an_end(text):
    assert pieces(text) == [text]


def test_ascii_dot_after_a_chinese_clause_may_end():
    assert pieces("会谈结束.双方将再见面。") == ["会谈结束.", "双方将再见面。"]


def test_line_breaks_end_a_sentence():
    assert pieces("标题没有句号\n正文第一句。\r\n第二句") == ["标题没有句号", "正文第一句。", "第二句"]


def test_long_unterminated_run_is_cut_at_commas():
    clause = "美国商务部宣布新的出口管制措施"  # 15 chars
    text = "，".join([clause] * 20)
    out = pieces(text, max_chars=50)
    assert "".join(out) == text
    assert len(out) > 1
    assert all(len(piece) <= 50 for piece in out)
    assert all(piece.endswith("，") for piece in out[:-1])


def test_long_run_without_commas_is_left_whole():
    text = "字" * 300
    assert pieces(text, max_chars=50) == [text]


def test_number_comma_is_not_a_cut():
    text = "数量达到1,000,000台" + "，补充说明" * 5
    out = pieces(text, max_chars=12)
    assert out[0].startswith("数量达到1,000,000台")


def test_cap_default_leaves_ordinary_sentences_alone():
    sentence = "据路透社报道，本周五，多名知情人士透露特斯拉计划在中国建立数据中心，并进行数据处理，以训练AI最大的应用场景——FSD全自动驾驶算法。"
    assert len(sentence) < DEFAULT_MAX_CHARS
    assert pieces(sentence) == [sentence]


def test_spans_are_trimmed_and_nonempty():
    text = "  第一句。   第二句！  \n\n   "
    spans = split_text(text)
    assert [text[a:b] for a, b in spans] == ["第一句。", "第二句！"]


def test_split_article_provenance_and_norm():
    article = Article(path="a.txt", title="T", paragraphs=["第一句。第二句。", "——", "發展人工智慧！"])
    sentences = split_article(article)
    assert [s.text for s in sentences] == ["第一句。", "第二句。", "發展人工智慧！"]
    assert [s.position for s in sentences] == [0, 1, 2]
    assert [s.paragraph for s in sentences] == [0, 0, 2]  # the punctuation-only paragraph is dropped
    for s in sentences:
        assert article.paragraphs[s.paragraph][s.start : s.end] == s.text
        assert s.source == article.source
    from briefing.clean import normalize_for_analysis

    assert [s.norm for s in sentences] == [normalize_for_analysis(s.text) for s in sentences]
    assert sentences[2].norm.startswith("发展")  # traditional → simplified for analysis, display kept


def _seed_article(name: str) -> Article:
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    return Article(path=name, title=name, paragraphs=[line for line in lines if line.strip()])


def test_real_seed_sentences():
    sentences = [s.text for s in split_article(_seed_article("000_7d4aa4c6b899fa1a.txt"))]
    assert "5月16日，中国和俄罗斯就AI的发展、安全与治理发表了联合声明。" in sentences
    assert "除国家层面的合纵连横之外，近期中国也明确了对AI企业合作的开放态度。" in sentences
    assert "特斯拉、苹果等AI大厂正在积极推进在中国的战略合作布局。" in sentences
    # A title with brackets and a closing parenthesis stays inside one sentence.
    assert any(s.startswith("值得注意的是，同天临港区政府发布了《中国（上海）") and s.endswith("(以下简称“数据清单”)。") for s in sentences)
    # A closing quote after 。 stays with its sentence.
    assert "马斯克表示特斯拉将在“任何能获得监管部门批准的市场”发布FSD服务并“包括中国。”" in sentences
    # A question mark ends the sentence.
    assert "那么，该法案生效后会对国内的AI产业产生什么影响呢？" in sentences


def test_seed_offsets_invariant():
    for path in sorted(SEEDS.glob("*.txt")):
        article = _seed_article(path.name)
        for s in split_article(article):
            assert article.paragraphs[s.paragraph][s.start : s.end] == s.text
            assert s.text == s.text.strip() and s.text


_ALPHABET = st.sampled_from(list("中美芯片的。！？；…“”《》（）,.;?!\n 　abcAB0123456789，、"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=200), st.integers(min_value=1, max_value=80))
def test_spans_invariant(text, max_chars):
    spans = split_text(text, max_chars=max_chars)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        previous_end = end
    # Nothing but whitespace is lost between or around spans.
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=80), max_size=5))
def test_split_article_invariant(paragraphs):
    article = Article(path="p", title="t", paragraphs=paragraphs)
    sentences = split_article(article)
    assert [s.position for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert article.paragraphs[s.paragraph][s.start : s.end] == s.text
        assert any(ch.isalnum() for ch in s.text)
