"""The knobs of theme assignment and section selection, in one dataclass."""

from __future__ import annotations

from dataclasses import dataclass

from briefing.themes.model import ThemeModel


@dataclass(frozen=True, slots=True)
class ThemeSettings:
    """Knobs of theme assignment and section selection (defaults tuned on the seeds' labelled set)."""

    # Minimum score (own evidence plus context prior) for a theme; below it the point is "other".
    # 2.0 means one strong keyword (weight ≥ 2), or two weak ones, or a weak one the article backs.
    threshold: float = 2.0
    # Weight of the article profile prior: a theme holding the whole article adds this much.
    # Below the weight of one strong keyword, so context breaks ties but does not overrule the text.
    context_weight: float = 1.0
    # The prior is used only when the sentence is ambiguous on its own: its best evidence is below
    # the threshold, or the runner-up theme has at least this share of the best one's evidence.
    ambiguity_ratio: float = 0.8
    # A non-primary theme is "secondary" when its score reaches this share of the primary's.
    secondary_ratio: float = 0.6
    # Near-ties go to the theme listed first: a theme listed before the best-scoring one wins when its
    # score reaches this share of the best.  The shipped order puts policy acts (controls, diplomacy,
    # rules) before their objects (chips, models, companies), the way analysts file a mixed sentence.
    # 1.0 turns the rule off (exact ties only).
    precedence_ratio: float = 0.8
    # Local context (assign): the prior mixes the article profile with the evidence of the sentences
    # around the point (up to ``neighbour_window`` either side, a sentence of another paragraph
    # counting half), this share going to the neighbours.
    neighbour_share: float = 0.5
    neighbour_window: int = 2
    # A sentence that opens by pointing back (这项规则, 此举, 该法案 …) is about what its neighbours are
    # about: its prior is applied whether or not it is ambiguous, to every theme of its context, with
    # this weight.  Below one strong keyword plus one weak one, so the sentence's own terms still count.
    anaphora_weight: float = 3.0
    # Points per theme section, and in all sections together.
    per_theme_cap: int = 5
    global_cap: int = 25
    # "other" is shown only for points whose rank score (Point.score, 1.0 for an article's best
    # sentence) reaches this: off-theme points must be among their article's strongest to appear.
    other_min_score: float = 0.5
    # Character-bigram Jaccard similarity at which two points of one theme count as the same text.
    near_duplicate: float = 0.7
    # "model" (the trained classifier, when the taxonomy has the shipped themes) or "keywords".
    classifier: str = "model"
    # Model path: the context distribution q (neighbours and article) enters as ``beta * log q``;
    # a sentence pointing back (此举 …) takes ``anaphora_beta``.  Tuned by leaving one corpus part out.
    context_beta: float = 0.5
    anaphora_beta: float = 3.0
    # A model to use instead of the shipped one (cross-validation, tests); None = the shipped one.
    model: ThemeModel | None = None
    # Multiply in the model's sentence-encoder head (briefing/encoder.py), when the model has one.
    sentence_encoder: bool = True
    # A sentence vector costs 15-20 ms, so a build files every point by words and re-files with the
    # encoder only the points the brief shows (until the shown set no longer changes); True re-files
    # every point (evaluation, where every labelled point is scored).
    encode_every_point: bool = False
    # The encoder reads a sentence only when the words model alone is less sure of it than this
    # (1.0: always).  Held out, 0.9 (or 0.97) leaves the totals as they were (seeds 87.5 %, corpus
    # 85.4 %: one sentence of 2,164 fewer in context) and spares about half the vectors.
    encoder_below: float = 0.9
