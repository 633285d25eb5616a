"""Shared test helpers: the checkout's paths, records built by hand, the shipped taxonomy.

Slow gates (a retraining, a 20 MB article, killed builds) carry ``@pytest.mark.slow``:
``make test`` leaves them out, ``make test-slow`` runs them, and CI runs both.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from briefing.models import Point, Sentence, Source
from briefing.themes import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def bounded(seconds: float, function, *args, **kwargs):
    """Run ``function`` in a thread; fail the test if it takes longer than ``seconds``.

    For code that must end by its own deadline (fetches, SMTP sessions): a
    hang fails the test instead of hanging the suite.
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"{getattr(function, '__name__', 'the call')} did not finish within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


def source(path="a.md", *, date=None, outlet=None, date_text=None) -> Source:
    """A source with only what a test names (its title is its path)."""
    return Source(path=path, title=path, date=date, outlet=outlet, date_text=date_text)


def sentence(text, src=None, position=0) -> Sentence:
    """A sentence of ``src`` whose text is already simplified (``norm`` = ``text``)."""
    src = src or source()
    return Sentence(text=text, norm=text, source=src, paragraph=0, position=position, start=0, end=len(text))


def point(text, score=1.0, *, src=None, position=0, theme=None) -> Point:
    """A one-sentence point, optionally filed under ``theme`` already."""
    s = sentence(text, src, position)
    p = Point(sentence=s, score=score, occurrences=[s])
    p.theme = theme
    return p


@pytest.fixture(scope="module")
def taxonomy():
    """The shipped theme taxonomy."""
    return load_taxonomy()
