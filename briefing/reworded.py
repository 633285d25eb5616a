"""Machine-reworded (洗稿) articles: recognise them and read them with the usual words.

Content farms re-post news through synonym spinners ("伪原创" tools) that
swap words for dictionary neighbours: 出口管制新措施 becomes 出口管制新步伐,
人工智能技术 人工智能技能, 计算集群 盘算集群.  A person still follows it; jieba's
dictionary, the theme model and the English gist's glossary do not (步伐 is
"pace", 技能 "skill").  Such an article is one of the kinds users drop in.

Most spinner words are ordinary words elsewhere (当局 in Hong Kong media, 环球
in 环球时报, 举行 for a meeting), so restoring them everywhere would damage
normal articles.  :func:`detect` therefore judges the whole article: a
reworded one uses many distinct spinner words and almost none of the words
they replaced; a normal article uses both, mostly the usual ones.  Only then
does :func:`restore` rewrite the *analysis* copy of its sentences
(``Sentence.norm``).  The display text, what the brief quotes, keeps the
article's own words.

Measured (README, "Reworded articles"; ``benchmarks/reworded_scan.py``): the
one reworded seed uses 124 distinct spinner words, and 99 % of the pairs'
words it uses are the spinner's; among 500 general news articles, four seeds
and 236 labelled corpus documents the most is 12 distinct, and no article
with 5 or more has a share above 59 %.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from briefing.clean import normalize_for_analysis
from briefing.models import Sentence, Source

# An article reads as reworded when it uses at least this many distinct spinner
# words (a spun news item of a few hundred characters has a dozen or more;
# ordinary articles up to 10,000 characters had 12 at most, so the share below
# decides there) ...
MIN_DISTINCT = 10
# ... and this share of the pairs' words it uses are the spinner's (ordinary text: at most 0.59).
MIN_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Table:
    """Spinner word → usual word, and what detection counts."""

    usual: dict[str, str]
    pattern: re.Pattern[str]  # every spinner word, longest first
    # Words of a chain (重要 is both the spinner's 主要 and what 紧张 replaced) say nothing either way.
    spinner_only: frozenset[str]
    usual_only: frozenset[str]
    evidence: re.Pattern[str]  # spinner_only and usual_only words, longest first


def parse_table(text: str, *, origin: str = "reworded.tsv") -> Table:
    """Read ``spinner<TAB>usual`` lines ('#' comments); a malformed or repeated line is a ValueError naming it."""
    usual: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        spun, sep, plain = line.partition("\t")
        spun, plain = spun.strip(), plain.strip()
        if not sep or not spun or not plain or "\t" in plain or spun == plain:
            raise ValueError(f"{origin} line {number}: expected 'spinner word<TAB>usual word', got {line!r}")
        if spun in usual:
            raise ValueError(f"{origin} line {number}: {spun!r} is listed twice")
        usual[spun] = plain
    if not usual:
        raise ValueError(f"{origin}: no word pairs")
    both = set(usual) & set(usual.values())
    spinner_only = frozenset(set(usual) - both)
    usual_only = frozenset(set(usual.values()) - both)
    return Table(
        usual=usual,
        pattern=_longest_first(usual),
        spinner_only=spinner_only,
        usual_only=usual_only,
        evidence=_longest_first(spinner_only | usual_only),
    )


def _longest_first(words) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(words, key=lambda w: (-len(w), w)))))


@functools.cache
def table() -> Table:
    text = (resources.files("briefing") / "data" / "reworded.tsv").read_text(encoding="utf-8")
    return parse_table(text)


@dataclass(frozen=True, slots=True)
class Reading:
    """How reworded a text reads: distinct spinner words, and the spinner's share of the pairs' words."""

    distinct: int
    share: float

    @property
    def reworded(self) -> bool:
        return self.distinct >= MIN_DISTINCT and self.share >= MIN_SHARE


def read(paragraphs: Sequence[str], words: Table | None = None) -> Reading:
    """Count spinner words (each distinct one, and every occurrence) against the usual words of the same pairs.

    Reads the display text as it is: the table is in simplified script, and
    converting a whole article first would cost about 1 ms more per article
    (five times the reading itself, on the eval articles) for the rare
    traditional-script copy of a spinner's output, which is therefore read as
    an ordinary article.
    """
    words = words or table()
    found = [m.group() for m in words.evidence.finditer("\n".join(paragraphs))]
    spun = [w for w in found if w in words.spinner_only]
    return Reading(distinct=len(set(spun)), share=len(spun) / len(found) if found else 0.0)


def detect(paragraphs: Sequence[str], words: Table | None = None) -> bool:
    """Whether the article as a whole reads as machine-reworded."""
    return read(paragraphs, words).reworded


def restore(text: str, words: Table | None = None) -> str:
    """``text`` (analysis copy) with every spinner word replaced by its usual word, in one pass."""
    words = words or table()
    return words.pattern.sub(lambda m: words.usual[m.group()], text)


def to_translate(sentence: Sentence) -> str:
    """What the English side renders: the sentence as written, or in a reworded article its usual words.

    A gist or a machine translation of 出口管制新步伐 says "new export-control
    pace"; of the restored 出口管制新措施, "new export-control measures".  The
    source appendix says which articles were read this way.
    """
    return sentence.norm if sentence.source.reworded else sentence.text


def usual_title(source: Source) -> str:
    """An article's title as ranking and the appendix's title gist read it (restored if the article is reworded)."""
    return restore(normalize_for_analysis(source.title)) if source.reworded else source.title


__all__ = ["MIN_DISTINCT", "MIN_SHARE", "Reading", "Table", "detect", "parse_table", "read", "restore", "table", "to_translate", "usual_title"]
