"""Learn the phrase gist's word senses and forms from parallel text (writes briefing/data/gist_senses.tsv).

    .venv/bin/python -m training.gist_senses DEV_TSV [--out FILE] [--min-count N] [--margin M]
    .venv/bin/python -m training.gist_senses DEV_TSV --tune     # choose the thresholds on a split of dev

The gist takes CC-CEDICT's first plain sense for a word neither the policy
glossary nor its grammar tables hold.  CC-CEDICT lists the main sense first,
not the one news uses (发表 "issue" where translators write "published", 增加
"raise" for "increase").  Frequency of the English word did not pick the
sense well (wordfreq lost on dev); parallel text can.  Over the sentences of
DEV_TSV (``zh<TAB>en`` with a header; only its first half, the benchmark's
dev half, is read):

* **senses**: for every word the gist glosses from CC-CEDICT (or the
  glossary's gist-only part), count in how many sentences each of its
  CC-CEDICT senses appears in the reference English (content words,
  lower-cased, crudely stemmed), less the count expected by chance from how
  common that English is in the references.  A sense replaces the gist's
  when it is found at least ``--min-count`` times, in at least a tenth of
  the word's sentences, and beats it by ``--margin`` sentences;
* **forms**: then, with those senses in place, for every bare verb or noun
  the gist could inflect (:func:`briefing.phrase_gist.form_candidates`),
  count in how many sentences the reference has its past or plural, and in
  how many the bare word; the form is learnt on the same thresholds.

The table holds words, dictionary senses and forms only, with the counts
behind each; its header records the command and the SHA-256 of the file
learnt from.  Nothing of the parallel text itself is written.  ``--tune``
learns on the first two thirds of dev and scores the gist (chrF) on the
last third for a grid of thresholds, so they are chosen on sentences the
table did not see.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import sacrebleu

from briefing import dictionaries
from briefing.phrase_gist import GRAMMAR_WORDS, RULES, form_candidates, inflect, line_units, segments, translate_line

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "briefing" / "data" / dictionaries.LEARNED_SENSES

# Defaults chosen with --tune (see README, "English gist").
MIN_COUNT = 2
MARGIN = 1.0
# The sense must be the references' in at least this share of the word's sentences: 性 was learnt as
# "sexuality" from 2 of its 23 (one story's), where it is a suffix ("-ity") far more often.  Held-out
# third: chrF 41.20 at 0 and at 0.1, 41.19 at 0.2, 41.05 at 0.33.
MIN_SHARE = 0.1

_STOPWORDS = frozenset(
    "a an the of to in on at for by with from and or but is are was were be been being it its this that these "
    "those as into than then there their they he she his her we our you your i not no so such do does did has "
    "have had will would can could should may might must also very more most one some any all".split()
)
_WORD = re.compile(r"[a-z]+")


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The ``zh<TAB>en`` pairs of a parallel file with a header line (benchmarks/translation.py reads it so too)."""
    with open(path, encoding="utf-8", newline="") as file:
        rows = csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        if header[:2] != ["zh", "en"]:
            raise SystemExit(f"{path}: expected a header 'zh<TAB>en', got {header!r}")
        return [(row[0], row[1]) for row in rows if len(row) >= 2]


