"""Themes: file each point under one theme of the taxonomy, then pick what each section shows.

The taxonomy is data (``briefing/data/themes.toml``, replaceable or extendable
by a user file).  Assignment is weighted keyword evidence, explainable by
construction: a point keeps its score and the keywords that matched, so
``briefing themes`` can say why it was filed where it was.

Matching, and why:

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

Two classifiers share that evidence:

* the **model** (default with the shipped themes): a multinomial logistic
  regression over the sentence's content words (jieba tokens) and each
  theme's keyword evidence, trained by ``scripts/train_theme_model.py`` on
  the labelled corpus in ``tests/data/themes_corpus`` and the labelled seed
  sentences, shipped as ``data/themes_model.json``.  Keywords say what a
  theme is about; the model learns how much each one is worth in real
  sentences that name several themes (芯片 in a sentence about a chip ban) and
  picks up the ordinary words analysts file by (人才, 访问, 营收).  It knows only
  the themes it was trained on, so a taxonomy that adds or drops a theme is
  filed by keywords alone.  Its context is the probabilities of the
  neighbouring sentences and of the article, multiplied in (see
  :func:`classify`).  A second regression over the sentence's vector from a
  multilingual sentence encoder (:mod:`briefing.encoder`) multiplies in its
  own probabilities for the points the brief shows (see :func:`assign`): it
  carries a theme across paraphrases the words never covered.
* **keywords** alone (``[themes] classifier = "keywords"``, or any changed
  set of themes), described below.

Keyword scores are saturating sums of weights (see :func:`evidence`).  When a
sentence's own evidence is weak or near-tied, the article's theme profile
(shares summing to 1) is added as a damped prior, ``context_weight * share``,
only to themes the sentence itself gives evidence for: the article decides
between candidates the sentence supports, it never invents a theme the
sentence does not mention, and it leaves a clear-cut sentence alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy

from briefing import encoder as sentence_encoder
from briefing.errors import ConfigError
from briefing.models import Point, Sentence, Source, ThemeSection, ThemeSpec
from briefing.tokenize import stopwords, tokens

OTHER = "other"

_DEFAULT_OTHER = ThemeSpec(
    id=OTHER,
    label_zh="其他",
    label_en="Other",
    description_zh="与上述主题都不够贴合、但分量较重的要点。",
    description_en="Strong points that fit none of the themes above.",
)

_THEME_KEYS = {"id", "label_zh", "label_en", "description_zh", "description_en", "keywords", "negative"}
_TOP_KEYS = {"theme"}
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LATIN = re.compile(r"[A-Za-z]")


# --------------------------------------------------------------------------
# Settings and results


@dataclass(frozen=True, slots=True)
class ThemeSettings:
    """Knobs of theme assignment and section selection (defaults tuned on the seeds' labelled set)."""

    # Minimum score (own evidence plus context prior) for a theme; below it the point is "other".
    # 2.0 means one strong keyword (weight ≥ 2), or two weak ones, or a weak one the article backs.
    threshold: float = 2.0
    # Weight of the article profile prior: a theme holding the whole article adds this much.
    # Below the weight of one strong keyword, so context breaks ties but does not overrule the text.
    context_weight: float = 1.0
    # The prior is used only when the sentence is ambiguous on its own: its best evidence is below
    # the threshold, or the runner-up theme has at least this share of the best one's evidence.
    ambiguity_ratio: float = 0.8
    # A non-primary theme is "secondary" when its score reaches this share of the primary's.
    secondary_ratio: float = 0.6
    # Near-ties go to the theme listed first: a theme listed before the best-scoring one wins when its
    # score reaches this share of the best.  The shipped order puts policy acts (controls, diplomacy,
    # rules) before their objects (chips, models, companies), the way analysts file a mixed sentence.
    # 1.0 turns the rule off (exact ties only).
    precedence_ratio: float = 0.8
    # Local context (assign): the prior mixes the article profile with the evidence of the sentences
    # around the point (up to ``neighbour_window`` either side, a sentence of another paragraph
    # counting half), this share going to the neighbours.
    neighbour_share: float = 0.5
    neighbour_window: int = 2
    # A sentence that opens by pointing back (这项规则, 此举, 该法案 …) is about what its neighbours are
    # about: its prior is applied whether or not it is ambiguous, to every theme of its context, with
    # this weight.  Below one strong keyword plus one weak one, so the sentence's own terms still count.
    anaphora_weight: float = 3.0
    # Points per theme section, and in all sections together.
    per_theme_cap: int = 5
    global_cap: int = 25
    # "other" is shown only for points whose rank score (Point.score, 1.0 for an article's best
    # sentence) reaches this: off-theme points must be among their article's strongest to appear.
    other_min_score: float = 0.5
    # Character-bigram Jaccard similarity at which two points of one theme count as the same text.
    near_duplicate: float = 0.7
    # "model" (the trained classifier, when the taxonomy has the shipped themes) or "keywords".
    classifier: str = "model"
    # Model path: the context distribution q (neighbours and article) enters as ``beta * log q``;
    # a sentence pointing back (此举 …) takes ``anaphora_beta``.  Tuned by leaving one corpus part out.
    context_beta: float = 0.5
    anaphora_beta: float = 3.0
    # A model to use instead of the shipped one (cross-validation, tests); None = the shipped one.
    model: ThemeModel | None = None
    # Multiply in the model's sentence-encoder head (briefing/encoder.py), when the model has one.
    sentence_encoder: bool = True
    # A sentence vector costs 15-20 ms, so a build files every point by words and re-files with the
    # encoder only the points the brief shows (until the shown set no longer changes); True re-files
    # every point (evaluation, where every labelled point is scored).
    encode_every_point: bool = False
    # The encoder reads a sentence only when the words model alone is less sure of it than this
    # (1.0: always).  Held out, 0.9 (or 0.97) leaves the totals as they were (seeds 87.5 %, corpus
    # 85.4 %: one sentence of 2,164 fewer in context) and spares about half the vectors.
    encoder_below: float = 0.9


@dataclass(frozen=True, slots=True)
class Classification:
    """The outcome for one text: the theme, its score, and the evidence behind it."""

    theme: str
    score: float
    keywords: tuple[str, ...]  # the matched keywords of the chosen theme, strongest first
    secondary: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)  # every theme with evidence, prior included
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # matched keywords per theme
    prior: Mapping[str, float] = field(default_factory=dict)  # what the article profile added


