"""The labelled sentences the theme model is trained and measured on, and how to read them.

``data/themes_labelled.tsv`` (seed sentences, sentences written to check
generalisation), ``data/themes_corpus/*.jsonl`` (the nine-part corpus, see
its README) and ``data/themes_second_annotator.jsonl`` (a second annotator's
blind labels of the seed sentences).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from briefing import ingest, segment

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
LABELLED = DATA / "themes_labelled.tsv"
CORPUS = DATA / "themes_corpus"
SECOND_ANNOTATOR = DATA / "themes_second_annotator.jsonl"
SEEDS = ROOT / "seeds"


class Labelled(NamedTuple):
    theme: str
    sentence: str
    article: str | None = None  # seeds/ file name, when the sentence comes from an article
    position: int | None = None  # segment position of its first piece in that article
    doc: str | None = None  # corpus document id, when the sentence comes from a JSONL corpus document
    paragraph: int = 0  # its paragraph in that document


@functools.cache
def _reads_reworded(name: str) -> bool:
    return ingest.read_article(SEEDS / name).reworded


def analysed(row: Labelled) -> str:
    """What Sentence.norm holds for a labelled sentence: in a machine-reworded seed article, the usual words restored."""
    return segment.analysis_copy(row.sentence, reworded=bool(row.article) and _reads_reworded(row.article))


def read_labelled(path: Path = LABELLED) -> dict[str, list[Labelled]]:
    """{section: [Labelled, ...]} from the TSV ('# section: NAME' starts a section)."""
    sections: dict[str, list[Labelled]] = {}
    current = "default"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if line.startswith("# section:"):
                current = line.split(":", 1)[1].strip()
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) == 2 and fields[1]:
            row = Labelled(fields[0], fields[1])
        elif len(fields) == 4 and fields[3] and fields[2].isdigit():
            row = Labelled(fields[0], fields[3], fields[1], int(fields[2]))
        else:
            raise ValueError(f"{path}:{number}: expected theme<TAB>sentence or theme<TAB>article<TAB>position<TAB>sentence")
        sections.setdefault(current, []).append(row)
    return sections


def read_corpus(path: Path) -> list[Labelled]:
    """Labelled sentences of one JSONL corpus file, in reading order (see training/data/themes_corpus/README.md)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        try:
            rows.append(
                Labelled(record["theme"], record["sentence"], doc=f"{path.stem}/{record['doc']}", paragraph=int(record["para"]))
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}:{number}: expected doc, para, sentence and theme: {exc}") from exc
    return rows


def corpus_sections(paths: Sequence[Path]) -> dict[str, list[Labelled]]:
    return {f"corpus:{path.stem}": read_corpus(path) for path in paths}
