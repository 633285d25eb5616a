"""Points that open mid-thought: detect them, and carry the sentence they lean on.

A point is one sentence lifted out of its article.  One that opens with an
anaphor or a connective (其, 这是, 该模型, 此举, 而, 同天, 然而 …) depends on the
sentence before it.  Two remedies, both general: selection ranks such a point
below a point that stands alone (:func:`standing`, used by the theme sections
and the executive summary), and a dependent point that is still shown carries
its preceding sentence as context (:func:`attach_context`), which the brief
prints lighter, before the point.  The word lists are data
(``briefing/data/dependent_openers.toml``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from briefing.models import Point, Sentence

DATA = Path(__file__).parent / "data" / "dependent_openers.toml"

# A lead-in that only frames what follows ("值得注意的是，", "巧合的是，"): the
# opener is looked for after it.  Short, so a real clause is not skipped.
_LEAD_IN = re.compile(r"^[^，,。；;：:]{1,10}的是[，,：:]\s*")
# Quotes, brackets and spaces before the first word do not change what it is.
_LEADING_MARKS = re.compile(r"^[\s“”‘’\"'「」『』（(【\[—-]+")


@cache
def _lists(path: Path = DATA) -> tuple[tuple[str, ...], tuple[str, ...]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))["openers"]
    openers = [*data["anaphors"], *data["connectives"]]
    # Longest first, so "与此同时" is reported as such rather than as "与".
    return tuple(sorted(openers, key=lambda w: (-len(w), w))), tuple(data.get("exceptions", ()))


def dependent_opener(text: str) -> str | None:
    """The word a sentence opens with when it depends on the sentence before it, else None.

    ``text`` is best the analysis copy (simplified characters, Sentence.norm).
    """
    openers, exceptions = _lists()
    body = _LEADING_MARKS.sub("", text)
    lead = _LEAD_IN.match(body)
    candidates = [body[lead.end():], body] if lead else [body]
    for candidate in candidates:
        candidate = _LEADING_MARKS.sub("", candidate)
        if any(candidate.startswith(word) for word in exceptions):
            continue
        for word in openers:
            if candidate.startswith(word):
                return word
    return None


def is_dependent(point: Point) -> bool:
    return dependent_opener(point.sentence.norm) is not None


# A point that opens mid-thought is worth this share of its rank score when
# points compete for a place: a standalone point of nearly the same strength
# wins, a clearly stronger dependent one still gets in (with its context).
DEPENDENT_PENALTY = 0.7


def standing(point: Point, penalty: float | None = None) -> float:
    """The rank score selection compares: ``point.score``, lowered for a point that opens mid-thought
    (by ``penalty``, default :data:`DEPENDENT_PENALTY`)."""
    if not is_dependent(point):
        return point.score
    return point.score * (DEPENDENT_PENALTY if penalty is None else penalty)


def attach_context(points: Iterable[Point], sentences: Iterable[Sentence]) -> None:
    """Give every dependent point the sentence before it in its article (``Point.context``).

    The sentence before is the one the point leans on, whether it ends the
    same paragraph or the one above.  None when the point opens its article
    (nothing to carry) or its neighbour was not read (the ranking cap).
    """
    by_place = {(s.source.path, s.position): s for s in sentences}
    for point in points:
        if not is_dependent(point):
            point.context = None
            continue
        sentence = point.sentence
        point.context = by_place.get((sentence.source.path, sentence.position - 1))


def needs_context(point: Point, previous: Point | None) -> bool:
    """Whether the brief prints ``point.context`` before the point.

    Not when the point just before it in the list is that very sentence: the
    reader has just read it.
    """
    if point.context is None:
        return False
    if previous is not None and previous.sentence.source.path == point.context.source.path:
        return previous.sentence.position != point.context.position
    return True


def unresolved(point: Point) -> bool:
    """Opens mid-thought and the brief shows nothing it could lean on (no context sentence)."""
    return is_dependent(point) and point.context is None


__all__ = [
    "DEPENDENT_PENALTY",
    "attach_context",
    "dependent_opener",
    "is_dependent",
    "needs_context",
    "standing",
    "unresolved",
]