def stem(word: str) -> str:
    """A crude stem: enough for "issue"/"issued"/"issues"/"issuing" to meet, and cheap."""
    for suffix in ("ational", "ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word[:6]


def content_stems(english: str) -> frozenset[str]:
    return frozenset(stem(w) for w in _WORD.findall(english.lower()) if w not in _STOPWORDS and len(w) > 1)


def candidate_senses(word: str) -> list[str]:
    """The gist's sense of ``word``, then every plain sense CC-CEDICT gives it, cleaned as the gist cleans them."""
    entries = sorted(dictionaries.cedict_index().get(word, ()), key=lambda e: e[:1].isupper())
    senses: list[str] = [first] if (first := current_sense(word)) else []
    for entry in entries:
        _, _, definitions = entry.partition("] /")
        for sense in definitions.rstrip().rstrip("/").split("/"):
            for part in sense.split(";"):
                plain = dictionaries.plain_sense([part])
                if plain and plain not in senses:
                    senses.append(plain)
    return senses


def current_sense(word: str) -> str | None:
    """The English the gist gives ``word`` without learnt senses: the glossary's gist-only part, else CC-CEDICT."""
    return dictionaries.policy_glossary().get(word) or dictionaries.cedict_lookup(word)


def learnable(word: str) -> bool:
    """A word whose English the gist takes from CC-CEDICT or the glossary's gist-only part.

    Not policy vocabulary (listed in the brief's glossary), grammar words
    (the rules read them) or names.
    """
    if word in dictionaries.listed_terms() or word in GRAMMAR_WORDS or word in dictionaries.FUNCTION_WORDS:
        return False
    if word in dictionaries.PARTICLES or word in dictionaries.CLASSIFIERS or word in dictionaries.PUNCTUATION:
        return False
    first = current_sense(word)
    return first is not None and first[:1].islower() and word in dictionaries.cedict_index()


@dataclass(slots=True)
class Evidence:
    """What the references say of one word: in how many sentences, and which senses they used there."""

    sentences: int = 0
    found: Counter[str] = field(default_factory=Counter)


def gather(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, Evidence], dict[str, set[int]], int]:
    """Per word, the evidence; per stem, the sentences whose reference holds it; and the sentence count."""
    evidence: dict[str, Evidence] = defaultdict(Evidence)
    sentences_with: dict[str, set[int]] = defaultdict(set)
    n = 0
    with learnt({}, {}):  # the shipped table must not shape its successor (names read choose_sense too)
        for n, (zh, en) in enumerate(pairs, 1):
            reference = content_stems(en)
            for s in reference:
                sentences_with[s].add(n)
            units = segments(zh, RULES - {"senses", "forms"})
            for word in {unit_zh for unit_zh, unit_en in units if unit_en and learnable(unit_zh)}:
                record = evidence[word]
                record.sentences += 1
                for sense in candidate_senses(word):
                    stems = content_stems(sense)
                    if stems and stems <= reference:
                        record.found[sense] += 1
    return evidence, sentences_with, n


def learn(
    evidence: dict[str, Evidence], sentences_with: dict[str, set[int]], total: int, *,
    min_count: int = MIN_COUNT, margin: float = MARGIN,
) -> dict[str, tuple[str, str]]:
    """Word → (sense, evidence note) for the words whose references clearly prefer another sense."""

    def by_chance(sense: str) -> float:
        stems = content_stems(sense)
        if not stems or total == 0:
            return 0.0
        common = set.intersection(*(sentences_with.get(s, set()) for s in stems))
        return len(common) / total

    table: dict[str, tuple[str, str]] = {}
    for word, record in sorted(evidence.items()):
        first = current_sense(word)
        senses = candidate_senses(word)
        if not senses or first is None or not content_stems(first):
            continue  # a sense of grammar words only ("most", "this") is never found, so cannot be outvoted
        lift = {s: record.found[s] - record.sentences * by_chance(s) for s in senses}
        best = max(senses, key=lambda s: (lift[s], -senses.index(s)))
        first_lift = lift.get(first, record.found[first] - record.sentences * by_chance(first))
        if (best != first and record.found[best] >= min_count and lift[best] - first_lift >= margin
                and record.found[best] >= MIN_SHARE * record.sentences):
            table[word] = (best, f"{record.found[best]}/{record.sentences} vs {record.found[first]} for {first!r}")
    return table


@dataclass(slots=True)
class FormEvidence:
    """For one word: in how many sentences the gist could inflect it, and how often the reference did or did not."""

    sentences: int = 0
    inflected: Counter[str] = field(default_factory=Counter)
    bare: int = 0


def gather_forms(pairs: Iterable[tuple[str, str]], senses: dict[str, str]) -> dict[str, FormEvidence]:
    """Per word, whether references give its English (with ``senses`` learnt) in the past or plural, or bare."""
    evidence: dict[str, FormEvidence] = defaultdict(FormEvidence)
    with learnt(senses, {}):
        for zh, en in pairs:
            reference = set(_WORD.findall(en.lower()))
            seen: set[str] = set()
            for unit, form in form_candidates(line_units(zh)):
                if unit.zh in seen or not unit.en:
                    continue
                seen.add(unit.zh)
                record = evidence[unit.zh]
                record.sentences += 1
                bare = unit.en.removeprefix("the ").lower()
                record.inflected[form] += inflect(bare, form) in reference
                record.bare += bare in reference
    return evidence


