"""Text clean-up shared by the ingest formats: display normalisation, script
conversion for analysis, and the data-driven boilerplate and credit patterns.

Two copies of the text exist downstream.  The *display* copy
(:func:`normalize_display`) keeps the article's own script and wording and only
repairs typography; it is what ``Article.paragraphs`` holds.  The *analysis*
copy (:func:`normalize_for_analysis`) folds width (NFKC) and converts
traditional characters to simplified, so 人工智慧 and 人工智能 articles compare.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc

# --- character classes -------------------------------------------------------

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA_HANGUL = r"\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af"
# CJK symbols and punctuation (、。「」…) and full-width forms (，（）：).
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef"
CJK_CHAR = re.compile(f"[{_HAN}{_KANA_HANGUL}{_CJK_PUNCT}]")
HAN_CHAR = re.compile(f"[{_HAN}]")

# Zero-width and bidi-control characters: invisible, never meaningful in prose.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")
# Control characters other than the whitespace ones (handled as whitespace).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# A space is never needed beside full-width punctuation: "。 本周" → "。本周".
_SPACE_BY_CJK_PUNCT = re.compile(r" (?=[\u3001-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65])|(?<=[\u3001-\u3011\u3014-\u301f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]) ")
# The e-mail parts are bounded (RFC 5321: local part ≤ 64, label ≤ 63): with
# open-ended [\w.+-]+ a long run of word characters (Han characters are \w)
# was retried from every position, quadratic: 80,000 Han characters in one
# line took 21 s, a 20 MB line would have taken days.
_URLISH = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"'“”‘’，。、；）]+|[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]+", re.IGNORECASE
)

_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    # Building a converter loads its dictionaries (~50 ms): do it once per config.
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → simplified script and mainland wording; simplified text unchanged.

    Text with traditional characters goes through OpenCC's tw2sp, so Taiwan's
    words become the mainland's too (晶片→芯片, 輝達→英伟达, 人工智慧→人工智能)
    and keywords and the theme model see one vocabulary.  Text that plain
    character conversion (t2s) leaves alone is already simplified and is kept
    as written: tw2sp's phrase table would read mainland words as Taiwan's
    (程序→进程, 文件→文档, 影片→视频), and 政策文件 is not a 文档.
    """
    if not text or _converter("t2s").convert(text) == text:
        return text
    return _converter("tw2sp").convert(text)


def normalize_for_analysis(text: str) -> str:
    """The analysis copy of ``text``: display-normalised, NFKC, simplified script."""
    return to_simplified(unicodedata.normalize("NFKC", normalize_display(text)))


def strip_invisible(text: str) -> str:
    """Remove zero-width, bidi and control characters (keeps tabs and newlines)."""
    return _CONTROL.sub("", _INVISIBLE.sub("", text))


