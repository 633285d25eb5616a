"""Quality gates of the theme stage, on the labelled sentences (training/data).

The held-out gate retrains the model fold by fold (minutes): it is marked slow and runs in CI's second step
(``make test-slow``), the way trafilatura runs its evaluation gate apart from the unit tests.
"""

from __future__ import annotations

import pytest

from benchmarks import themes_crossval, themes_eval
from briefing.themes import ThemeSettings
from training import train_theme_model


# Quality gates.  The keyword classifier alone, on the labelled sentences (training/data/themes_labelled.tsv,
# benchmarks/themes_eval.py --classifier keywords): measured 0.845 on the seeds in context and alone, and
# 0.889 on the generalisation set, until the labels were brought to the analyst's conventions (issue 18,
# training/data/relabels.tsv); the keyword lists were written for the old ones and now measure 0.804 in
# context, 0.792 alone and 0.844 on the generalisation set.  Keywords are the fallback for an edited
# taxonomy, not the shipped classifier: the floors follow the labels.
SEED_CONTEXT_ACCURACY_BASELINE = 0.80
SEED_ALONE_ACCURACY_BASELINE = 0.79
INVENTED_ACCURACY_BASELINE = 0.95
GENERALISATION_ACCURACY_BASELINE = 0.84
# The shipped model, on sentences held out of its training (benchmarks/themes_crossval.py, C = 2,
# encoder head C = 0.01, fusion 1.5), against the relabelled data: the nine corpus parts left out part by
# part 0.842 in context (keywords 0.593); the first four parts 0.878; part 9 (written on the analyst's
# boundaries) 0.805; the seeds left out article by article 0.851, and 0.942 on the 103 seed sentences a
# second annotator labelled confidently.  Before the relabelling (eight parts, the old labels) the same
# gates measured 0.853, 0.898, 0.875 and 0.971: part of the drop is the conventions moving away from
# what the written corpus taught, which is the price of filing as the analyst does.
CORPUS_HELD_OUT_MODEL_BASELINE = 0.84
FIRST_PARTS_HELD_OUT_MODEL_BASELINE = 0.87
SEED_HELD_OUT_MODEL_BASELINE = 0.85
SEED_CONFIDENT_HELD_OUT_MODEL_BASELINE = 0.94


# The keyword classifier alone: tests of keyword matching, thresholds and priors (the model has its own).
KEYWORDS = ThemeSettings(classifier="keywords")


def test_labelled_set_accuracy_gate_keywords(taxonomy):
    sections = themes_eval.read_labelled()
    seeds, invented, fresh = sections["seeds"], sections["invented"], sections["generalisation"]
    assert len(seeds) >= 60 and len(invented) >= 20 and len(fresh) >= 40
    assert {row.theme for row in seeds} == {t.id for t in taxonomy}
    assert all(row.article and row.position is not None for row in seeds)
    in_context, results = themes_eval.evaluate_in_context(seeds, taxonomy, KEYWORDS)
    assert len(results) == len(seeds)
    assert in_context >= SEED_CONTEXT_ACCURACY_BASELINE
    assert themes_eval.evaluate(seeds, taxonomy, KEYWORDS)[0] >= SEED_ALONE_ACCURACY_BASELINE
    assert themes_eval.evaluate(invented, taxonomy, KEYWORDS)[0] >= INVENTED_ACCURACY_BASELINE
    assert themes_eval.evaluate(fresh, taxonomy, KEYWORDS)[0] >= GENERALISATION_ACCURACY_BASELINE


@pytest.mark.slow
def test_model_accuracy_on_held_out_sentences_gate(taxonomy):
    """The model's figures from benchmarks/themes_crossval.py: every model scored without its test sentences."""
    pytest.importorskip("sklearn")

    runs = list(themes_crossval.run_folds(taxonomy, groups=("corpus", "seeds")))
    scores = themes_crossval.group_scores(runs)
    corpus, seeds = scores["corpus"], scores["seeds"]
    assert corpus.n >= 2000 and seeds.n == 168
    assert corpus.model_context >= CORPUS_HELD_OUT_MODEL_BASELINE
    first = [run for run in runs if run[0] in {f"corpus:part{k}" for k in range(1, 5)}]
    assert len(first) == 4
    first_parts = themes_crossval.group_scores(first)["corpus"]
    assert first_parts.model_context >= FIRST_PARTS_HELD_OUT_MODEL_BASELINE
    assert seeds.model_context >= SEED_HELD_OUT_MODEL_BASELINE
    # The reason the model ships: on text nobody tuned keywords on, it files far better than keywords.
    assert corpus.model_context >= corpus.keywords_context + 0.20
    # Against a second, blind annotator of the seeds: where that annotator was sure, the model must be too.
    seed_results = [result for run in runs if run[1] == "seeds" for result in run[3]]
    agreement = themes_crossval.agreement(seed_results, themes_crossval.read_second_annotator())
    assert agreement.model_confident >= SEED_CONFIDENT_HELD_OUT_MODEL_BASELINE
    assert agreement.model_either >= agreement.model_gold


def test_second_annotator_labelled_exactly_the_seed_sentences(taxonomy):
    second = themes_crossval.read_second_annotator()
    seeds = themes_eval.read_labelled()["seeds"]
    assert set(second) == {row.sentence for row in seeds}
    ids = {t.id for t in taxonomy}
    assert all(r["theme"] in ids and r["confidence"] in ("high", "low") for r in second.values())
    assert all(r.get("alt") in ids and r["alt"] != r["theme"] for r in second.values() if r["confidence"] == "low")
    # Two careful readers disagree on some sentences, but far from on most: the labels mean something.  The second
    # reader labelled from the guide before its analyst's conventions (training/data/relabels.tsv): the seeds those
    # changed are ones they marked unsure, now filed under their second choice (first choice 0.923 -> 0.893).
    agree = sum(second[row.sentence]["theme"] == row.theme for row in seeds) / len(seeds)
    either = sum(row.theme in (second[row.sentence]["theme"], second[row.sentence].get("alt")) for row in seeds) / len(seeds)
    sure = [row for row in seeds if second[row.sentence]["confidence"] == "high"]
    assert agree >= 0.85 and either >= 0.95
    assert sum(second[row.sentence]["theme"] == row.theme for row in sure) / len(sure) >= 0.95


def test_shipped_model_was_trained_on_the_current_data():
    # Editing the labelled data or the taxonomy (its keywords are model features) needs a retrain.
    assert train_theme_model.main(["--check"]) == 0