def learn_forms(
    evidence: dict[str, FormEvidence], *, min_count: int = MIN_COUNT, margin: float = MARGIN,
) -> dict[str, tuple[str, str]]:
    """Word → (form, evidence note) for the words references clearly inflect where the gist leaves them bare."""
    table: dict[str, tuple[str, str]] = {}
    for word, record in sorted(evidence.items()):
        for form, found in sorted(record.inflected.items()):
            if found >= min_count and found - record.bare >= margin and found >= MIN_SHARE * record.sentences:
                table[word] = (form, f"{form} {found}/{record.sentences} vs {record.bare} bare")
    return table


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the table: the sense (empty: the gist's own), the form (empty: none) and the counts behind them."""

    sense: str
    form: str
    evidence: str


def learn_table(pairs: Sequence[tuple[str, str]], *, min_count: int = MIN_COUNT, margin: float = MARGIN) -> dict[str, Entry]:
    """The senses, then the forms with those senses in place, learnt from ``pairs``."""
    senses = learn(*gather(pairs), min_count=min_count, margin=margin)
    forms = learn_forms(gather_forms(pairs, {w: sense for w, (sense, _) in senses.items()}), min_count=min_count, margin=margin)
    table: dict[str, Entry] = {}
    for word in sorted(set(senses) | set(forms)):
        sense, sense_note = senses.get(word, ("", ""))
        form, form_note = forms.get(word, ("", ""))
        table[word] = Entry(sense, form, "; ".join(filter(None, (sense_note, form_note))))
    return table


@contextlib.contextmanager
def learnt(senses: dict[str, str], forms: dict[str, str]) -> Iterator[None]:
    """The gist, for the time being, with ``senses`` and ``forms`` in place of the shipped table."""
    with mock.patch.object(dictionaries, "learned_senses", lambda: senses), \
            mock.patch.object(dictionaries, "learned_forms", lambda: forms):
        yield


def chrf(table: dict[str, Entry], pairs: Sequence[tuple[str, str]]) -> float:
    """The gist's chrF over ``pairs`` with ``table`` as its learnt senses and forms."""
    senses = {word: entry.sense for word, entry in table.items() if entry.sense}
    forms = {word: entry.form for word, entry in table.items() if entry.form}
    with learnt(senses, forms):
        hyps = [translate_line(zh) for zh, _ in pairs]
    return sacrebleu.corpus_chrf(hyps, [[en for _, en in pairs]]).score


def write_table(table: dict[str, Entry], out: Path, *, source: Path, command: str, settings: str) -> None:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    lines = [
        "# Word senses for the phrase gist, learnt from parallel text: written by training/gist_senses.py, do not edit.",
        f"# command: {command}",
        f"# learnt from: {source.name} (sha256 {digest}), its first half (the benchmark's dev half) only",
        f"# thresholds: {settings}",
        "# columns: word; the CC-CEDICT sense the references use (empty: the gist's own); the form they put it in",
        "#   (plural, past; empty: as the gist's rules say); evidence (sentences whose reference has it / sentences",
        "#   with the word, vs the gist's sense or the bare form)",
    ]
    lines += [f"{word}\t{e.sense}\t{e.form}\t{e.evidence}" for word, e in sorted(table.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", type=Path, help="zh<TAB>en pairs with a header line; only the first half is read")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--margin", type=float, default=MARGIN)
    parser.add_argument("--tune", action="store_true", help="learn on 2/3 of dev, print chrF on the last 1/3")
    args = parser.parse_args(argv)

    pairs = read_pairs(args.tsv)
    dev = pairs[: len(pairs) // 2]
    if args.tune:
        cut = len(dev) * 2 // 3
        learn_on, held_out = dev[:cut], dev[cut:]
        print(f"held-out third ({len(held_out)}): no table {chrf({}, held_out):.2f}", flush=True)
        for min_count in (1, 2, 3, 5, 8):
            for margin in (0.5, 1.0, 1.5, 2.0, 3.0):
                table = learn_table(learn_on, min_count=min_count, margin=margin)
                senses_only = {w: Entry(e.sense, "", "") for w, e in table.items() if e.sense}
                forms = sum(1 for e in table.values() if e.form)
                print(f"min-count {min_count} margin {margin}: {len(senses_only)} senses, chrF "
                      f"{chrf(senses_only, held_out):.2f}; with {forms} forms too, {chrf(table, held_out):.2f}", flush=True)
        return 0
    table = learn_table(dev, min_count=args.min_count, margin=args.margin)
    command = "python -m training.gist_senses " + " ".join([args.tsv.name, *(sys.argv[2:] if argv is None else argv[1:])])
    settings = f"min-count {args.min_count}, margin {args.margin}"
    write_table(table, args.out, source=args.tsv, command=command, settings=settings)
    print(f"{sum(1 for e in table.values() if e.sense)} senses, {sum(1 for e in table.values() if e.form)} forms -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
