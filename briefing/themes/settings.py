"""The ``[themes]`` settings: where the taxonomy comes from, which classifier files, and the knobs of both."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.models import ThemeSpec
from briefing.themes.model import ThemeModel
from briefing.themes.taxonomy import DEFAULT_MODE, load_taxonomy


def _tuning(default: Any) -> Any:
    # A measured knob, set by code (benchmarks, tests), not by briefing.toml: the config file and
    # `briefing config` show only the section's other fields (see briefing.config.config_keys).
    return field(default=default, metadata={"config": False})


@dataclass(frozen=True, slots=True)
class ThemeSettings:
    """The ``[themes]`` section of briefing.toml, with the knobs of assignment and selection
    (their defaults tuned on the labelled sets, see benchmarks/themes_crossval.py).

    How many points the brief shows is the build's size (``[build] top`` and
    ``per_theme``), passed to :func:`~briefing.themes.sections.select_sections` as such.
    """

    # A user taxonomy (TOML), which extends the shipped one or replaces it ("extend" | "replace").
    file: str | None = None
    mode: str = DEFAULT_MODE
    # "model" (the trained classifier, when the taxonomy has the shipped themes) or "keywords".
    classifier: str = "model"
    # Multiply in the model's sentence-encoder head (briefing/encoder.py), when the model has one.
    sentence_encoder: bool = True

    # Minimum score (own evidence plus context prior) for a theme; below it the point is "other".
    # 2.0 means one strong keyword (weight ≥ 2), or two weak ones, or a weak one the article backs.
    threshold: float = _tuning(2.0)
    # Weight of the article profile prior: a theme holding the whole article adds this much.
    # Below the weight of one strong keyword, so context breaks ties but does not overrule the text.
    context_weight: float = _tuning(1.0)
    # The prior is used only when the sentence is ambiguous on its own: its best evidence is below
    # the threshold, or the runner-up theme has at least this share of the best one's evidence.
    ambiguity_ratio: float = _tuning(0.8)
    # A non-primary theme is "secondary" when its score reaches this share of the primary's.
    secondary_ratio: float = _tuning(0.6)
    # Near-ties go to the theme listed first: a theme listed before the best-scoring one wins when its
    # score reaches this share of the best.  The shipped order puts policy acts (controls, diplomacy,
    # rules) before their objects (chips, models, companies), the way analysts file a mixed sentence.
    # 1.0 turns the rule off (exact ties only).
    precedence_ratio: float = _tuning(0.8)
    # Local context (assign): the prior mixes the article profile with the evidence of the sentences
    # around the point (up to ``neighbour_window`` either side, a sentence of another paragraph
    # counting half), this share going to the neighbours.
    neighbour_share: float = _tuning(0.5)
    neighbour_window: int = _tuning(2)
    # A sentence that opens by pointing back (这项规则, 此举, 该法案 …) is about what its neighbours are
    # about: its prior is applied whether or not it is ambiguous, to every theme of its context, with
    # this weight.  Below one strong keyword plus one weak one, so the sentence's own terms still count.
    anaphora_weight: float = _tuning(3.0)
    # "other" is shown only for points whose rank score (Point.score, 1.0 for an article's best
    # sentence) reaches this: off-theme points must be among their article's strongest to appear.
    other_min_score: float = _tuning(0.5)
    # Character-bigram Jaccard similarity at which two points of one theme count as the same text.
    near_duplicate: float = _tuning(0.7)
    # Model path: the context distribution q (neighbours and article) enters as ``beta * log q``;
    # a sentence pointing back (此举 …) takes ``anaphora_beta``.  Tuned by leaving one corpus part out.
    context_beta: float = _tuning(0.5)
    anaphora_beta: float = _tuning(3.0)
    # A point the words model is unsure of between two themes (the runner-up at least ``secondary_ratio``
    # of the best: the points marked 亦属…) goes to the theme its article leans to: its context enters
    # with this beta instead.  On real articles held out by file (--groups real), policy sentences filed
    # right in context with the previous model: 69.4 % at 0.5 (the ordinary beta), 69.9 % at 1 and 2, 69.8 %
    # at 3; with the shipped one 70.9 % at 0.5 and 2, the seeds 86.9 % and 87.5 %, the corpus 85.3 %.
    unsure_beta: float = _tuning(2.0)
    # "other" is for points outside every theme, not a dumping ground for the unsure: when the model
    # puts "other" first with less than this probability, the best policy theme takes the point.
    # Measured on real articles held out by file (benchmarks/themes_crossval.py --groups real).
    other_below: float = _tuning(0.0)
    # A model to use instead of the shipped one (cross-validation, tests); None = the shipped one.
    model: ThemeModel | None = _tuning(None)
    # A sentence vector costs 15-20 ms, so a build files every point by words and re-files with the
    # encoder only the points the brief shows (until the shown set no longer changes); True re-files
    # every point (evaluation, where every labelled point is scored).
    encode_every_point: bool = _tuning(False)
    # The encoder reads a sentence only when the words model alone is less sure of it than this
    # (1.0: always).  Held out, 0.9 (or 0.97) leaves the totals as they were (seeds 87.5 %, corpus
    # 85.4 %: one sentence of 2,164 fewer in context) and spares about half the vectors.
    encoder_below: float = _tuning(0.9)

    def taxonomy(self) -> list[ThemeSpec]:
        """The taxonomy these settings name: the shipped one, extended or replaced by ``file``."""
        return load_taxonomy(Path(self.file) if self.file else None, mode=self.mode)  # type: ignore[arg-type]
