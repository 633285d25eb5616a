"""How briefing reads real articles: metadata, scope and where points come from.

Takes the real corpus (``shared/corpus``: article files, ``manifest.tsv``)
by path and prints, side by side with nothing cached between runs:

1. **metadata accuracy**: title, date, outlet, author and url of every file
   as ``briefing articles`` reads them, against the manifest a careful
   reader wrote (per field and overall, with the misses listed under ``-v``);
2. **scope**: precision and recall of the on-topic decision against the
   manifest's ``on_topic`` column (and, for digests, against each story's
   own label in the body annotation);
3. **points from body text**: the brief built from the whole corpus, and
   the share of its points whose sentence lies inside the body lines marked
   for its file in ``benchmarks/data/corpus_body.tsv`` (file name + line
   ranges, never the text: the corpus is third-party and stays out of the
   repository).

    python benchmarks/real_corpus.py ../shared/corpus [-v] [--json]

The comparisons are deliberately forgiving of form and strict on content:
titles and names are compared after NFKC and with whitespace removed,
outlets in simplified characters, authors as a set of names.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from briefing import clean, ingest
from briefing.models import Article, Skipped

HERE = Path(__file__).resolve().parent
BODY_TSV = HERE / "data" / "corpus_body.tsv"
FIELDS = ("title", "date", "outlet", "author", "url")


# --- comparing one field ------------------------------------------------------------------


def _squash(text: str | None) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text).lower()


def _names(text: str | None) -> frozenset[str]:
    if not text:
        return frozenset()
    return frozenset(_squash(clean.to_simplified(n)) for n in re.split(r"\s*[;；、,，]\s*", text) if n.strip())


def same(field_name: str, expected: str, found: str | None) -> bool:
    if field_name == "author":
        return _names(expected) == _names(found)
    if field_name == "outlet":
        return _squash(clean.to_simplified(expected)) == _squash(clean.to_simplified(found or ""))
    if field_name == "url":
        return (expected or "").strip() == (found or "").strip()
    return _squash(expected) == _squash(found)


# --- the manifest and the body annotation -----------------------------------------------------


def read_manifest(corpus: Path) -> list[dict[str, str]]:
    with open(corpus / "manifest.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass
class BodyMark:
    lines: set[int] = field(default_factory=set)
    stories: list[tuple[set[int], bool]] = field(default_factory=list)  # (lines, on_topic)


def _ranges(spec: str) -> set[int]:
    out: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        start, _, end = part.partition("-")
        out.update(range(int(start), int(end or start) + 1))
    return out


def read_body_marks(path: Path = BODY_TSV) -> dict[str, BodyMark]:
    marks: dict[str, BodyMark] = {}
    if not path.exists():
        return marks
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            mark = marks.setdefault(row["file"], BodyMark())
            lines = _ranges(row["lines"] or "")
            mark.lines |= lines
            if row["part"].startswith("story"):
                mark.stories.append((lines, row["on_topic"] == "yes"))
    return marks


_TAG = re.compile(r"<[^>]*>")


def _content(text: str) -> str:
    """Han characters, letters and digits only: how a point is found in the raw file."""
    text = clean.to_simplified(unicodedata.normalize("NFKC", html.unescape(_TAG.sub("", text))))
    return "".join(ch for ch in text if ch.isalnum()).lower()


def body_text(path: Path, lines: set[int]) -> str:
    raw = path.read_bytes()
    text, _, _ = ingest.decode(raw, str(path))
    return _content("\n".join(line for number, line in enumerate(text.split("\n"), 1) if number in lines))


# --- the three measures ------------------------------------------------------------------------


def _file_records(corpus: Path) -> dict[str, list[Article | Skipped]]:
    """Every record ingest makes of each corpus file (a digest makes several)."""
    records: dict[str, list[Article | Skipped]] = {}
    from briefing import scope

    for item in ingest.read_sources([corpus / "articles"]):
        if isinstance(item, Article):
            scope.check(item)
        key = str(Path(item.path.split("#", 1)[0]).relative_to(corpus))
        records.setdefault(key, []).append(item)
    return records


def metadata_scores(corpus: Path, records, verbose: bool) -> dict[str, object]:
    right: Counter[str] = Counter()
    rows = read_manifest(corpus)
    misses = []
    for row in rows:
        items = records.get(row["file"], [])
        article = next((i for i in items if isinstance(i, Article)), None)
        for name in FIELDS:
            found = _field(article, name) if article is not None else None
            if same(name, row[name], found):
                right[name] += 1
            else:
                misses.append((row["file"], name, row[name], found))
    total = len(rows)
    scores = {name: right[name] / total for name in FIELDS}
    scores["overall"] = sum(right.values()) / (total * len(FIELDS))
    if verbose:
        for file, name, expected, found in misses:
            print(f"  miss {file[9:40]:32} {name:7} want {expected[:50]!r} got {(found or '')[:50]!r}")
    return {"fields": scores, "right": dict(right), "files": total}


def _field(article: Article, name: str) -> str | None:
    if name == "title":
        return article.digest or article.title
    if name == "date":
        return article.date.isoformat() if article.date else None
    return getattr(article, name)


def scope_scores(corpus: Path, records, marks: dict[str, BodyMark]) -> dict[str, object]:
    """On-topic precision and recall per file (manifest) and per digest story (annotation)."""
    pairs_file: list[tuple[bool, bool]] = []
    for row in read_manifest(corpus):
        items = [i for i in records.get(row["file"], []) if isinstance(i, Article)]
        predicted = any(getattr(i, "on_topic", True) for i in items)
        pairs_file.append((row["on_topic"] == "yes", predicted))
    pairs_story: list[tuple[bool, bool]] = []
    for file, mark in marks.items():
        if not mark.stories:
            continue
        items = [i for i in records.get(file, []) if isinstance(i, Article)]
        story_texts = [body_text(corpus / file, lines) for lines, _ in mark.stories]
        for text, (_, on_topic) in zip(story_texts, mark.stories):
            # The story ingest made of these lines: the one whose opening is in them.
            story = next(
                (i for i in items if "#" in i.path and i.paragraphs and _content(i.paragraphs[0])[:30] in text),
                None,
            )
            pairs_story.append((on_topic, bool(story is not None and story.on_topic)))
    return {"files": _precision_recall(pairs_file), "digest stories": _precision_recall(pairs_story)}


def _precision_recall(pairs: list[tuple[bool, bool]]) -> dict[str, float | int]:
    tp = sum(1 for want, got in pairs if want and got)
    fp = sum(1 for want, got in pairs if not want and got)
    fn = sum(1 for want, got in pairs if want and not got)
    return {
        "n": len(pairs),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "off_topic_kept": fp,
        "on_topic_lost": fn,
    }


def point_scores(corpus: Path, marks: dict[str, BodyMark], verbose: bool) -> dict[str, object]:
    from briefing.config import Settings
    from briefing.core import build_brief

    settings = Settings()
    brief = build_brief([corpus / "articles"], settings=settings, today=dt.date(2026, 1, 1))
    bodies: dict[str, str] = {}
    inside = 0
    shown = [p for section in brief.sections for p in section.points]
    executive = {id(p) for p in brief.executive}
    outside_exec = 0
    for point in shown:
        source = point.sentence.source
        file = str(Path(source.path.split("#", 1)[0]).relative_to(corpus))
        if file not in bodies:
            mark = marks.get(file)
            bodies[file] = body_text(corpus / file, mark.lines) if mark else ""
        needle = _content(point.sentence.text)
        ok = bool(needle) and needle in bodies[file]
        inside += ok
        if not ok:
            outside_exec += id(point) in executive
            if verbose:
                print(f"  outside {file[9:40]:32} {point.sentence.text[:60]}")
    return {
        "points": len(shown),
        "from_body": inside,
        "share": inside / len(shown) if shown else 0.0,
        "executive_outside": outside_exec,
        "articles_read": len(brief.articles),
    }


def news_losses(path: Path) -> dict[str, object]:
    """Plain news articles (shared/eval's JSON lines) read as text files: how
    many are lost whole, and what share of their letters and digits is kept."""
    from briefing.errors import IngestError

    lost = kept = total = count = 0
    with open(path, encoding="utf-8") as handle:
        for count, line in enumerate(handle, 1):
            text = json.loads(line)["article"]
            total += sum(ch.isalnum() for ch in text)
            try:
                article = ingest.parse_article(text.encode("utf-8"), f"{count}.txt")
            except IngestError:
                lost += 1
                continue
            kept += sum(ch.isalnum() for p in article.paragraphs for ch in p)
    return {"articles": count, "lost": lost, "text_kept": kept / total if total else 0.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the real corpus folder (with manifest.tsv and articles/)")
    parser.add_argument("--body", type=Path, default=BODY_TSV, help="body line ranges per file")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--skip-points", action="store_true", help="metadata and scope only (no brief built)")
    parser.add_argument("--news", type=Path, help="news articles as JSON lines (shared/eval): articles lost whole")
    args = parser.parse_args(argv)

    records = _file_records(args.corpus)
    marks = read_body_marks(args.body)
    result: dict[str, object] = {"metadata": metadata_scores(args.corpus, records, args.verbose)}
    result["scope"] = scope_scores(args.corpus, records, marks)
    if not args.skip_points:
        result["points"] = point_scores(args.corpus, marks, args.verbose)
    if args.news:
        result["news"] = news_losses(args.news)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    meta = result["metadata"]
    print(f"metadata ({meta['files']} files):")
    for name, value in meta["fields"].items():
        count = meta["right"].get(name)
        print(f"  {name:8} {value:6.1%}" + (f"  ({count}/{meta['files']})" if count is not None else ""))
    for level, pr in result["scope"].items():
        print(
            f"on-topic, {level} (n={pr['n']}): precision {pr['precision']:.1%}, recall {pr['recall']:.1%}"
            f"  ({pr['off_topic_kept']} off-topic kept, {pr['on_topic_lost']} on-topic lost)"
        )
    if "points" in result:
        pts = result["points"]
        print(
            f"points from body text: {pts['from_body']}/{pts['points']} ({pts['share']:.1%}),"
            f" executive summary points outside the body: {pts['executive_outside']}"
        )
    if "news" in result:
        news = result["news"]
        print(f"news articles read as text: {news['lost']} of {news['articles']} lost, {news['text_kept']:.1%} of their text kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