def collapse_whitespace(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalize_display(text: str) -> str:
    """Repair typography for display without changing the article's wording.

    Removes invisible and control characters, collapses whitespace to single
    spaces, turns ASCII ``, ; : ? ! ( )`` full-width where they sit in Chinese
    text ("滞后性,监管" → "滞后性，监管") and drops spaces beside full-width
    punctuation.  URLs, numbers ("94.7万", "13:00", "1,000"), "U.S.",
    "01. AI" and English text are left alone.
    """
    text = collapse_whitespace(strip_invisible(unicodedata.normalize("NFC", text)))
    if not CJK_CHAR.search(text):
        return text  # pure Latin text: nothing to convert
    pieces: list[str] = []
    position = 0
    for url in _URLISH.finditer(text):
        pieces.append(_widen_punctuation(text[position : url.start()]))
        pieces.append(url.group())
        position = url.end()
    pieces.append(_widen_punctuation(text[position:]))
    return _SPACE_BY_CJK_PUNCT.sub("", "".join(pieces)).strip()


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest character from ``index`` in direction ``step``, skipping one space."""
    index += step
    if 0 <= index < len(text) and text[index] == " ":
        index += step
    return text[index] if 0 <= index < len(text) else ""


def _is_cjk(char: str) -> bool:
    return bool(char) and CJK_CHAR.match(char) is not None


def _widen_punctuation(text: str) -> str:
    if not text:
        return text
    chars = list(text)
    # Parentheses go in pairs: widen both when the pair sits in Chinese text
    # (a CJK neighbour outside) or holds Chinese, so "(ENFORCE法案)" and
    # "(对美国来说)" become full-width but "(see above)" in English stays.
    stack: list[int] = []
    for i, char in enumerate(text):
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            start = stack.pop()
            inner = text[start + 1 : i]
            if _is_cjk(_neighbour(text, start, -1)) or _is_cjk(_neighbour(text, i, 1)) or CJK_CHAR.search(inner):
                chars[start], chars[i] = "（", "）"
    for i, char in enumerate(text):
        if char not in ",;:?!":
            continue
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if before.isdigit() and after.isdigit():
            continue  # 1,000 and 13:00
        if _is_cjk(before) or _is_cjk(after):
            chars[i] = _FULL_WIDTH[char]
    return "".join(chars)


# --- paragraphs ---------------------------------------------------------------

# A flattened article keeps its paragraph breaks as a space after a sentence
# end ("……结果。 本周,……"); Chinese typography never puts a space there.
_FLATTENED_BREAK = re.compile(
    rf"(?:(?<=[。！？；…])|(?<=[{_HAN}][?!;:：])|(?<=[。！？!?…][”」』）)]))[ \t\u3000\u00a0]+(?=\S)"
)


def split_flattened(text: str) -> list[str]:
    """Split text at whitespace that follows a Chinese sentence end."""
    return [part for part in _FLATTENED_BREAK.split(text) if part.strip()]


def has_text(text: str) -> bool:
    """True when ``text`` holds at least one letter, digit or CJK character."""
    return any(ch.isalnum() for ch in text)


# --- boilerplate ---------------------------------------------------------------
# Which lines are page chrome is decided by briefing/extract.py from the
# patterns in data/page_patterns.toml; only the editor tag closing the last
# paragraph is cut here.

# A trailing editor tag closing a news item: "……将来。(小小) |", "（完）",
# "（编辑：张三）", "【责任编辑：李四】".
_EDITOR_TAG = re.compile(
    r"(?:(?<=[。！？!?…”」』])\s*[（(【\[]\s*[\u4e00-\u9fff]{1,4}\s*[）)】\]]\s*[|｜丨]?"
    r"|\s*[（(【\[]\s*(?:责任编辑|责编|编辑|记者|完|全文完)\s*[:：]?\s*[^）)】\]]{0,12}[）)】\]]\s*[|｜丨]?"
    r"|\s*[|｜丨])\s*$"
)


def strip_editor_tag(paragraph: str) -> str:
    """Remove a trailing editor tag such as "(小小) |" from the last paragraph."""
    previous = None
    while previous != paragraph:
        previous, paragraph = paragraph, _EDITOR_TAG.sub("", paragraph).rstrip()
    return paragraph


# --- credit lines -----------------------------------------------------------------

# label → field.  "文 | 甲子光年" names the publishing account (the outlet),
# but "文 | 单位 职务 姓名" a person (ingest tells them apart by the space and
# keeps the name); "作者 | 田思奇" the person.  Credits that are neither are dropped.
CREDIT_LABELS: dict[str, str | None] = {
    "文": "outlet",
    "来源": "outlet",
    "文章来源": "outlet",
    "本文来源": "outlet",
    "原文来源": "outlet",
    "内容来源": "outlet",
    "新闻来源": "outlet",
    "稿源": "outlet",
    "出品": "outlet",
    "出处": "outlet",
    "转载自": "outlet",
    "source": "outlet",
    "作者": "author",
    "撰文": "author",
    "执笔": "author",
    "文字": "author",
    "撰稿": "author",
    "记者": "author",
    "author": "author",
    "by": "author",
    "编辑": None,
    "责任编辑": None,
    "责编": None,
    "主编": None,
    "编译": None,
    "翻译": None,
    "校对": None,
    "审核": None,
    "审校": None,
    "排版": None,
    "美编": None,
    "策划": None,
    "监制": None,
    "出品人": None,
    "实习生": None,
    "摄影": None,
    "设计": None,
    "视觉": None,
    "运营": None,
    "图片来源": None,
    "图源": None,
    "题图": None,
    "头图": None,
    "封面": None,
    "封面来源": None,
    "题图来源": None,
    "头图来源": None,
    "图片": None,
    "editor": None,
}
_LABELS = "|".join(sorted((re.escape(k) for k in CREDIT_LABELS), key=len, reverse=True))
_SEPARATOR = r"\s*[|｜丨│:：/]\s*"
_CREDIT = re.compile(rf"(?:^|(?<=[\s，,；;]))({_LABELS}){_SEPARATOR}", re.IGNORECASE)
_VALUE_NOISE = re.compile(r"[（(][^）)]*(?:ID|id|微信|公众号)[^）)]*[）)]|[\s，,；;。、]+$")
_URL_IN_VALUE = re.compile(r"https?://\S+")
_ENGLISH_BYLINE = re.compile(r"^(?:by|By|BY)\s+(?P<name>[A-Z][\w.'-]*(?:\s+(?:and\s+)?[A-Z][\w.'-]*){0,4})$")


@dataclass(frozen=True, slots=True)
class Credit:
    label: str
    field: str | None  # "outlet" | "author" | None (credit to drop)
    value: str
    url: str | None = None


def parse_credits(line: str, *, max_length: int = 80) -> list[Credit] | None:
    """Parse a credit line ("文 | 甲子光年", "作者：王欣 编辑：李四"), else None.

    The whole line must consist of label–separator–value segments, each value
    short, so prose that happens to contain "来源：" is not taken for a credit.
    """
    line = line.strip()
    if len(line) > max_length:
        return None
    english = _ENGLISH_BYLINE.match(line)
    if english:
        return [Credit(label="by", field="author", value=english.group("name"))]
    matches = list(_CREDIT.finditer(line))
    if not matches or matches[0].start() != 0:
        return None
    credits = []
    for match, following in zip(matches, [*matches[1:], None]):
        end = following.start() if following else len(line)
        raw = line[match.end() : end]
        url_match = _URL_IN_VALUE.search(raw)
        url = url_match.group().rstrip(")）]") if url_match else None
        value = _URL_IN_VALUE.sub("", raw)
        value = _VALUE_NOISE.sub("", value).strip(" |｜丨:：/[]()（）")
        if len(value) > 30 or (not value and not url):
            return None
        label = match.group(1)
        credits.append(Credit(label=label, field=CREDIT_LABELS[_label_key(label)], value=value, url=url))
    return credits


def _label_key(label: str) -> str:
    return label if label in CREDIT_LABELS else label.lower()


__all__ = [
    "CREDIT_LABELS",
    "Credit",
    "collapse_whitespace",
    "has_text",
    "normalize_display",
    "normalize_for_analysis",
    "parse_credits",
    "split_flattened",
    "strip_editor_tag",
    "strip_invisible",
    "to_simplified",
]