# --------------------------------------------------------------------------
# Taxonomy


def default_taxonomy_path() -> Path:
    """Where the shipped taxonomy lives (for messages and `briefing themes`)."""
    return Path(str(resources.files("briefing") / "data" / "themes.toml"))


def load_taxonomy(
    path: str | Path | None = None,
    *,
    mode: Literal["replace", "extend"] = "replace",
) -> list[ThemeSpec]:
    """The theme taxonomy: the shipped one, a user file instead of it, or the shipped one extended.

    ``mode="extend"`` keeps the shipped themes, replaces those whose id the user
    file defines (in place) and appends new ones.  An "other" theme is always
    present (last, unless the file places it).  Raises :class:`ConfigError`
    naming the file and key for anything malformed.
    """
    if mode not in ("replace", "extend"):
        raise ConfigError(f"themes mode must be 'replace' or 'extend', got {mode!r}")
    shipped = _load_text(_shipped_text(), origin=str(default_taxonomy_path()))
    if path is None:
        themes = shipped
    else:
        user = _load_file(Path(path))
        if mode == "replace":
            themes = user
        else:
            by_id = {t.id: t for t in user}
            themes = [by_id.pop(t.id, t) for t in shipped]
            themes += [t for t in user if t.id in by_id]
    if not any(t.id == OTHER for t in themes):
        themes.append(_DEFAULT_OTHER)
    return themes


def _shipped_text() -> str:
    return (resources.files("briefing") / "data" / "themes.toml").read_text(encoding="utf-8")


