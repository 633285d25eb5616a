"""Machine-translation backends for the English side of the brief.

Each backend implements the :class:`briefing.translate.Translator` protocol
(``name`` and ``translate(batch) -> list[Translation]``) and labels every line
with the mode that produced it:

``argos``           offline neural MT with an Argos Translate zh→en package
                    (:mod:`briefing.backends.argos`, needs ``ctranslate2`` and
                    ``sentencepiece``)
``openai:<model>``  any OpenAI-compatible chat-completions endpoint
                    (:mod:`briefing.backends.openai`, standard library only)

Around a backend, :func:`briefing.backends.chain.build_translator` composes
the user's corrections file (:mod:`~briefing.backends.corrections`), a
persistent SQLite cache (:mod:`~briefing.backends.cache`) and a per-line
fallback to the gist, so a missing model or an unreachable endpoint never
costs the brief its English side: the affected lines say ``gist`` instead.

This module imports nothing heavy: the optional dependencies are imported only
when a backend is actually used.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefing.errors import BriefingError
from briefing.models import Translation

# Sentences per backend call (one chat request, one CTranslate2 batch), for every backend and the
# fallback around it: a failed call costs its whole batch the gist, so batches stay small.
BATCH_SIZE = 8


class TranslationError(BriefingError):
    """A translation backend cannot be used: missing model, refused key, endpoint down.

    The message names what failed (a path, a URL) and how to fix it.  The
    translation chain turns it into a gist fallback unless it runs strict.
    """


class NoTranslator:
    """Chinese only: every line gets an empty English side labelled ``none``.

    Here rather than in :mod:`briefing.translate` because the chain builds it
    for ``none`` and must not import the module that imports the chain.
    """

    name = "none"

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        return [Translation("", "none") for _ in batch]


__all__ = ["BATCH_SIZE", "NoTranslator", "TranslationError"]
