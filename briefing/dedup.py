"""Across articles: one Point per statement, however many articles carry it.

Feeds copy each other, so the same sentence (verbatim, or with a number or a
particle changed) turns up in several articles.  ``merge_points`` groups
those occurrences into one :class:`Point` that cites all of them.

How, at 10,000 articles (~300k sentences) without comparing all pairs:

1. Key: the sentence's analysis text (``Sentence.norm``) reduced to its
   alphanumeric characters, lower-cased.  Equal keys merge at once (a dict).
2. Near-duplicates: MinHash over character 3-shingles of the key
   (``NUM_PERM`` multiply-shift hashes, computed in numpy for all sentences
   at once), then LSH banding (``BANDS`` × ``ROWS``): sentences that agree on
   a whole band land in one bucket.  Each bucket member is paired with the
   bucket's first member (pairs found by several bands count once) and merged
   (union–find) when their Jaccard similarity reaches ``threshold``: the
   MinHash estimate decides clear cases, the exact shingle-set Jaccard the
   close ones.  Work grows with the number of sentences and bucket members,
   not with their square.
3. Keys shorter than ``MIN_SHINGLED`` characters merge only when equal: a
   few shingles make Jaccard jumpy ("中方反对" vs "中方支持").

Deterministic: fixed hash parameters (seeded), input order breaks every tie.
Our numpy MinHash hashes all shingles of all sentences in a few array
operations; datasketch's ``MinHash.update`` is a Python call per shingle.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from briefing import clean
from briefing.models import Article, Point, Sentence

DEFAULT_THRESHOLD = 0.6
"""Jaccard similarity of character 3-shingle sets at which two sentences merge.
One changed number in a 40-character sentence leaves ~0.85; two different
sentences on the same topic share 0.05–0.3."""
SHINGLE = 3
MIN_SHINGLED = 10
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS  # 4 rows: a pair at Jaccard 0.6 collides in some band with p ≈ 0.9, at 0.5 with p ≈ 0.64
_SEED = 20240522
_CHUNK = 1 << 18  # shingles hashed per numpy step (bounds memory at ~130 MB)
_UNSURE = 0.15  # MinHash estimates within this of the threshold are checked exactly (σ ≈ 0.06)
_NOT_CONTENT = re.compile(r"[\W_]+")


def _key(sentence: Sentence) -> str:
    return _NOT_CONTENT.sub("", sentence.norm).lower()


def _hash_parameters() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd multipliers
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return a, b


# Characters hashed in one go: the arrays are ~40 bytes a character, so whole
# articles (3,000 characters each, 10,000 of them) must go in batches (they
# once took the build's peak from 0.8 to 1.2 GB).
SIGNATURE_BATCH_CHARS = 400_000


def signatures(keys: list[str]) -> np.ndarray:
    """MinHash signatures (len(keys) × NUM_PERM, uint32) of character shingles.

    Every key must have at least ``SHINGLE`` characters.  Keys are hashed in
    batches of about SIGNATURE_BATCH_CHARS characters (the same result).
    """
    batches: list[list[str]] = [[]]
    size = 0
    for key in keys:
        if batches[-1] and size + len(key) > SIGNATURE_BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(key)
        size += len(key)
    if len(batches) > 1:
        return np.vstack([_signatures(batch) for batch in batches])
    return _signatures(keys)


def _signatures(keys: list[str]) -> np.ndarray:
    if not keys:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    if lengths.min() < SHINGLE:
        raise ValueError(f"every key needs at least {SHINGLE} characters")
    ends = np.cumsum(lengths)
    # One value per shingle: a polynomial in its code points (uint64 arithmetic wraps).
    width = len(codes) - SHINGLE + 1
    multiplier = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        value = codes[:width].copy()
        for offset in range(1, SHINGLE):
            value = value * multiplier + codes[offset : offset + width]
    # Keep the shingles that lie inside one key; they come out grouped by key, in order.
    inside = np.arange(width) + SHINGLE <= np.repeat(ends, lengths)[:width]
    value = value[inside]
    owner = np.repeat(np.arange(len(keys)), lengths - SHINGLE + 1)
    a, b = _hash_parameters()
    mins = np.full((NUM_PERM, len(keys)), np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for chunk in range(0, len(value), _CHUNK):
            part = value[chunk : chunk + _CHUNK]
            # Permutation-major, so that the per-sentence minimum runs along contiguous rows.
            hashed = ((a[:, None] * part[None, :] + b[:, None]) >> np.uint64(32)).astype(np.uint32)
            owners = owner[chunk : chunk + _CHUNK]
            firsts = np.concatenate(([0], np.flatnonzero(np.diff(owners)) + 1))
            seen = owners[firsts]
            mins[:, seen] = np.minimum(mins[:, seen], np.minimum.reduceat(hashed, firsts, axis=1))
    return np.ascontiguousarray(mins.T)


def _candidate_pairs(signature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bucket head, member) index pairs over all LSH bands, each pair once, sorted."""
    heads: list[np.ndarray] = []
    members: list[np.ndarray] = []
    for band in range(BANDS):
        rows = np.ascontiguousarray(signature[:, band * ROWS : (band + 1) * ROWS])
        bucket_keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * ROWS))).ravel()
        order = np.argsort(bucket_keys, kind="stable")  # stable: input order inside a bucket
        sorted_keys = bucket_keys[order]
        new_bucket = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
        head_of = order[np.flatnonzero(new_bucket)][np.cumsum(new_bucket) - 1]
        pair = ~new_bucket
        heads.append(head_of[pair])
        members.append(order[pair])
    if not heads:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pairs = np.unique(np.stack([np.concatenate(heads), np.concatenate(members)], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            # The smaller index stays the root: groups are named by their first member.
            if ry < rx:
                rx, ry = ry, rx
            self.parent[ry] = rx


def _shingles(key: str) -> frozenset[str]:
    return frozenset(key[i : i + SHINGLE] for i in range(len(key) - SHINGLE + 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def near_duplicate_groups(keys: list[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """Group id (index of the group's first member) for each key."""
    n = len(keys)
    groups = _UnionFind(n)
    first_of: dict[str, int] = {}
    distinct: list[int] = []  # first index of each distinct key
    for index, key in enumerate(keys):
        seen = first_of.setdefault(key, index)
        if seen != index:
            groups.union(seen, index)
        else:
            distinct.append(index)
    shingled = [i for i in distinct if len(keys[i]) >= MIN_SHINGLED]
    if len(shingled) > 1 and threshold <= 1.0:
        signature = signatures([keys[i] for i in shingled])
        shingle_sets: dict[int, frozenset[str]] = {}

        def shingles_of(i: int) -> frozenset[str]:
            found = shingle_sets.get(i)
            if found is None:
                found = shingle_sets[i] = _shingles(keys[i])
            return found

        heads, others = _candidate_pairs(signature)
        # Estimated Jaccard (share of equal MinHash values) for every candidate at once;
        # the exact shingle Jaccard only where the estimate is near the threshold.
        estimate = (signature[heads] == signature[others]).mean(axis=1)
        for head, other, guess in zip(heads.tolist(), others.tolist(), estimate.tolist()):
            first, second = shingled[head], shingled[other]
            if guess < threshold - _UNSURE or groups.find(first) == groups.find(second):
                continue
            if guess >= threshold + _UNSURE or _jaccard(shingles_of(first), shingles_of(second)) >= threshold:
                groups.union(first, second)
    return [groups.find(i) for i in range(n)]


def merge_points(
    scored: Iterable[tuple[Sentence, float]], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Point]:
    """One :class:`Point` per statement, best first.

    Occurrences whose keys are equal, or whose shingle Jaccard similarity
    reaches ``threshold``, form one point.  The representative is the
    best-scored occurrence from an original article (ties: source path, then
    position): a machine-reworded (洗稿) copy is quoted only when no original
    carries the statement.  The point's score is its best occurrence's score
    (the statement's strength, whichever copy is quoted); ``occurrences`` lists every occurrence by source path
    and position.  Points are sorted by score (descending), ties by the
    representative's source path and position.  ``threshold > 1`` merges
    exact repeats only.
    """
    items = list(scored)
    if not items:
        return []
    keys = [_key(sentence) for sentence, _ in items]
    group_of = near_duplicate_groups(keys, threshold=threshold)
    members: dict[int, list[int]] = {}
    for index, group in enumerate(group_of):
        members.setdefault(group, []).append(index)

    def place(index: int) -> tuple[str, int, int]:
        sentence = items[index][0]
        return (sentence.source.path, sentence.position, sentence.start)

    points: list[Point] = []
    for indices in members.values():
        quoted = min(indices, key=lambda i: (items[i][0].source.reworded, -items[i][1], place(i)))
        score = max(items[i][1] for i in indices)
        occurrences = [items[i][0] for i in sorted(indices, key=place)]
        points.append(Point(sentence=items[quoted][0], score=float(score), occurrences=occurrences))
    points.sort(key=lambda p: (-p.score, p.sentence.source.path, p.sentence.position))
    return points


__all__ = ["DEFAULT_THRESHOLD", "merge_points", "near_duplicate_groups", "signatures"]


# --- the same article in several files ---------------------------------------------

# Two files are one article when their bodies (simplified, letters and digits
# only) share this much: a repost with a different header or footer still
# matches, two stories on the same event do not (measured on shared/corpus:
# no two different articles there come above 0.3).
ARTICLE_THRESHOLD = 0.8
# The body's opening is what is compared: enough to tell articles apart, and
# a truncated copy (crawlers cut at ~8,000 characters) still matches.
ARTICLE_KEY_CHARS = 3000


def article_key(paragraphs: list[str]) -> str:
    text = clean.normalize_for_analysis("".join(paragraphs))
    return "".join(ch for ch in text if ch.isalnum()).lower()[:ARTICLE_KEY_CHARS]


def merge_articles(articles: list[Article]) -> list[Article]:
    """One article per group of copies (other encodings, scripts, reposts).

    The first copy in the list (the caller's order) stands for the group; its
    ``also`` lists every other copy's file and URL, and it takes a field the
    others fill and it lacks (a date, an outlet).  Order is kept.
    """
    groups = near_duplicate_groups([article_key(a.paragraphs) for a in articles], threshold=ARTICLE_THRESHOLD)
    kept: dict[int, Article] = {}
    for article, group in zip(articles, groups):
        head = kept.setdefault(group, article)
        if head is article:
            continue
        copies = [article.path] + ([article.url] if article.url and article.url != head.url else [])
        head.also = tuple(dict.fromkeys([*head.also, *copies]))
        for name in ("date", "date_text", "outlet", "author", "url", "origin"):
            if getattr(head, name) is None and getattr(article, name) is not None:
                setattr(head, name, getattr(article, name))
    return [article for article, group in zip(articles, groups, strict=True) if kept[group] is article]
