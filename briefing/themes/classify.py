"""Classification: file one sentence under one theme, with the evidence behind the choice.

Two classifiers share the keyword evidence (:mod:`briefing.themes.matching`):

* the **model** (default with the shipped themes, :mod:`briefing.themes.model`).
  It knows only the themes it was trained on, so a taxonomy that adds or drops
  a theme is filed by keywords alone.  Its context is the probabilities of the
  neighbouring sentences and of the article, multiplied in; a second
  regression over the sentence's vector from a multilingual sentence encoder
  multiplies in its own probabilities for the points the brief shows (see
  :func:`briefing.themes.assign.assign`): it carries a theme across
  paraphrases the words never covered.
* **keywords** alone (``[themes] classifier = "keywords"``, or any changed
  set of themes).  Keyword scores are saturating sums of weights.  When a
  sentence's own evidence is weak or near-tied, the article's theme profile
  (shares summing to 1) is added as a damped prior, ``context_weight * share``,
  only to themes the sentence itself gives evidence for: the article decides
  between candidates the sentence supports, it never invents a theme the
  sentence does not mention, and it leaves a clear-cut sentence alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy

from briefing import encoder as sentence_encoder
from briefing.errors import ConfigError
from briefing.models import ThemeSpec
from briefing.themes.matching import evidence
from briefing.themes.model import CLASSIFIERS, EncoderHead, ThemeModel, explain, load_model, normalised, probabilities
from briefing.themes.settings import ThemeSettings
from briefing.themes.taxonomy import OTHER


@dataclass(frozen=True, slots=True)
class Classification:
    """The outcome for one text: the theme, its score, and the evidence behind it."""

    theme: str
    score: float
    keywords: tuple[str, ...]  # the matched keywords of the chosen theme, strongest first
    secondary: tuple[str, ...] = ()
    scores: Mapping[str, float] = field(default_factory=dict)  # every theme with evidence, prior included
    evidence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # matched keywords per theme
    prior: Mapping[str, float] = field(default_factory=dict)  # what the article profile added


def model_for(taxonomy: Sequence[ThemeSpec], settings: ThemeSettings = ThemeSettings()) -> ThemeModel | None:
    """The model that files points under ``taxonomy``, or None when keywords must.

    The model can only score the themes it was trained on: it applies when the
    taxonomy has exactly those themes (their keywords may be edited: the
    keyword evidence is one of its inputs).
    """
    if settings.classifier not in CLASSIFIERS:
        raise ConfigError(f"themes classifier must be one of {', '.join(CLASSIFIERS)}, got {settings.classifier!r}")
    if settings.classifier != "model":
        return None
    model = settings.model or load_model()
    if model is None or tuple(t.id for t in taxonomy) != model.themes:
        return None
    return model


_EPSILON = 1e-3  # a context that rules a theme out still leaves it a chance


def classify(
    text: str,
    taxonomy: Sequence[ThemeSpec],
    *,
    profile: Mapping[str, float] | None = None,
    settings: ThemeSettings = ThemeSettings(),
    vector: numpy.ndarray | None = None,
) -> Classification:
    """File ``text`` (simplified Chinese, i.e. ``Sentence.norm``) under one theme.

    With the model, the sentence's own probabilities are the words model's,
    times the sentence-encoder head's raised to its fusion weight (when the
    model has a head, ``settings.sentence_encoder`` is on and the encoder
    loads); ``vector`` is the text's sentence vector if the caller has it.

    ``profile`` is the article's theme shares (see :func:`article_profiles`).
    When the text alone is ambiguous (weak or near-tied evidence) it adds
    ``settings.context_weight * share`` to the themes the text already gives
    evidence for.  Ties go to the theme listed first in the taxonomy.
    """
    model = model_for(taxonomy, settings)
    if model is not None:
        own = probabilities(text, taxonomy, model)
        head = encoder_head(model, settings)
        if head is not None and reads_vector(text, profile) and unsure(own, settings):
            if vector is None:
                encoder = sentence_encoder.load()
                vector = encoder.embed([text])[0] if encoder is not None else None
            if vector is not None:
                own = _fuse(own, head, vector)
        return _classify_with_model(text, taxonomy, model, own, profile, settings)
    own, matched = evidence(text, taxonomy)
    prior: dict[str, float] = {}
    if profile and is_anaphoric(text):
        prior = {
            theme: round(settings.anaphora_weight * float(share), 6)
            for theme, share in profile.items()
            if theme != OTHER and share > 0
        }
    elif profile and _ambiguous(own, settings):
        prior = {
            theme: round(settings.context_weight * float(profile.get(theme, 0.0)), 6)
            for theme in own
            if profile.get(theme, 0.0) > 0
        }
    scores = {theme: round(own.get(theme, 0.0) + prior.get(theme, 0.0), 6) for theme in {*own, *prior}}
    order = {theme.id: index for index, theme in enumerate(taxonomy)}
    ranked = sorted(scores, key=lambda theme: (-scores[theme], order.get(theme, len(order))))
    if not ranked or scores[ranked[0]] < settings.threshold:
        best = scores[ranked[0]] if ranked else 0.0
        return Classification(OTHER, best, (), (), scores, matched, prior)
    # Near-ties go to the theme listed first (policy act over its object).
    contenders = [t for t in ranked if scores[t] >= settings.precedence_ratio * scores[ranked[0]]]
    primary = min(contenders, key=lambda theme: order.get(theme, len(order)))
    ranked = [primary] + [t for t in ranked if t != primary]
    floor = max(settings.threshold, settings.secondary_ratio * scores[primary])
    secondary = tuple(theme for theme in ranked[1:] if scores[theme] >= floor)
    return Classification(primary, scores[primary], matched.get(primary, ()), secondary, scores, matched, prior)


def encoder_head(model: ThemeModel, settings: ThemeSettings) -> EncoderHead | None:
    head = model.encoder
    if head is None or not settings.sentence_encoder or head.encoder != sentence_encoder.ENCODER_ID:
        return None
    return head


def reads_vector(text: str, profile: Mapping[str, float] | None) -> bool:
    """Whether the encoder head has a say: not on a sentence pointing back (此举…) at a known context.

    Such a sentence is about what its neighbours name; its vector says only
    which stories sentences like it followed in the training text (此举…企业…
    不确定性 mostly after export controls), and that must not outvote the story
    it follows here.  Held out, leaving them to the words model changes no
    figure (they are rare); it keeps the pointing back honest.
    """
    return not (profile and is_anaphoric(text))


def unsure(own: Mapping[str, float], settings: ThemeSettings) -> bool:
    """Whether the words model alone is unsure enough of a sentence for the encoder to read it."""
    return max(own.values()) < settings.encoder_below


def torn(own: Mapping[str, float], settings: ThemeSettings) -> bool:
    """Whether the sentence alone is unsure between two themes: the runner-up has ``secondary_ratio`` of the best.

    "Other" counts as a theme here: a sentence the model is sure is off-topic is not torn
    between the two policy themes it gives crumbs to.
    """
    ranked = sorted(own.values(), reverse=True)
    return len(ranked) > 1 and ranked[1] >= settings.secondary_ratio * ranked[0]


def _fuse(own: Mapping[str, float], head: EncoderHead, vector: numpy.ndarray) -> dict[str, float]:
    """``own * head(vector) ** fusion``, normalised: a product of experts, each sure only where it has seen such text."""
    encoded = head.probabilities(vector)
    return normalised({
        theme: math.log(max(p, 1e-12)) + head.fusion * math.log(max(float(q), 1e-12))
        for (theme, p), q in zip(own.items(), encoded, strict=True)
    })


def _classify_with_model(
    text: str,
    taxonomy: Sequence[ThemeSpec],
    model: ThemeModel,
    own: Mapping[str, float],
    profile: Mapping[str, float] | None,
    settings: ThemeSettings,
) -> Classification:
    """The model's choice: own log-probability plus ``beta * log(context share)``, normalised again.

    The context is a distribution over the same themes (the neighbours' and
    the article's probabilities); a sentence pointing back leans on it harder
    (``anaphora_beta``).  Ties go to the theme listed first.
    """
    logits = {theme: math.log(max(p, 1e-12)) for theme, p in own.items()}
    prior: dict[str, float] = {}
    if profile:
        if is_anaphoric(text):
            beta = settings.anaphora_beta
        elif torn(own, settings):
            beta = settings.unsure_beta
        else:
            beta = settings.context_beta
        prior = {theme: beta * math.log(float(profile.get(theme, 0.0)) + _EPSILON) for theme in own}
        logits = {theme: logits[theme] + prior[theme] for theme in own}
    posterior = {theme: round(p, 6) for theme, p in normalised(logits).items()}
    order = {theme: index for index, theme in enumerate(model.themes)}
    primary = min(posterior, key=lambda theme: (-posterior[theme], order[theme]))
    if primary == OTHER and posterior[OTHER] < settings.other_below:
        primary = min((t for t in posterior if t != OTHER), key=lambda theme: (-posterior[theme], order[theme]))
    _, matched = evidence(text, taxonomy)
    secondary = tuple(
        theme
        for theme in sorted(posterior, key=lambda t: (-posterior[t], order[t]))
        if theme not in (primary, OTHER) and posterior[theme] >= settings.secondary_ratio * posterior[primary]
    )
    keywords = explain(text, taxonomy, model, primary) if primary != OTHER else ()
    scores = {theme: p for theme, p in posterior.items() if p >= 0.01}
    return Classification(
        primary, posterior[primary], keywords, secondary, scores, matched, {t: round(v, 6) for t, v in prior.items()}
    )


# A demonstrative pointing back at a measure, rule or act, near the start of the sentence (after an
# optional speaker tag such as "特里奥罗:").  Grammar, not topic: it says "same subject as before".
_ANAPHOR = re.compile(
    r"^(?:[^,，:：。]{1,8}[:：])?.{0,8}?"
    r"(?:这项|此项|该项|上述|此举|这些措施|(?:这一|该|此|这个)[^,，。:：]{0,8}?"
    r"(?:规则|措施|规定|政策|法案|禁令|举措|决定|新规|限制|条例|办法|协议|声明))"
)


def is_anaphoric(text: str) -> bool:
    """Whether ``text`` opens by pointing back at something its neighbours named (这项规则, 此举 …)."""
    return bool(_ANAPHOR.match(text))


def _ambiguous(own: Mapping[str, float], settings: ThemeSettings) -> bool:
    """Weak (best below the threshold) or near-tied (runner-up within ``ambiguity_ratio``) evidence."""
    ranked = sorted(own.values(), reverse=True)
    if not ranked:
        return False
    return ranked[0] < settings.threshold or (len(ranked) > 1 and ranked[1] >= settings.ambiguity_ratio * ranked[0])
