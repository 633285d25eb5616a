"""Measure theme classification against the labelled sentences.

    .venv/bin/python benchmarks/themes_eval.py [--taxonomy FILE] [--errors]

Each sentence is classified on its own (no article context), as the quality
gate in tests/test_themes.py does; for the seed sentences the accuracy with
their article's profile as context (what the pipeline does) is printed too.  Prints accuracy and a confusion table per
section of tests/data/themes_labelled.tsv ("seeds": sentences from seeds/,
"invented": sentences written to check generalisation).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.models import Sentence, Source  # noqa: E402
from briefing.themes import article_profiles, classify, load_taxonomy  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "themes_labelled.tsv"
_T2S = opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """What Sentence.norm holds: NFKC, then traditional → simplified."""
    return _T2S.convert(unicodedata.normalize("NFKC", text))


def read_labelled(path: Path = LABELLED) -> dict[str, list[tuple[str, str]]]:
    """{section: [(theme, sentence), ...]} from the TSV ('# section: NAME' starts a section)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = "default"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if line.startswith("# section:"):
                current = line.split(":", 1)[1].strip()
            continue
        theme, sep, sentence = line.partition("\t")
        if not sep or not sentence.strip():
            raise ValueError(f"{path}:{number}: expected theme<TAB>sentence")
        sections.setdefault(current, []).append((theme.strip(), sentence.strip()))
    return sections


def seed_profiles(taxonomy) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Theme profiles of the seed articles, and each seed's simplified text (for finding a sentence's article)."""
    texts: dict[str, str] = {}
    sentences: list[Sentence] = []
    for path in sorted((ROOT / "seeds").glob("*")):
        text = normalise(path.read_text(encoding="utf-8", errors="replace"))
        texts[path.name] = text
        source = Source(path=path.name, title=path.name)
        for position, piece in enumerate(re.split(r"(?<=[。！？])|\n", text)):
            if piece.strip():
                sentences.append(Sentence(piece, piece, source, 0, position, 0, len(piece)))
    return article_profiles(sentences, taxonomy), texts


def evaluate(rows, taxonomy, profiles=None, texts=None):
    """(accuracy, [(gold, predicted, sentence, keywords)]); with profiles, each sentence gets its article's."""
    results = []
    for gold, sentence in rows:
        norm = normalise(sentence)
        profile = None
        if profiles is not None and texts is not None:
            article = next((name for name, text in texts.items() if norm in text), None)
            profile = profiles.get(article) if article else None
        result = classify(norm, taxonomy, profile=profile)
        results.append((gold, result.theme, sentence, result.keywords))
    correct = sum(gold == predicted for gold, predicted, _, _ in results)
    return (correct / len(results) if results else 0.0), results


def confusion_table(results, order) -> str:
    counts = Counter((gold, predicted) for gold, predicted, _, _ in results)
    labels = [t for t in order if any(t in pair for pair in counts)]
    short = {t: t[:8] for t in labels}
    width = max(len(t) for t in labels) + 1
    lines = ["gold \\ predicted".ljust(width) + "".join(f"{short[t]:>9}" for t in labels) + "    n   acc"]
    for gold in labels:
        row = [counts[(gold, predicted)] for predicted in labels]
        total = sum(row)
        if not total:
            continue
        accuracy = counts[(gold, gold)] / total
        cells = "".join(f"{(n if n else '.'):>9}" for n in row)
        lines.append(f"{gold:<{width}}{cells}{total:>5} {accuracy:5.0%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taxonomy", type=Path, help="a theme file to use instead of the shipped one")
    parser.add_argument("--errors", action="store_true", help="list the misfiled sentences")
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy(args.taxonomy)
    order = [t.id for t in taxonomy]
    started = time.perf_counter()
    for section, rows in read_labelled().items():
        accuracy, results = evaluate(rows, taxonomy)
        print(f"== {section}: {sum(g == p for g, p, _, _ in results)}/{len(results)} correct, accuracy {accuracy:.1%}")
        print(confusion_table(results, order))
        if args.errors:
            for gold, predicted, sentence, keywords in results:
                if gold != predicted:
                    print(f"  {gold} -> {predicted} [{', '.join(keywords)}] {sentence}")
        if section == "seeds":
            profiles, texts = seed_profiles(taxonomy)
            accuracy, _ = evaluate(rows, taxonomy, profiles, texts)
            print(f"   with article context (the pipeline's setting): accuracy {accuracy:.1%}")
        print()
    print(f"({time.perf_counter() - started:.2f} s including jieba start-up)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
