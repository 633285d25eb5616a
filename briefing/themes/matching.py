"""Keyword matching: each theme's weighted keyword evidence in a sentence.

* Chinese keywords are found as substrings of the simplified text
  (``Sentence.norm``), but a hit only counts when at least one of its edges is
  a jieba word edge (:func:`briefing.tokenize.tokens`).  Pure token matching
  would miss 商务部 inside the single token 美国商务部 and depends on the
  user dictionary of the day; pure substring matching fires 制裁 inside
  强制裁员.  A hit that cuts through words on *both* sides is the false
  positive worth rejecting; a hit flush with one word edge is a real one.
* Keywords with Latin letters (BIS, FSD, GPU, ENFORCE法案) match
  case-insensitively on ASCII word boundaries, so BIS does not fire inside
  "BISHOP" (nor GPU inside "GPUs": list plurals when they matter).  Chinese
  characters count as boundaries, so "FSD全自动驾驶" still matches FSD.
* A hit lying inside a longer hit of any theme is not counted again (芯片 in
  芯片禁令 is evidence for export controls, not a second vote for chips).
  Negative keywords are matched separately and subtract their weight.
* Every hit is a vote, repeats included, but votes saturate (see :func:`evidence`).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from briefing.models import ThemeSpec
from briefing.themes.taxonomy import LATIN, OTHER
from briefing.tokenize import tokens


@dataclass(frozen=True, slots=True)
class _Hit:
    theme: str
    keyword: str
    weight: float
    start: int
    end: int
    gapped: bool = False  # an ``A…B`` keyword: its parts apart in one clause


# eq=False: matchers are cached per taxonomy and compared by identity, which
# also makes them cheap keys for the evidence cache.
@dataclass(frozen=True, slots=True, eq=False)
class Matcher:
    order: tuple[str, ...]  # theme ids in taxonomy order (tie-break)
    chinese: tuple[tuple[str, str, float], ...]  # (theme, keyword, weight), positives
    latin: tuple[tuple[str, str, float, re.Pattern[str]], ...]
    negative_chinese: tuple[tuple[str, str, float], ...]
    negative_latin: tuple[tuple[str, str, float, re.Pattern[str]], ...]
    chinese_by_first: dict[str, tuple[tuple[int, tuple[str, str, float]], ...]]
    negative_by_first: dict[str, tuple[tuple[int, tuple[str, str, float]], ...]]


def _by_first_character(
    keywords: Sequence[tuple[str, str, float]],
) -> dict[str, tuple[tuple[int, tuple[str, str, float]], ...]]:
    # A keyword can only occur in a text that has its first character: looking
    # up the text's characters skips the ~95 % of keywords that cannot match
    # (the theme stage classifies every sentence of every article).
    index: dict[str, list[tuple[int, tuple[str, str, float]]]] = defaultdict(list)
    for position, entry in enumerate(keywords):
        index[entry[1][0]].append((position, entry))
    return {first: tuple(entries) for first, entries in index.items()}


def _candidates(
    text: str, index: Mapping[str, Sequence[tuple[int, tuple[str, str, float]]]]
) -> list[tuple[str, str, float]]:
    """The keywords whose first character occurs in ``text``, in taxonomy order."""
    found = [item for first in set(text) & index.keys() for item in index[first]]
    found.sort(key=lambda item: item[0])
    return [entry for _, entry in found]


def _latin_pattern(keyword: str) -> re.Pattern[str]:
    body = r"\s*".join(re.escape(part) for part in keyword.split())
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def matcher_for(taxonomy: tuple[ThemeSpec, ...]) -> Matcher:
    def split(pairs: Iterable[tuple[str, str, float]]):
        chinese, latin = [], []
        for theme, keyword, weight in pairs:
            if LATIN.search(keyword):
                latin.append((theme, keyword, weight, _latin_pattern(keyword)))
            else:
                chinese.append((theme, keyword, weight))
        return tuple(chinese), tuple(latin)

    positives = [(t.id, k, w) for t in taxonomy if t.id != OTHER for k, w in t.keywords]
    negatives = [(t.id, k, w) for t in taxonomy if t.id != OTHER for k, w in t.negative]
    chinese, latin = split(positives)
    negative_chinese, negative_latin = split(negatives)
    return Matcher(
        tuple(t.id for t in taxonomy),
        chinese,
        latin,
        negative_chinese,
        negative_latin,
        _by_first_character(chinese),
        _by_first_character(negative_chinese),
    )


@functools.lru_cache(maxsize=65536)
def sentence_tokens(text: str) -> tuple[str, ...]:
    # Keyword edges and the model's words both need a sentence's jieba tokens: cut it once.
    return tuple(tokens(text))


def _word_edges(text: str) -> set[int]:
    edges = {0, len(text)}
    position = 0
    for token in sentence_tokens(text):
        start = text.find(token, position)
        if start < 0:  # jieba never rewrites text, but stay safe
            continue
        edges.add(start)
        position = start + len(token)
        edges.add(position)
    return edges


def _find(
    text: str,
    edges: set[int],
    chinese: Sequence[tuple[str, str, float]],
    latin: Sequence[tuple[str, str, float, re.Pattern[str]]],
) -> list[_Hit]:
    hits: list[_Hit] = []
    lowered = text.lower() if latin else ""
    for theme, keyword, weight in chinese:
        if _GAP in keyword:
            hits += _find_gapped(text, edges, theme, keyword, weight)
            continue
        start = text.find(keyword)
        while start >= 0:
            end = start + len(keyword)
            if start in edges or end in edges:
                hits.append(_Hit(theme, keyword, weight, start, end))
            start = text.find(keyword, start + 1)
    for theme, keyword, weight, pattern in latin:
        if keyword.split()[0].lower() not in lowered:  # cheap test before the regex
            continue
        for match in pattern.finditer(text):
            hits.append(_Hit(theme, keyword, weight, match.start(), match.end()))
    return hits


_GAP = "…"
_GAP_MAX = 12  # characters between the parts of an ``A…B`` keyword
_CLAUSE_END = re.compile(r"[。！？；;!?]")


def _find_gapped(text: str, edges: set[int], theme: str, keyword: str, weight: float) -> list[_Hit]:
    """``A…B``: A, then B at most ``_GAP_MAX`` characters later in the same sentence, each on a word edge.

    Policy verbs and their objects come apart in real sentences (管制AI大模型的出口,
    收紧AI领域的技术流动出口); the pair says "export control" as surely as the compound.
    One hit per occurrence of A, spanning A to the nearest B.
    """
    first, _, second = (part.strip() for part in keyword.partition(_GAP))
    hits: list[_Hit] = []
    start = text.find(first)
    while start >= 0:
        end = start + len(first)
        if start in edges or end in edges:
            window = text[end : end + _GAP_MAX + len(second)]
            clause = _CLAUSE_END.search(window)
            window = window[: clause.start()] if clause else window
            offset = window.find(second, 1)  # a gap of at least one character: the compound is its own keyword
            while offset >= 0:
                b_start = end + offset
                b_end = b_start + len(second)
                if b_start in edges or b_end in edges:
                    hits.append(_Hit(theme, keyword, weight, start, b_end, gapped=True))
                    break
                offset = window.find(second, offset + 1)
        start = text.find(first, start + 1)
    return hits


def _drop_nested(hits: list[_Hit]) -> list[_Hit]:
    """Hits strictly inside a longer hit (of any theme) are not counted again.

    A longer keyword refines a shorter one, it never weakens it: a longer hit
    weighs at least as much as the strongest hit of its own theme it covers
    (出口管制法规 contains the 出口管制法 keyword, and is still 出口管制).
    Gapped hits (``A…B``) count alone: their gap may hold other themes' words.
    """
    solid = [h for h in hits if not h.gapped]
    spans = sorted({(h.start, h.end) for h in solid}, key=lambda s: (s[0], -(s[1] - s[0])))
    covered = set()
    for start, end in spans:
        for other_start, other_end in spans:
            if other_start <= start and end <= other_end and (other_end - other_start) > (end - start):
                covered.add((start, end))
                break
    kept: list[_Hit] = []
    for hit in hits:
        if hit.gapped:
            kept.append(hit)
            continue
        if (hit.start, hit.end) in covered:
            continue
        inner = [
            h.weight for h in solid
            if h.theme == hit.theme and hit.start <= h.start and h.end <= hit.end and (h.start, h.end) in covered
        ]
        kept.append(_Hit(hit.theme, hit.keyword, max([hit.weight, *inner]), hit.start, hit.end))
    return kept


def evidence(text: str, taxonomy: Sequence[ThemeSpec]) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
    """Keyword evidence per theme: (score, matched keywords strongest first); themes without evidence left out.

    A theme's score is its strongest hit's weight plus half the next, a
    quarter the one after, and so on (minus negative keywords): evidence
    saturates, so a list of company names does not outvote the one policy
    term that says what the sentence is about.  A keyword repeated in the
    sentence is a further (decayed) hit: a sentence saying 数据 three times
    is about data.
    """
    own, matched = cached_evidence(text, matcher_for(tuple(taxonomy)))
    return dict(own), dict(matched)  # copies: the cached originals must not change


# Each sentence's evidence is asked for several times (the article profile,
# the neighbours' context, the point itself); it depends only on the text.
@functools.lru_cache(maxsize=65536)
def cached_evidence(text: str, matcher: Matcher) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
    edges = _word_edges(text)
    hits = _drop_nested(_find(text, edges, _candidates(text, matcher.chinese_by_first), matcher.latin))
    # One vote per theme and span (ChatGPT and "Chat GPT" are the same words), one per keyword.
    by_span: dict[tuple[str, int, int], _Hit] = {}
    for hit in sorted(hits, key=lambda h: (-h.weight, h.keyword)):
        by_span.setdefault((hit.theme, hit.start, hit.end), hit)
    weights: dict[str, dict[str, float]] = defaultdict(dict)
    occurrences: dict[str, list[float]] = defaultdict(list)
    for hit in by_span.values():
        weights[hit.theme][hit.keyword] = hit.weight
        occurrences[hit.theme].append(hit.weight)
    penalties: dict[str, float] = defaultdict(float)
    for theme, keyword, weight in sorted({(h.theme, h.keyword, h.weight) for h in _find(
        text, edges, _candidates(text, matcher.negative_by_first), matcher.negative_latin
    )}):
        penalties[theme] += weight
    scores: dict[str, float] = {}
    matched: dict[str, tuple[str, ...]] = {}
    for theme in matcher.order:
        if theme not in weights:
            continue
        ranked = sorted(weights[theme], key=lambda k: (-weights[theme][k], k))
        votes = sorted(occurrences[theme], reverse=True)
        total = sum(weight * _DECAY**rank for rank, weight in enumerate(votes))
        score = round(total - penalties.get(theme, 0.0), 6)
        if score > 0:
            scores[theme] = score
            matched[theme] = tuple(ranked)
    return scores, matched


_DECAY = 0.5  # each further keyword of a theme counts half the one before
