"""The first English gist, word by word: kept to benchmark the phrase gist against.

jieba tokens looked up first in the curated policy glossary, then in
CC-CEDICT, taking the plain first sense.  Particles are dropped, numbers and
Latin words pass through, and a word neither dictionary knows stays in
Chinese: a gap is better than a guess.  ``benchmarks/translation.py`` scores
it beside :mod:`briefing.phrase_gist`, which replaced it in the brief; the
phrase gist's ``dates`` ablation reads dates the way this one did
(:data:`SPECIAL`, :func:`special`).
"""

from __future__ import annotations

import re

from briefing.dictionaries import (
    CLASSIFIERS,
    FUNCTION_WORDS,
    MONTHS,
    PARTICLES,
    PUNCTUATION,
    amount_words,
    cedict_lookup,
    join_words,
    policy_glossary,
)
from briefing.tokenize import tokens

_GLOSSARY_MAX_TOKENS = 4  # a glossary term spans at most this many jieba tokens

# Dates and amounts are read whole: jieba would split 5月16日 into four tokens.
SPECIAL = re.compile(
    r"(?P<ymd>(?P<y>\d{4})年(?:(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?)?)"
    r"|(?P<md>(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)"
    r"|(?P<amount>(?P<num>\d+(?:\.\d+)?)(?P<unit>万亿|亿|万)(?P<cur>美元|人民币|元)?)"
    r"|(?P<latin>[A-Za-z][A-Za-z0-9.&+'’\-]*(?:\s+[A-Za-z0-9][A-Za-z0-9.&+'’\-]*)*)"
    r"|(?P<number>\d+(?:[.,]\d+)*%?)"
)
_CURRENCY = {"美元": "US dollars", "人民币": "yuan", "元": "yuan"}


def special(match: re.Match[str]) -> str:
    if match["ymd"]:
        if match["m"] and not 1 <= int(match["m"]) <= 12:
            # "2024年13月" is a typo, not a date: MONTHS[12] raised IndexError
            # and took the whole build down with it (and 0月 became December).
            return match[0]
        if match["d"]:
            return f"{int(match['d'])} {MONTHS[int(match['m']) - 1]} {match['y']}"
        if match["m"]:
            return f"{MONTHS[int(match['m']) - 1]} {match['y']}"
        return match["y"]
    if match["md"]:
        month = int(match["m2"])
        return f"{MONTHS[month - 1]} {int(match['d2'])}" if 1 <= month <= 12 else match[0]
    if match["amount"]:
        words = amount_words(match["num"], match["unit"])
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
            if token in PUNCTUATION:
                out.append((token, PUNCTUATION[token]))
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
    for match in SPECIAL.finditer(text):
        if match.start() > position:
            out.extend(_chinese_words(text[position : match.start()]))
        out.append((match[0], special(match)))
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
    return join_words(words)



__all__ = ["SPECIAL", "special", "word_gist"]
