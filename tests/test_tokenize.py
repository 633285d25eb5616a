"""jieba tokens with the user dictionary, and similarity features."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing import tokenize
from briefing.tokenize import features, stopwords, tokens

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.mark.parametrize(
    "term",
    ["出口管制", "实体清单", "大模型", "英伟达", "ENFORCE法案", "全球人工智能治理倡议", "美国商务部", "工业和安全局", "小院高墙", "生成式人工智能", "中芯国际", "拜登政府", "布林肯"],
)
def test_userdict_terms_stay_whole(term):
    sentence = f"据报道，{term}再次成为焦点。"
    assert term in tokens(sentence)
    assert term.lower() in features(sentence)


def test_userdict_is_shipped_and_large_enough():
    lines = [line for line in (Path(tokenize.__file__).parent / "data" / "userdict.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 150
    assert len(set(lines)) == len(lines)


def test_tokens_keep_everything_but_whitespace():
    out = tokens("美国 商务部，2024年。")
    assert "，" in out and "。" in out and "2024" in out
    assert not any(t.isspace() for t in out)


def test_features_drop_numbers_punctuation_stopwords_and_lowercase():
    out = features("5月7日，拜登政府计划对ChatGPT等先进大模型设置出口管制，金额达94.7万美元，增长3%。a")
    assert "拜登政府" in out and "出口管制" in out and "大模型" in out
    assert "chatgpt" in out  # lower-cased
    for dropped in ["5", "7", "94.7", "3", "%", "，", "。", "对", "等", "的", "a", "月", "日"]:
        assert dropped not in out
    assert all(not re.fullmatch(r"[\W\d_]+", t) for t in out)


def test_features_drop_chinese_numerals():
    assert "一百" not in features("一百家企业")


def test_stopwords_loaded():
    words = stopwords()
    assert {"的", "了", "和", "the"} <= words
    assert "#" not in "".join(words)


def test_fast_cut_matches_jieba_without_hmm():
    # features() uses our re-implementation of jieba's dictionary-only cut: it must agree.
    han = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]+")
    tokenizer = tokenize._tokenizer()
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        expected = [w for w in tokenizer.lcut(text, HMM=False) if han.fullmatch(w)]
        assert tokenize._dictionary_words(text) == expected


def test_features_are_cached_and_return_fresh_lists():
    first = features("美国商务部发布出口管制新规")
    first.append("x")
    assert features("美国商务部发布出口管制新规")[-1] != "x"


def test_empty_text():
    assert tokens("") == []
    assert features("") == []
    assert features("。，！") == []
