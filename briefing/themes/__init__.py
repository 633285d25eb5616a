"""Themes: file each point under one theme of the taxonomy, then pick what each section shows.

One module per concern, in the order a point meets them:

* :mod:`~briefing.themes.taxonomy`: the themes, as data (``briefing/data/themes.toml``,
  replaceable or extendable by a user file);
* :mod:`~briefing.themes.matching`: each theme's keyword evidence in a sentence,
  explainable by construction (a point keeps the keywords that matched, so
  ``briefing themes`` can say why it was filed where it was);
* :mod:`~briefing.themes.model`: the trained model over words and keyword evidence,
  with its sentence-encoder head;
* :mod:`~briefing.themes.classify`: one sentence filed by the model or by keywords alone;
* :mod:`~briefing.themes.assign`: every point filed with its neighbours and article as context;
* :mod:`~briefing.themes.sections`: what each theme section shows, in which order;
* :mod:`~briefing.themes.settings`: the knobs of all of the above.

The overview line under a section heading is wording, and lives with the
rest of the brief's wording in :mod:`briefing.presentation`.
"""

from briefing.themes.assign import article_profiles, assign
from briefing.themes.classify import Classification, classify, is_anaphoric, model_for
from briefing.themes.matching import evidence
from briefing.themes.model import (
    CLASSIFIERS,
    EncoderHead,
    ThemeModel,
    load_model,
    model_features,
    model_path,
    parse_model,
    probabilities,
)
from briefing.themes.sections import select_sections, source_order_key
from briefing.themes.settings import ThemeSettings
from briefing.themes.taxonomy import OTHER, default_taxonomy_path, load_taxonomy, parse_taxonomy

__all__ = [
    "CLASSIFIERS",
    "OTHER",
    "Classification",
    "EncoderHead",
    "ThemeModel",
    "ThemeSettings",
    "article_profiles",
    "assign",
    "classify",
    "default_taxonomy_path",
    "evidence",
    "is_anaphoric",
    "load_model",
    "load_taxonomy",
    "model_features",
    "model_for",
    "model_path",
    "parse_model",
    "parse_taxonomy",
    "probabilities",
    "select_sections",
    "source_order_key",
]
