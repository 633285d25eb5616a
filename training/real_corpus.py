"""Labelled real sentences of shared/corpus, rebuilt from the corpus path.

The corpus is third-party text and stays out of the repository, so
``data/corpus_labels.tsv`` names each sentence by its file, its digest story
(empty for a whole article), its position as :func:`briefing.segment.split_article`
numbers it, and the first ten hex digits of the SHA-1 of its text.  Reading the
corpus through today's ingest and segmentation gives the sentences back; a
sentence is found by its hash (positions move when extraction improves) and a
sentence ingest no longer keeps (page chrome it now drops) is left out and
counted.

Two annotators labelled the 1,123 sentences blind to each other, from
``data/themes_corpus/GUIDE.md``; they agreed on 92.3 % (Cohen's kappa 0.909),
and the 86 disagreements were adjudicated by a third reader, whose boundary
rules are the guide's last part.  The ``a``/``b``/``how`` columns keep that record;
``how`` is ``relabelled`` where a later revision of the guide's rules changed the
label (logged, with the rule, in ``data/relabels.tsv``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import os
from pathlib import Path
from typing import NamedTuple

from training.labelled import DATA, ROOT, Labelled

CORPUS_LABELS = DATA / "corpus_labels.tsv"
# Where the workplace keeps the corpus beside a checkout; BRIEFING_CORPUS overrides.
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


class LabelRow(NamedTuple):
    file: str
    story: str
    position: int
    sha: str
    theme: str
    a: str
    b: str
    how: str


def corpus_path() -> Path | None:
    """The real corpus if it is here (BRIEFING_CORPUS, or ../shared/corpus), else None."""
    path = Path(os.environ.get("BRIEFING_CORPUS") or DEFAULT_CORPUS)
    return path if (path / "manifest.tsv").exists() else None


def read_label_rows(path: Path = CORPUS_LABELS) -> list[LabelRow]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return [
            LabelRow(r["file"], r["story"], int(r["position"]), r["sha"], r["theme"], r["a"], r["b"], r["how"])
            for r in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def sentence_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


@functools.cache
def read_real(corpus: Path, path: Path = CORPUS_LABELS) -> tuple[tuple[Labelled, ...], int]:
    """(labelled sentences found, how many labels were not found) for the corpus at ``corpus``.

    ``Labelled.doc`` is ``real/<file>[#story]`` (one article: the unit of a
    grouped fold); ``paragraph`` is the sentence's paragraph in it.
    """
    from briefing import ingest, segment
    from briefing.models import Article

    wanted: dict[tuple[str, str], dict[str, LabelRow]] = {}
    for row in read_label_rows(path):
        wanted.setdefault((row.file, row.story), {})[row.sha] = row
    found: list[Labelled] = []
    for file in sorted({file for file, _ in wanted}):
        for item in ingest.read_sources([corpus / file]):
            if not isinstance(item, Article):
                continue
            story = item.path.rsplit("#", 1)[1] if "#" in item.path else ""
            labels = wanted.get((file, story))
            if not labels:
                continue
            for sentence in segment.split_article(item):
                row = labels.get(sentence_hash(sentence.text))
                if row is not None:
                    doc = f"real/{file}" + (f"#{story}" if story else "")
                    found.append(Labelled(row.theme, sentence.text, doc=doc, paragraph=sentence.paragraph))
    total = sum(len(rows) for rows in wanted.values())
    return tuple(found), total - len(found)


def agreement(path: Path = CORPUS_LABELS) -> tuple[int, float, float]:
    """(sentences, share on which the two annotators agreed, Cohen's kappa)."""
    rows = read_label_rows(path)
    n = len(rows)
    agreed = sum(r.a == r.b for r in rows) / n
    themes = {r.a for r in rows} | {r.b for r in rows}
    chance = sum((sum(r.a == t for r in rows) / n) * (sum(r.b == t for r in rows) / n) for t in themes)
    return n, agreed, (agreed - chance) / (1 - chance)
