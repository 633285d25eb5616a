"""Sentence salience within one article: TextRank with news priors, and MMR selection.

The graph is TextRank's (Mihalcea & Tarau 2004): sentences are nodes, edge
weights the token overlap ``|Si ∩ Sj| / (log|Si| + log|Sj|)`` of their content
tokens (:func:`briefing.tokenize.features`), scores the stationary
distribution of a random walk with damping 0.85, found by power iteration.

News is written top-down, so plain centrality loses to "take the first
sentences" (Lead).  Ours adds the genre, each piece a smooth function with one
or two parameters, all in :class:`RankSettings`:

* a personalised walk: the walker restarts at early sentences more often
  (restart weight ``exp(-position / position_scale)``);
* a position prior on the final score (``position_weight``): where centrality
  is flat, the earlier sentence wins;
* similarity to the title, where the article has a real one;
* a length prior: fragments ("显示图片", a byline) are unlikely summaries;
* MMR (``select``) so that the top k do not repeat one another.

Scores are divided by the article's best score, so every article's best
sentence scores 1.0 and the rest are fractions of it: comparable across
articles in the sense "how close to this article's main point", independent
of how many sentences the article has.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from briefing import reworded, segment
from briefing.clean import normalize_for_analysis
from briefing.models import Sentence, Source
from briefing.tokenize import features


@dataclass(frozen=True, slots=True)
class RankSettings:
    """Every tunable of the ranker, with the defaults used in production.

    The score of sentence i is a product of smooth factors, each with one
    parameter (an exponent or a scale; 0/None switches a factor off)::

        pagerank_i ** centrality_weight              (TextRank, personalised)
        × exp(-i / position_scale) ** position_weight (earlier is likelier)
        × centroid_i ** centroid_weight               (cosine to the article's word counts)
        × han_i ** han_weight                         (share of Han chars in the first han_prefix)
        × (1 - exp(-chars_i / length_scale))          (fragments damped)
        × (1 + title_weight · title_overlap_i)        (only with a real title)

    Defaults were chosen on the even lines of the NLPCC 2017 dev set and
    checked on the odd lines (``benchmarks/summarizer.py`` prints both); round
    values inside a flat region of the grid were preferred over the grid's best
    cell, which moved by ±0.5 ROUGE from cell to cell (noise at 250 articles).
    """

    damping: float = 0.85
    """PageRank damping: the probability of following an edge rather than restarting."""
    tolerance: float = 1e-6
    """Power iteration stops when the L1 change of the score vector is below this."""
    max_iterations: int = 100
    """Power iteration cap (the graphs are small; 20–50 steps are typical)."""
    position_scale: float | None = 4.0
    """Restart distribution and position prior ∝ exp(-position / position_scale); None: uniform.
    News puts its point first: with 4, the fifth sentence restarts e^-1 as often as the first."""
    position_weight: float = 1.0
    """Exponent of the position prior on the final score (0: position only steers the walk)."""
    centrality_weight: float = 0.5
    """Exponent of the PageRank score.  1 is textbook TextRank; 0.5 keeps centrality as a
    tie-breaker among early sentences instead of letting one long, word-rich sentence win."""
    centroid_weight: float = 0.5
    """Exponent of the cosine between a sentence's words and the article's word counts."""
    han_weight: float = 2.0
    """Exponent of the Han-character share of the sentence's first ``han_prefix`` content
    characters: datelines, bylines and stock tickers ("2015-04-25 12:02 …") rank lower but are
    not dropped (a dateline with a real lead after it keeps most of its score)."""
    han_prefix: int = 40
    """Content characters read for the Han share (what a reader sees first)."""
    length_scale: float | None = 5.0
    """Length prior 1 - exp(-content_chars / length_scale): damps 2–5 char fragments; None: off."""
    title_weight: float = 0.5
    """Final score × (1 + title_weight · share of the title's words in the sentence)."""
    mmr_lambda: float = 0.7
    """MMR trade-off in ``select``: 1 = pure score order, lower = more diversity."""

    @classmethod
    def plain(cls) -> RankSettings:
        """Textbook TextRank: M&T overlap, d = 0.85, no priors, no MMR (the benchmark baseline)."""
        return cls(
            position_scale=None,
            position_weight=0.0,
            centrality_weight=1.0,
            centroid_weight=0.0,
            han_weight=0.0,
            length_scale=None,
            title_weight=0.0,
            mmr_lambda=1.0,
        )


# --- graph -----------------------------------------------------------------


def _incidence(feature_sets: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """Binary sentence × word matrix (each word counted once per sentence)."""
    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    for words in feature_sets:
        indices.extend(vocabulary.setdefault(word, len(vocabulary)) for word in dict.fromkeys(words))
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.ones(len(indices)), indices, indptr),
        shape=(len(feature_sets), max(1, len(vocabulary))),
    )


def _overlaps(incidence: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(shared-word counts between sentences, words per sentence)."""
    overlap = (incidence @ incidence.T).toarray()
    return overlap, overlap.diagonal().copy()


def _mt_similarity(overlap: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    logs = np.log(np.maximum(sizes, 1.0))
    denominator = logs[:, None] + logs[None, :]
    similarity = np.where(denominator > 0, overlap / np.where(denominator > 0, denominator, 1.0), overlap)
    np.fill_diagonal(similarity, 0.0)
    return similarity


def _cosine(overlap: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    norms = np.sqrt(sizes)
    scale = np.where(norms > 0, norms, 1.0)
    return overlap / scale[:, None] / scale[None, :]


def overlap_similarity(feature_sets: Sequence[Sequence[str]]) -> np.ndarray:
    """Mihalcea & Tarau similarity matrix, zero diagonal.

    ``|Si ∩ Sj| / (log|Si| + log|Sj|)`` over distinct words; a pair whose
    denominator is 0 (both one-word sentences) gets the bare overlap.
    """
    if len(feature_sets) == 0:
        return np.zeros((0, 0))
    return _mt_similarity(*_overlaps(_incidence(feature_sets)))


def cosine_similarity(feature_sets: Sequence[Sequence[str]]) -> np.ndarray:
    """Cosine of the binary word sets (1 on the diagonal of non-empty sentences)."""
    if len(feature_sets) == 0:
        return np.zeros((0, 0))
    return _cosine(*_overlaps(_incidence(feature_sets)))


def pagerank(
    weights: np.ndarray,
    *,
    damping: float = 0.85,
    restart: np.ndarray | None = None,
    tolerance: float = 1e-6,
    max_iterations: int = 100,
) -> np.ndarray:
    """Stationary scores of a weighted random walk with restarts (sums to 1).

    ``weights[i, j]`` is the edge i→j; each row is normalised to a transition
    distribution.  A node without edges restarts (its mass goes to ``restart``,
    uniform by default), so the result is a proper distribution.
    """
    n = weights.shape[0]
    if n == 0:
        return np.zeros(0)
    restart = np.full(n, 1.0 / n) if restart is None else np.asarray(restart, dtype=np.float64) / np.sum(restart)
    out_weight = weights.sum(axis=1)
    dangling = out_weight <= 0
    transition = weights / np.where(dangling, 1.0, out_weight)[:, None]
    transition_t = np.ascontiguousarray(transition.T)
    scores = restart.copy()
    for _ in range(max_iterations):
        walked = transition_t @ scores + scores[dangling].sum() * restart
        updated = (1.0 - damping) * restart + damping * walked
        change = np.abs(updated - scores).sum()
        scores = updated
        if change < tolerance:
            break
    return scores


# --- priors ----------------------------------------------------------------


_HAN = re.compile("[\u4e00-\u9fff]")


def _content_counts(text: str, prefix: int) -> tuple[int, float]:
    """(content characters, Han share of the first ``prefix`` content characters)."""
    content = "".join(filter(str.isalnum, text))
    head = content[:prefix]
    return len(content), len(_HAN.findall(head)) / max(1, len(head))


def _centroid(incidence: sparse.csr_matrix, sizes: np.ndarray) -> np.ndarray:
    """Cosine between each sentence's word set and the article's word counts."""
    counts = np.asarray(incidence.sum(axis=0)).ravel()
    norm = np.sqrt(float(counts @ counts))
    if norm == 0:
        return np.zeros(incidence.shape[0])
    return (incidence @ counts) / np.sqrt(np.where(sizes > 0, sizes, 1.0)) / norm


def _title_overlap(feature_sets: Sequence[Sequence[str]], title: str) -> np.ndarray:
    """Share of the title's content words that each sentence contains (0–1)."""
    title_words = set(features(title))
    if not title_words:
        return np.zeros(len(feature_sets))
    return np.array([len(title_words.intersection(words)) / len(title_words) for words in feature_sets])


def _position_prior(n: int, scale: float | None) -> np.ndarray:
    if scale is None:
        return np.ones(n)
    return np.exp(-np.arange(n) / scale)


def _scores(
    texts: Sequence[str], feature_sets: Sequence[Sequence[str]], title: str | None, settings: RankSettings
) -> np.ndarray:
    return _scores_and_overlap(texts, feature_sets, title, settings)[0]


def _scores_and_overlap(
    texts: Sequence[str], feature_sets: Sequence[Sequence[str]], title: str | None, settings: RankSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores (best = 1), and the shared-word counts and sizes for MMR."""
    n = len(texts)
    if n == 0:
        return np.zeros(0), np.zeros((0, 0)), np.zeros(0)
    incidence = _incidence(feature_sets)
    overlap, sizes = _overlaps(incidence)
    position = _position_prior(n, settings.position_scale)
    scores = pagerank(
        _mt_similarity(overlap, sizes),
        damping=settings.damping,
        restart=position,
        tolerance=settings.tolerance,
        max_iterations=settings.max_iterations,
    )
    if settings.centrality_weight != 1.0:
        scores = scores**settings.centrality_weight
    if settings.position_weight:
        scores = scores * position**settings.position_weight
    if settings.centroid_weight:
        scores = scores * np.maximum(_centroid(incidence, sizes), 1e-3) ** settings.centroid_weight
    if settings.length_scale is not None or settings.han_weight:
        counts = np.array([_content_counts(text, settings.han_prefix) for text in texts], dtype=np.float64)
        if settings.length_scale is not None:
            scores = scores * (1.0 - np.exp(-counts[:, 0] / settings.length_scale))
        if settings.han_weight:
            scores = scores * np.maximum(counts[:, 1], 1e-3) ** settings.han_weight
    if title and settings.title_weight:
        scores = scores * (1.0 + settings.title_weight * _title_overlap(feature_sets, title))
    best = scores.max()
    return (scores / best if best > 0 else np.zeros(n)), overlap, sizes


def rank(
    sentences: Sequence[Sentence], *, title: str | None = None, settings: RankSettings = RankSettings()
) -> list[float]:
    """Salience of each sentence of one article, aligned with the input.

    Scores are in [0, 1], the article's best sentence at 1.0 (see the module
    docstring).  ``title`` should be the article's real title, not one derived
    from its first line.
    """
    texts = [s.norm for s in sentences]
    feature_sets = [features(text) for text in texts]
    return _scores(texts, feature_sets, _norm(title) if title else None, settings).tolist()


def select(
    sentences: Sequence[Sentence] | Sequence[str],
    scores: Sequence[float],
    *,
    k: int | None = None,
    settings: RankSettings = RankSettings(),
) -> list[int]:
    """Indices of the ``k`` best sentences (all if None) in MMR order, best first.

    Each pick maximises ``λ·score − (1−λ)·max cosine to the picks so far``
    (scores rescaled to [0, 1]); ties go to the earlier sentence.  With λ = 1
    this is plain score order.
    """
    texts = [s if isinstance(s, str) else s.norm for s in sentences]
    return _select(np.asarray(scores, dtype=np.float64), lambda: cosine_similarity([features(t) for t in texts]), k, settings)


def _select(values: np.ndarray, cosine, k: int | None, settings: RankSettings) -> list[int]:
    n = len(values)
    k = n if k is None else max(0, min(k, n))
    order = sorted(range(n), key=lambda i: (-values[i], i))  # stable: earlier wins ties
    if settings.mmr_lambda >= 1.0 or k <= 1:
        return order[:k]
    similarity = cosine() if callable(cosine) else cosine
    top = values.max()
    relevance = values / top if top > 0 else values
    lam = settings.mmr_lambda
    picked: list[int] = []
    redundancy = np.zeros(n)
    available = np.ones(n, dtype=bool)
    while len(picked) < k:
        gain = np.where(available, lam * relevance - (1.0 - lam) * redundancy, -np.inf)
        # Deterministic ties: among (numerically) equal gains, the earliest sentence.
        choice = int(np.flatnonzero(gain >= gain.max() - 1e-12)[0])
        picked.append(choice)
        available[choice] = False
        redundancy = np.maximum(redundancy, similarity[choice])
    return picked


def _norm(text: str) -> str:
    return normalize_for_analysis(text)


# Ranking tokenises every sentence and builds a dense sentences × sentences
# matrix, so one huge file (max_bytes raised) could exhaust the machine: a
# 20 MB one-line article made 185,000 sentences (a 270 GB matrix), and 20 MB
# of one character without punctuation a single 6-million-character
# "sentence" that jieba chewed on for minutes.  News sentences run 20–80
# characters and the position prior leaves sentences past the first few
# hundred no weight, so only the first MAX_RANKED_SENTENCES are ranked and
# runs longer than MAX_SENTENCE_CHARS (never a readable point) are left out.
MAX_RANKED_SENTENCES = 2000
MAX_SENTENCE_CHARS = 1000


def usable(sentences: list[Sentence]) -> list[Sentence]:
    """The sentences ranking may read: none longer than MAX_SENTENCE_CHARS, at most MAX_RANKED_SENTENCES."""
    return [s for s in sentences if len(s.text) <= MAX_SENTENCE_CHARS][:MAX_RANKED_SENTENCES]


def summarize_text(
    text: str,
    *,
    title: str | None = None,
    top: int | None = None,
    settings: RankSettings = RankSettings(),
) -> list[str]:
    """The sentences of raw ``text``, best first (``top`` of them, or all)."""
    spans = segment.split_text(text)
    source = Source(path="<text>", title=title or "", title_derived=title is None, reworded=reworded.detect([text]))
    sentences: list[Sentence] = []
    for start, end in spans:
        sentence_text = text[start:end]
        if not any(ch.isalnum() for ch in sentence_text) or len(sentence_text) > MAX_SENTENCE_CHARS:
            continue
        if len(sentences) == MAX_RANKED_SENTENCES:
            break  # 3 MB on stdin once asked for a 26 GiB matrix
        sentences.append(
            Sentence(
                text=sentence_text,
                norm=segment.analysis_copy(sentence_text, reworded=source.reworded),
                source=source,
                paragraph=0,
                position=len(sentences),
                start=start,
                end=end,
            )
        )
    if not sentences:
        return []
    feature_sets = [features(s.norm) for s in sentences]
    scores, overlap, sizes = _scores_and_overlap(
        [s.norm for s in sentences], feature_sets, _norm(reworded.usual_title(source)) if title else None, settings
    )
    order = _select(scores, lambda: _cosine(overlap, sizes), top, settings)
    return [sentences[i].text for i in order]


__all__ = [
    "RankSettings",
    "cosine_similarity",
    "overlap_similarity",
    "pagerank",
    "rank",
    "select",
    "summarize_text",
]