def _load_file(path: Path) -> list[ThemeSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: theme file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read theme file: {exc}") from exc
    return _load_text(text, origin=str(path))


def _load_text(text: str, *, origin: str) -> list[ThemeSpec]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from exc
    return parse_taxonomy(data, origin=origin)


def parse_taxonomy(data: Mapping[str, Any], *, origin: str = "<themes>") -> list[ThemeSpec]:
    """Validate parsed TOML (``{"theme": [...]}``) into theme specs."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r} (expected [[theme]] tables)")
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{origin}: no themes (expected one or more [[theme]] tables)")
    themes: list[ThemeSpec] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        where = f"{origin}: theme #{index}"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a table")
        theme_id = entry.get("id")
        if not isinstance(theme_id, str) or not _ID_PATTERN.match(theme_id):
            raise ConfigError(f"{where}: key 'id' must be a lowercase identifier (a-z, 0-9, _ or -), got {theme_id!r}")
        where = f"{origin}: theme {theme_id!r}"
        if theme_id in seen:
            raise ConfigError(f"{where}: duplicate id (also theme #{seen[theme_id]})")
        seen[theme_id] = index
        unknown = sorted(set(entry) - _THEME_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_THEME_KEYS))})")
        labels = {}
        for key in ("label_zh", "label_en"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: missing label {key!r}")
            labels[key] = value.strip()
        descriptions = {}
        for key in ("description_zh", "description_en"):
            value = entry.get(key, "")
            if not isinstance(value, str):
                raise ConfigError(f"{where}: key {key!r} must be a string")
            descriptions[key] = value.strip()
        themes.append(
            ThemeSpec(
                id=theme_id,
                **labels,
                **descriptions,
                keywords=_weights(entry.get("keywords", {}), f"{where}: keywords"),
                negative=_weights(entry.get("negative", {}), f"{where}: negative"),
            )
        )
    return themes


def _weights(table: Any, where: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table of \"keyword\" = weight")
    weights: dict[str, float] = {}
    for keyword, weight in table.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
            raise ConfigError(f"{where}.{keyword!r}: weight must be a number, got {weight!r}")
        if weight <= 0:
            raise ConfigError(f"{where}.{keyword!r}: weight must be positive, got {weight!r}")
        clean = keyword.strip()
        if not clean:
            raise ConfigError(f"{where}: empty keyword")
        folded = clean.casefold() if _LATIN.search(clean) else clean
        if folded in weights:
            raise ConfigError(f"{where}.{keyword!r}: duplicate keyword")
        weights[folded] = float(weight)
    return tuple(weights.items())


# --------------------------------------------------------------------------
# Matching


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
class _Matcher:
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
def _matcher(taxonomy: tuple[ThemeSpec, ...]) -> _Matcher:
    def split(pairs: Iterable[tuple[str, str, float]]):
        chinese, latin = [], []
        for theme, keyword, weight in pairs:
            if _LATIN.search(keyword):
                latin.append((theme, keyword, weight, _latin_pattern(keyword)))
            else:
                chinese.append((theme, keyword, weight))
        return tuple(chinese), tuple(latin)

    positives = [(t.id, k, w) for t in taxonomy if t.id != OTHER for k, w in t.keywords]
    negatives = [(t.id, k, w) for t in taxonomy if t.id != OTHER for k, w in t.negative]
    chinese, latin = split(positives)
    negative_chinese, negative_latin = split(negatives)
    return _Matcher(
        tuple(t.id for t in taxonomy),
        chinese,
        latin,
        negative_chinese,
        negative_latin,
        _by_first_character(chinese),
        _by_first_character(negative_chinese),
    )


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    # Keyword edges and the model's words both need a sentence's jieba tokens: cut it once.
    return tuple(tokens(text))


def _word_edges(text: str) -> set[int]:
    edges = {0, len(text)}
    position = 0
    for token in _tokens(text):
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
    own, matched = _evidence(text, _matcher(tuple(taxonomy)))
    return dict(own), dict(matched)  # copies: the cached originals must not change


# Each sentence's evidence is asked for several times (the article profile,
# the neighbours' context, the point itself); it depends only on the text.
@functools.lru_cache(maxsize=65536)
def _evidence(text: str, matcher: _Matcher) -> tuple[dict[str, float], dict[str, tuple[str, ...]]]:
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


# --------------------------------------------------------------------------
# The trained model

CLASSIFIERS = ("model", "keywords")
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9\-]+$")


@dataclass(frozen=True, slots=True, eq=False)
class EncoderHead:
    """A multinomial logistic regression over sentence vectors (:mod:`briefing.encoder`), one row per class."""

    encoder: str  # the vectors it was trained on (encoder.ENCODER_ID)
    fusion: float  # its log-probabilities enter the words model's with this weight
    intercept: numpy.ndarray  # (classes,)
    weights: numpy.ndarray  # (classes, dimensions); the training vectors' standardisation is folded in

    def probabilities(self, vector: numpy.ndarray) -> numpy.ndarray:
        logits = self.intercept + self.weights @ vector.astype(numpy.float64)
        exps = numpy.exp(logits - logits.max())
        return exps / exps.sum()


@dataclass(frozen=True, slots=True, eq=False)
class ThemeModel:
    """A multinomial logistic regression over :func:`model_features` (see scripts/train_theme_model.py),
    with an optional second one over sentence vectors whose probabilities are multiplied in."""

    themes: tuple[str, ...]  # its classes, in the shipped taxonomy's order ("other" included)
    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]  # feature -> one weight per class
    trained_on: Mapping[str, Any] = field(default_factory=dict)  # provenance: inputs and their digest (--check)
    encoder: EncoderHead | None = None


def model_path() -> Path:
    return Path(str(resources.files("briefing") / "data" / "themes_model.json"))


def parse_model(data: Mapping[str, Any], *, origin: str = "<model>") -> ThemeModel:
    try:
        themes = tuple(str(t) for t in data["themes"])
        intercept = tuple(float(b) for b in data["intercept"])
        weights = {str(f): tuple(float(w) for w in ws) for f, ws in data["weights"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{origin}: malformed theme model: {exc}") from exc
    if len(intercept) != len(themes) or any(len(ws) != len(themes) for ws in weights.values()):
        raise ConfigError(f"{origin}: malformed theme model: weights do not match its {len(themes)} themes")
    head = None
    if data.get("encoder") is not None:
        try:
            table = data["encoder"]
            head = EncoderHead(
                str(table["id"]),
                float(table["fusion"]),
                numpy.asarray(table["intercept"], dtype=numpy.float64),
                numpy.asarray(table["weights"], dtype=numpy.float64),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{origin}: malformed theme model encoder head: {exc}") from exc
        if head.intercept.shape != (len(themes),) or head.weights.ndim != 2 or head.weights.shape[0] != len(themes):
            raise ConfigError(f"{origin}: malformed theme model: encoder head does not match its {len(themes)} themes")
    return ThemeModel(themes, intercept, weights, dict(data.get("trained_on", {})), head)


@functools.lru_cache(maxsize=1)
def load_model() -> ThemeModel | None:
    """The shipped model, or None if the package has none (then keywords decide)."""
    path = model_path()
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ConfigError(f"{path}: invalid JSON: {exc}") from exc
    return parse_model(data, origin=str(path))


def model_for(taxonomy: Sequence[ThemeSpec], settings: ThemeSettings = ThemeSettings()) -> ThemeModel | None:
    """The model that files points under ``taxonomy``, or None when keywords must.

    The model can only score the themes it was trained on: it applies when the
    taxonomy has exactly those themes (their keywords may be edited: the
    keyword evidence is one of its inputs).
    """
    if settings.classifier not in CLASSIFIERS:
        raise ConfigError(f"themes classifier must be one of {', '.join(CLASSIFIERS)}, got {settings.classifier!r}")
    if settings.classifier != "model":
        return None
    model = settings.model or load_model()
    if model is None or tuple(t.id for t in taxonomy) != model.themes:
        return None
    return model


def content_words(text: str) -> tuple[str, ...]:
    """The distinct content words of a simplified sentence, in order: Han words of two or more characters, Latin names."""
    stop = stopwords()
    seen: dict[str, None] = {}
    for token in _tokens(text):
        token = token.strip()
        if not token or token in stop:
            continue
        if _HAN_WORD.match(token):
            seen.setdefault(token)
        elif _LATIN_WORD.match(token):
            seen.setdefault(token.casefold())
    return tuple(seen)


def model_features(text: str, taxonomy: Sequence[ThemeSpec]) -> dict[str, float]:
    """What the model reads: ``w:<word>`` = 1 per content word, ``k:<theme>`` = log(1 + keyword score)."""
    return _model_features(text, _matcher(tuple(taxonomy)))


def _model_features(text: str, matcher: _Matcher) -> dict[str, float]:
    features = {f"w:{word}": 1.0 for word in content_words(text)}
    own, _ = _evidence(text, matcher)
    for theme, score in own.items():
        features[f"k:{theme}"] = math.log1p(score)
    return features


def probabilities(text: str, taxonomy: Sequence[ThemeSpec], model: ThemeModel) -> dict[str, float]:
    """The model's probability of each theme for ``text`` on its own."""
    return dict(_probabilities(text, _matcher(tuple(taxonomy)), model))


# Keyed by the matcher (one per taxonomy, compared by identity) rather than the
# taxonomy itself: hashing every keyword of every theme per sentence is the
# cost the matcher cache exists to pay once.
@functools.lru_cache(maxsize=65536)
def _probabilities(text: str, matcher: _Matcher, model: ThemeModel) -> tuple[tuple[str, float], ...]:
    logits = list(model.intercept)
    for feature, value in _model_features(text, matcher).items():
        weights = model.weights.get(feature)
        if weights:
            for index, weight in enumerate(weights):
                logits[index] += weight * value
    return tuple(_normalised(dict(zip(model.themes, logits, strict=True))).items())


def _explain(text: str, taxonomy: Sequence[ThemeSpec], model: ThemeModel, theme: str) -> tuple[str, ...]:
    """The words that pushed ``text`` towards ``theme``: its matched keywords, then its strongest model words."""
    index = model.themes.index(theme)
    _, matched = evidence(text, taxonomy)
    keywords = list(matched.get(theme, ()))
    learned = sorted(
        (
            (-model.weights[f"w:{word}"][index], word)
            for word in content_words(text)
            if f"w:{word}" in model.weights and model.weights[f"w:{word}"][index] >= _EXPLAIN_MIN
        ),
    )
    keywords += [word for _, word in learned if word not in keywords]
    return tuple(keywords[:8])


_EPSILON = 1e-3  # a context that rules a theme out still leaves it a chance
_EXPLAIN_MIN = 0.3  # a word named as evidence must weigh at least this for the theme (generic words weigh less)


# --------------------------------------------------------------------------
# Classification


def classify(
    text: str,
    taxonomy: Sequence[ThemeSpec],
    *,
    profile: Mapping[str, float] | None = None,
    settings: ThemeSettings = ThemeSettings(),
    vector: numpy.ndarray | None = None,
) -> Classification:
    """File ``text`` (simplified Chinese, i.e. ``Sentence.norm``) under one theme.

    With the model, the sentence's own probabilities are the words model's,
    times the sentence-encoder head's raised to its fusion weight (when the
    model has a head, ``settings.sentence_encoder`` is on and the encoder
    loads); ``vector`` is the text's sentence vector if the caller has it.

    ``profile`` is the article's theme shares (see :func:`article_profiles`).
    When the text alone is ambiguous (weak or near-tied evidence) it adds
    ``settings.context_weight * share`` to the themes the text already gives
    evidence for.  Ties go to the theme listed first in the taxonomy.
    """
    model = model_for(taxonomy, settings)
    if model is not None:
        own = probabilities(text, taxonomy, model)
        head = _encoder_head(model, settings)
        if head is not None and _reads_vector(text, profile) and _unsure(own, settings):
            if vector is None:
                encoder = sentence_encoder.load()
                vector = encoder.embed([text])[0] if encoder is not None else None
            if vector is not None:
                own = _fuse(own, head, vector)
        return _classify_with_model(text, taxonomy, model, own, profile, settings)
    own, matched = evidence(text, taxonomy)
    prior: dict[str, float] = {}
    if profile and is_anaphoric(text):
        prior = {
            theme: round(settings.anaphora_weight * float(share), 6)
            for theme, share in profile.items()
            if theme != OTHER and share > 0
        }
    elif profile and _ambiguous(own, settings):
        prior = {
            theme: round(settings.context_weight * float(profile.get(theme, 0.0)), 6)
            for theme in own
            if profile.get(theme, 0.0) > 0
        }
    scores = {theme: round(own.get(theme, 0.0) + prior.get(theme, 0.0), 6) for theme in {*own, *prior}}
    order = {theme.id: index for index, theme in enumerate(taxonomy)}
    ranked = sorted(scores, key=lambda theme: (-scores[theme], order.get(theme, len(order))))
    if not ranked or scores[ranked[0]] < settings.threshold:
        best = scores[ranked[0]] if ranked else 0.0
        return Classification(OTHER, best, (), (), scores, matched, prior)
    # Near-ties go to the theme listed first (policy act over its object).
    contenders = [t for t in ranked if scores[t] >= settings.precedence_ratio * scores[ranked[0]]]
    primary = min(contenders, key=lambda theme: order.get(theme, len(order)))
    ranked = [primary] + [t for t in ranked if t != primary]
    floor = max(settings.threshold, settings.secondary_ratio * scores[primary])
    secondary = tuple(theme for theme in ranked[1:] if scores[theme] >= floor)
    return Classification(primary, scores[primary], matched.get(primary, ()), secondary, scores, matched, prior)


def _encoder_head(model: ThemeModel, settings: ThemeSettings) -> EncoderHead | None:
    head = model.encoder
    if head is None or not settings.sentence_encoder or head.encoder != sentence_encoder.ENCODER_ID:
        return None
    return head


def _reads_vector(text: str, profile: Mapping[str, float] | None) -> bool:
    """Whether the encoder head has a say: not on a sentence pointing back (此举…) at a known context.

    Such a sentence is about what its neighbours name; its vector says only
    which stories sentences like it followed in the training text (此举…企业…
    不确定性 mostly after export controls), and that must not outvote the story
    it follows here.  Held out, leaving them to the words model changes no
    figure (they are rare); it keeps the pointing back honest.
    """
    return not (profile and is_anaphoric(text))


def _unsure(own: Mapping[str, float], settings: ThemeSettings) -> bool:
    """Whether the words model alone is unsure enough of a sentence for the encoder to read it."""
    return max(own.values()) < settings.encoder_below


def _fuse(own: Mapping[str, float], head: EncoderHead, vector: numpy.ndarray) -> dict[str, float]:
    """``own * head(vector) ** fusion``, normalised: a product of experts, each sure only where it has seen such text."""
    encoded = head.probabilities(vector)
    return _normalised({
        theme: math.log(max(p, 1e-12)) + head.fusion * math.log(max(float(q), 1e-12))
        for (theme, p), q in zip(own.items(), encoded, strict=True)
    })


def _normalised(logits: Mapping[str, float]) -> dict[str, float]:
    """Probabilities from log-scores (softmax; the largest is subtracted first, so nothing overflows)."""
    top = max(logits.values())
    mass = sum(math.exp(v - top) for v in logits.values())
    return {theme: math.exp(v - top) / mass for theme, v in logits.items()}


def _classify_with_model(
    text: str,
    taxonomy: Sequence[ThemeSpec],
    model: ThemeModel,
    own: Mapping[str, float],
    profile: Mapping[str, float] | None,
    settings: ThemeSettings,
) -> Classification:
    """The model's choice: own log-probability plus ``beta * log(context share)``, normalised again.

    The context is a distribution over the same themes (the neighbours' and
    the article's probabilities); a sentence pointing back leans on it harder
    (``anaphora_beta``).  Ties go to the theme listed first.
    """
    logits = {theme: math.log(max(p, 1e-12)) for theme, p in own.items()}
    prior: dict[str, float] = {}
    if profile:
        beta = settings.anaphora_beta if is_anaphoric(text) else settings.context_beta
        prior = {theme: beta * math.log(float(profile.get(theme, 0.0)) + _EPSILON) for theme in own}
        logits = {theme: logits[theme] + prior[theme] for theme in own}
    posterior = {theme: round(p, 6) for theme, p in _normalised(logits).items()}
    order = {theme: index for index, theme in enumerate(model.themes)}
    primary = min(posterior, key=lambda theme: (-posterior[theme], order[theme]))
    _, matched = evidence(text, taxonomy)
    secondary = tuple(
        theme
        for theme in sorted(posterior, key=lambda t: (-posterior[t], order[t]))
        if theme not in (primary, OTHER) and posterior[theme] >= settings.secondary_ratio * posterior[primary]
    )
    keywords = _explain(text, taxonomy, model, primary) if primary != OTHER else ()
    scores = {theme: p for theme, p in posterior.items() if p >= 0.01}
    return Classification(
        primary, posterior[primary], keywords, secondary, scores, matched, {t: round(v, 6) for t, v in prior.items()}
    )


# A demonstrative pointing back at a measure, rule or act, near the start of the sentence (after an
# optional speaker tag such as "特里奥罗:").  Grammar, not topic: it says "same subject as before".
_ANAPHOR = re.compile(
    r"^(?:[^,，:：。]{1,8}[:：])?.{0,8}?"
    r"(?:这项|此项|该项|上述|此举|这些措施|(?:这一|该|此|这个)[^,，。:：]{0,8}?"
    r"(?:规则|措施|规定|政策|法案|禁令|举措|决定|新规|限制|条例|办法|协议|声明))"
)


def is_anaphoric(text: str) -> bool:
    """Whether ``text`` opens by pointing back at something its neighbours named (这项规则, 此举 …)."""
    return bool(_ANAPHOR.match(text))


def _ambiguous(own: Mapping[str, float], settings: ThemeSettings) -> bool:
    """Weak (best below the threshold) or near-tied (runner-up within ``ambiguity_ratio``) evidence."""
    ranked = sorted(own.values(), reverse=True)
    if not ranked:
        return False
    return ranked[0] < settings.threshold or (len(ranked) > 1 and ranked[1] >= settings.ambiguity_ratio * ranked[0])


def article_profiles(
    sentences: Iterable[Sentence],
    taxonomy: Sequence[ThemeSpec],
    settings: ThemeSettings = ThemeSettings(),
) -> dict[str, dict[str, float]]:
    """Each article's theme shares (summing to 1), keyed by source path.

    Every sentence casts one vote, split over the themes by the model's
    probabilities, or (keywords classifier) in proportion to its keyword
    evidence if it has any, so a long sentence counts no more than a short
    one.  Articles without any evidence get an empty profile.
    """
    totals: dict[str, dict[str, float]] = {}
    for sentence in sentences:
        article = totals.setdefault(sentence.source.path, {})
        for theme, share in _distribution(sentence.norm, taxonomy, settings).items():
            article[theme] = article.get(theme, 0.0) + share
    profiles: dict[str, dict[str, float]] = {}
    for path in sorted(totals):
        article = totals[path]
        mass = sum(article.values())
        profiles[path] = {theme: round(article[theme] / mass, 6) for theme in sorted(article)} if mass else {}
    return profiles


def assign(
    points: list[Point],
    taxonomy: Sequence[ThemeSpec],
    *,
    profiles: Mapping[str, Mapping[str, float]] | None = None,
    settings: ThemeSettings = ThemeSettings(),
) -> None:
    """Fill ``theme``, ``theme_score``, ``secondary_themes`` and ``keywords`` of every point.

    A merged point is classified by its representative sentence.  Its context
    is local first: the evidence of the points around it in the same article
    (``neighbour_window`` either side, in position order; another paragraph
    counts half, a farther sentence half again), mixed ``neighbour_share`` to
    the rest with the article's profile.  Points come with their article, and
    a sentence is most often about what the sentences beside it are about.

    Every point is filed by the words model first (the context always comes
    from it: cheap, and every sentence has it); then, with a sentence-encoder
    head, the points :func:`select_sections` would show (or every point,
    ``encode_every_point``) are filed again with the encoder's probabilities
    multiplied in, those of them the words model alone is less than
    ``encoder_below`` sure of (held out, this halves the vectors and leaves
    the accuracy totals as they were).
    A point further down its theme keeps the words model's
    filing: it is not shown either way, unless the encoder would move it to a
    theme where it would be, which this leaves unseen to keep a build's cost
    at a few dozen vectors whatever the number of articles.
    """
    local = _neighbour_profiles(points, taxonomy, settings)
    contexts: list[dict[str, float] | None] = []
    by_words = replace(settings, sentence_encoder=False)
    for index, point in enumerate(points):
        article = (profiles or {}).get(point.sentence.source.path) or {}
        share = 1.0 if is_anaphoric(point.sentence.norm) else settings.neighbour_share
        contexts.append(_mix(local.get(index, {}), article, share) or None)
        _file(point, classify(point.sentence.norm, taxonomy, profile=contexts[index], settings=by_words))
    model = model_for(taxonomy, settings)
    encoder = sentence_encoder.load() if model is not None and _encoder_head(model, settings) else None
    if encoder is None:
        return
    refined: set[int] = set()

    def refile(indices: list[int]) -> None:
        refined.update(indices)
        todo = [
            i
            for i in indices
            if _reads_vector(points[i].sentence.norm, contexts[i])
            and _unsure(probabilities(points[i].sentence.norm, taxonomy, model), settings)
        ]
        for index, vector in zip(todo, encoder.embed([points[i].sentence.norm for i in todo]), strict=True):
            point = points[index]
            _file(point, classify(point.sentence.norm, taxonomy, profile=contexts[index], settings=settings, vector=vector))

    if settings.encode_every_point:
        refile(list(range(len(points))))
        return
    # Re-filing can move a shown point to another theme and let the next one in: repeat until
    # every point the sections show has been re-filed (each round adds one or more, so it ends).
    index_of = {id(point): index for index, point in enumerate(points)}
    while True:
        shown = [index_of[id(p)] for section in select_sections(points, taxonomy, settings) for p in section.points]
        todo = [index for index in shown if index not in refined]
        if not todo:
            return
        refile(todo)


def _file(point: Point, result: Classification) -> None:
    point.theme = result.theme
    point.theme_score = result.score
    point.secondary_themes = list(result.secondary)
    point.keywords = list(result.keywords)


def _rank_key(point: Point) -> tuple:
    """Best first: rank score, then source order, then text (a total order, so selection is deterministic)."""
    return (-point.score, source_order_key(point), point.sentence.norm)


def _distribution(text: str, taxonomy: Sequence[ThemeSpec], settings: ThemeSettings) -> dict[str, float]:
    """A sentence's own vote over themes (summing to 1, or empty): model probabilities or keyword shares."""
    model = model_for(taxonomy, settings)
    if model is not None:
        return probabilities(text, taxonomy, model)
    return _shares(evidence(text, taxonomy)[0])


def _shares(scores: Mapping[str, float]) -> dict[str, float]:
    mass = sum(scores.values())
    return {theme: score / mass for theme, score in scores.items()} if mass > 0 else {}


def _mix(local: Mapping[str, float], article: Mapping[str, float], local_share: float) -> dict[str, float]:
    """``local_share`` of the neighbours' shares plus the rest of the article's (either alone if the other is empty)."""
    if not local:
        return dict(article)
    if not article:
        return dict(local)
    themes = sorted({*local, *article})
    return {t: round(local_share * local.get(t, 0.0) + (1 - local_share) * article.get(t, 0.0), 6) for t in themes}


def _neighbour_profiles(
    points: Sequence[Point], taxonomy: Sequence[ThemeSpec], settings: ThemeSettings
) -> dict[int, dict[str, float]]:
    """For each point (by index): the theme shares of the points around it in its article."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for index, point in enumerate(points):
        by_article[point.sentence.source.path].append(index)
    own = [_distribution(point.sentence.norm, taxonomy, settings) for point in points]
    local: dict[int, dict[str, float]] = {}
    for members in by_article.values():
        members.sort(key=lambda i: (points[i].sentence.position, i))
        for rank, index in enumerate(members):
            here = points[index].sentence
            totals: dict[str, float] = defaultdict(float)
            # A sentence pointing back (这项规则 …) takes its context from the sentences before it only.
            backward = is_anaphoric(here.norm)
            for step in range(1, settings.neighbour_window + 1):
                for other_rank in (rank - step,) if backward else (rank - step, rank + step):
                    if not 0 <= other_rank < len(members):
                        continue
                    other = points[members[other_rank]].sentence
                    weight = 0.5 ** (step - 1) * (1.0 if other.paragraph == here.paragraph else 0.5)
                    for theme, share in own[members[other_rank]].items():
                        totals[theme] += weight * share
            shares = _shares(totals)
            if shares:
                local[index] = {theme: round(shares[theme], 6) for theme in sorted(shares)}
    return local


# --------------------------------------------------------------------------
# Section selection


def source_order_key(point: Point) -> tuple:
    """Article date (undated last), then source path, then position in the article."""
    source = point.sentence.source
    return (source.date is None, source.date or dt.date.min, source.path, point.sentence.position)


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace() and c not in _PUNCTUATION]
    return {a + b for a, b in zip(chars, chars[1:])} or set(chars)


_PUNCTUATION = set("，。！？、；：“”‘’（）《》【】—…·,.!?;:'\"()[]<>-")


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def select_sections(
    points: list[Point],
    taxonomy: Sequence[ThemeSpec],
    settings: ThemeSettings = ThemeSettings(),
) -> list[ThemeSection]:
    """The brief's theme sections.

    Within a theme the best points by rank score (``Point.score``) win, up to
    ``per_theme_cap``, skipping near-duplicates of an already chosen point;
    then the best ``global_cap`` of all chosen points are kept.  Sections list
    their points in source order and are ordered by salience (sum of their
    points' scores), with "other" always last and shown only for points whose
    score reaches ``other_min_score``.  Rank scores are normalised so that each
    article's best sentence scores 1.0, so the bar is absolute: it must not
    drop when --new-only has removed the strong points.  Empty themes are left out.
    """
    specs = {theme.id: theme for theme in taxonomy}
    if OTHER not in specs:
        specs[OTHER] = _DEFAULT_OTHER
    order = {theme_id: index for index, theme_id in enumerate(specs)}

    by_theme: dict[str, list[Point]] = defaultdict(list)
    for point in points:
        theme = point.theme if point.theme in specs else OTHER
        if theme == OTHER and point.score < settings.other_min_score:
            continue
        by_theme[theme].append(point)

    chosen: list[tuple[str, Point]] = []
    for theme in sorted(by_theme, key=order.__getitem__):
        kept: list[tuple[Point, set[str]]] = []
        for point in sorted(by_theme[theme], key=_rank_key):
            if len(kept) >= settings.per_theme_cap:
                break
            grams = _bigrams(point.sentence.norm)
            if any(_jaccard(grams, other) >= settings.near_duplicate for _, other in kept):
                continue
            kept.append((point, grams))
        chosen += [(theme, point) for point, _ in kept]

    chosen.sort(key=lambda pair: _rank_key(pair[1]))
    chosen = chosen[: max(settings.global_cap, 0)]

    sections: list[ThemeSection] = []
    grouped: dict[str, list[Point]] = defaultdict(list)
    for theme, point in chosen:
        grouped[theme].append(point)
    for theme, members in grouped.items():
        members.sort(key=source_order_key)
        zh, en = overview(members)
        sections.append(
            ThemeSection(
                theme=specs[theme],
                points=members,
                salience=round(sum(p.score for p in members), 6),
                overview_zh=zh,
                overview_en=en,
            )
        )
    sections.sort(key=lambda s: (s.theme.id == OTHER, -s.salience, order[s.theme.id]))
    return sections


# --------------------------------------------------------------------------
# Overview line

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def overview(points: Sequence[Point]) -> tuple[str, str]:
    """One line in each language: how many points, from how many outlets, over which dates.

    Outlets are counted over every source of every point (an unknown outlet
    counts once per file).  Full dates give a range; month-day dates (no year
    known, never invented) are used only when no source has a full date.
    """
    sources: dict[str, Source] = {}
    for point in points:
        for source in point.sources:
            sources.setdefault(source.path, source)
    outlets = len({s.outlet or s.path for s in sources.values()})
    count = len(points)
    dates_zh, dates_en = _date_span(list(sources.values()))
    zh = f"{count} 条要点，来自 {outlets} 家媒体，{dates_zh}"
    en = f"{_plural(count, 'point', 'points')} from {_plural(outlets, 'outlet', 'outlets')}, {dates_en}"
    return zh, en


def _date_span(sources: list[Source]) -> tuple[str, str]:
    dated = sorted(s.date for s in sources if s.date is not None)
    undated = len(sources) - len(dated)
    if dated:
        zh, en = _range_zh(dated[0], dated[-1]), _range_en(dated[0], dated[-1])
        if undated:
            zh += f"（另有 {undated} 篇未注明日期）"
            en += f" (plus {_plural(undated, 'undated source', 'undated sources')})"
        return zh, en
    month_days = sorted(
        {(int(m.group(1)), int(m.group(2))) for s in sources if s.date_text and (m := _MONTH_DAY.search(s.date_text))}
        | {_iso_month_day(s.date_text) for s in sources if s.date_text and _iso_month_day(s.date_text)}
    )
    month_days = [md for md in month_days if 1 <= md[0] <= 12 and 1 <= md[1] <= 31]
    if month_days:
        (m1, d1), (m2, d2) = month_days[0], month_days[-1]
        if (m1, d1) == (m2, d2):
            zh, en = f"{m1}月{d1}日", f"{d1} {_MONTHS[m1 - 1]}"
        elif m1 == m2:
            zh, en = f"{m1}月{d1}日至{m2}月{d2}日", f"{d1}–{d2} {_MONTHS[m1 - 1]}"
        else:
            zh, en = f"{m1}月{d1}日至{m2}月{d2}日", f"{d1} {_MONTHS[m1 - 1]} – {d2} {_MONTHS[m2 - 1]}"
        return f"{zh}（年份未注明）", f"{en} (year not stated)"
    return "日期不详", "undated"


def _iso_month_day(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(?:--)?(\d{1,2})-(\d{1,2})\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _range_zh(first: dt.date, last: dt.date) -> str:
    start = f"{first.year}年{first.month}月{first.day}日"
    if first == last:
        return start
    if first.year == last.year:
        return f"{start}至{last.month}月{last.day}日"
    return f"{start}至{last.year}年{last.month}月{last.day}日"


def _range_en(first: dt.date, last: dt.date) -> str:
    def full(day: dt.date) -> str:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

    if first == last:
        return full(first)
    if first.year == last.year:
        if first.month == last.month:
            return f"{first.day}–{last.day} {_MONTHS[first.month - 1]} {first.year}"
        return f"{first.day} {_MONTHS[first.month - 1]} – {full(last)}"
    return f"{full(first)} – {full(last)}"


__all__ = [
    "CLASSIFIERS",
    "OTHER",
    "ThemeModel",
    "Classification",
    "ThemeSettings",
    "article_profiles",
    "assign",
    "classify",
    "default_taxonomy_path",
    "evidence",
    "is_anaphoric",
    "load_model",
    "load_taxonomy",
    "model_features",
    "model_for",
    "overview",
    "parse_model",
    "parse_taxonomy",
    "probabilities",
    "select_sections",
    "source_order_key",
]
