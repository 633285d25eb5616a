"""The trained model: a multinomial logistic regression over a sentence's words and keyword evidence.

Trained by ``scripts/train_theme_model.py`` on the labelled corpus and the
labelled seed sentences, shipped as ``data/themes_model.json`` (plain JSON
weights: no scikit-learn at run time).  Keywords say what a theme is about;
the model learns how much each one is worth in real sentences that name
several themes (芯片 in a sentence about a chip ban) and picks up the ordinary
words analysts file by (人才, 访问, 营收).  An optional second regression over
the sentence's vector from a multilingual sentence encoder
(:mod:`briefing.encoder`) is its :class:`EncoderHead`.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy

from briefing.errors import ConfigError
from briefing.models import ThemeSpec
from briefing.themes.matching import Matcher, cached_evidence, evidence, matcher_for, sentence_tokens
from briefing.tokenize import stopwords

CLASSIFIERS = ("model", "keywords")
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9\-]+$")


@dataclass(frozen=True, slots=True, eq=False)
class EncoderHead:
    """A multinomial logistic regression over sentence vectors (:mod:`briefing.encoder`), one row per class."""

    encoder: str  # the vectors it was trained on (encoder.ENCODER_ID)
    fusion: float  # its log-probabilities enter the words model's with this weight
    intercept: numpy.ndarray  # (classes,)
    weights: numpy.ndarray  # (classes, dimensions); the training vectors' standardisation is folded in

    def probabilities(self, vector: numpy.ndarray) -> numpy.ndarray:
        logits = self.intercept + self.weights @ vector.astype(numpy.float64)
        exps = numpy.exp(logits - logits.max())
        return exps / exps.sum()


@dataclass(frozen=True, slots=True, eq=False)
class ThemeModel:
    """A multinomial logistic regression over :func:`model_features` (see scripts/train_theme_model.py),
    with an optional second one over sentence vectors whose probabilities are multiplied in."""

    themes: tuple[str, ...]  # its classes, in the shipped taxonomy's order ("other" included)
    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]  # feature -> one weight per class
    trained_on: Mapping[str, Any] = field(default_factory=dict)  # provenance: inputs and their digest (--check)
    encoder: EncoderHead | None = None


def model_path() -> Path:
    return Path(str(resources.files("briefing") / "data" / "themes_model.json"))


def parse_model(data: Mapping[str, Any], *, origin: str = "<model>") -> ThemeModel:
    try:
        themes = tuple(str(t) for t in data["themes"])
        intercept = tuple(float(b) for b in data["intercept"])
        weights = {str(f): tuple(float(w) for w in ws) for f, ws in data["weights"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"{origin}: malformed theme model: {exc}") from exc
    if len(intercept) != len(themes) or any(len(ws) != len(themes) for ws in weights.values()):
        raise ConfigError(f"{origin}: malformed theme model: weights do not match its {len(themes)} themes")
    head = None
    if data.get("encoder") is not None:
        try:
            table = data["encoder"]
            head = EncoderHead(
                str(table["id"]),
                float(table["fusion"]),
                numpy.asarray(table["intercept"], dtype=numpy.float64),
                numpy.asarray(table["weights"], dtype=numpy.float64),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{origin}: malformed theme model encoder head: {exc}") from exc
        if head.intercept.shape != (len(themes),) or head.weights.ndim != 2 or head.weights.shape[0] != len(themes):
            raise ConfigError(f"{origin}: malformed theme model: encoder head does not match its {len(themes)} themes")
    return ThemeModel(themes, intercept, weights, dict(data.get("trained_on", {})), head)


@functools.lru_cache(maxsize=1)
def load_model() -> ThemeModel | None:
    """The shipped model, or None if the package has none (then keywords decide)."""
    path = model_path()
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ConfigError(f"{path}: invalid JSON: {exc}") from exc
    return parse_model(data, origin=str(path))


def content_words(text: str) -> tuple[str, ...]:
    """The distinct content words of a simplified sentence, in order: Han words of two or more characters, Latin names."""
    stop = stopwords()
    seen: dict[str, None] = {}
    for token in sentence_tokens(text):
        token = token.strip()
        if not token or token in stop:
            continue
        if _HAN_WORD.match(token):
            seen.setdefault(token)
        elif _LATIN_WORD.match(token):
            seen.setdefault(token.casefold())
    return tuple(seen)


def model_features(text: str, taxonomy: Sequence[ThemeSpec]) -> dict[str, float]:
    """What the model reads: ``w:<word>`` = 1 per content word, ``k:<theme>`` = log(1 + keyword score)."""
    return _model_features(text, matcher_for(tuple(taxonomy)))


def _model_features(text: str, matcher: Matcher) -> dict[str, float]:
    features = {f"w:{word}": 1.0 for word in content_words(text)}
    own, _ = cached_evidence(text, matcher)
    for theme, score in own.items():
        features[f"k:{theme}"] = math.log1p(score)
    return features


def probabilities(text: str, taxonomy: Sequence[ThemeSpec], model: ThemeModel) -> dict[str, float]:
    """The model's probability of each theme for ``text`` on its own."""
    return dict(_probabilities(text, matcher_for(tuple(taxonomy)), model))


# Keyed by the matcher (one per taxonomy, compared by identity) rather than the
# taxonomy itself: hashing every keyword of every theme per sentence is the
# cost the matcher cache exists to pay once.
@functools.lru_cache(maxsize=65536)
def _probabilities(text: str, matcher: Matcher, model: ThemeModel) -> tuple[tuple[str, float], ...]:
    logits = list(model.intercept)
    for feature, value in _model_features(text, matcher).items():
        weights = model.weights.get(feature)
        if weights:
            for index, weight in enumerate(weights):
                logits[index] += weight * value
    return tuple(normalised(dict(zip(model.themes, logits, strict=True))).items())


def explain(text: str, taxonomy: Sequence[ThemeSpec], model: ThemeModel, theme: str) -> tuple[str, ...]:
    """The words that pushed ``text`` towards ``theme``: its matched keywords, then its strongest model words."""
    index = model.themes.index(theme)
    _, matched = evidence(text, taxonomy)
    keywords = list(matched.get(theme, ()))
    learned = sorted(
        (
            (-model.weights[f"w:{word}"][index], word)
            for word in content_words(text)
            if f"w:{word}" in model.weights and model.weights[f"w:{word}"][index] >= _EXPLAIN_MIN
        ),
    )
    keywords += [word for _, word in learned if word not in keywords]
    return tuple(keywords[:8])


_EXPLAIN_MIN = 0.3  # a word named as evidence must weigh at least this for the theme (generic words weigh less)


def normalised(logits: Mapping[str, float]) -> dict[str, float]:
    """Probabilities from log-scores (softmax; the largest is subtracted first, so nothing overflows)."""
    top = max(logits.values())
    mass = sum(math.exp(v - top) for v in logits.values())
    return {theme: math.exp(v - top) / mass for theme, v in logits.items()}
