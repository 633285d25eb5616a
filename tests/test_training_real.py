"""Real labelled sentences (training/real_corpus.py): the label file, the rebuild from the corpus, the held-out gate.

The corpus (shared/corpus) is third-party text kept beside the checkout, not in it: the tests that read it
skip when it is not there (BRIEFING_CORPUS names another place).
"""

from __future__ import annotations

import csv

import pytest

from training import real_corpus

CORPUS = real_corpus.corpus_path()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="the real corpus (../shared/corpus) is not here")

# Held out by file (benchmarks/themes_crossval.py --groups real, 8 folds), the model trained with the real
# sentences of the other files (weight 2, real "other" not learnt from) measured 0.694 in context on the
# 735 real policy sentences and 0.593 on all 1,005; trained on written sentences only, 0.683 and 0.622.
# With C 2, an encoder head of C 0.01 and weight 1.5, and torn points following their article
# (ThemeSettings.unsure_beta 2): 0.709 and 0.601 in context; alone (briefing themes --classify) 0.702 and 0.590.
REAL_HELD_OUT_BASELINE = 0.59
REAL_POLICY_HELD_OUT_BASELINE = 0.69
REAL_POLICY_ALONE_HELD_OUT_BASELINE = 0.67


def test_label_file_is_well_formed_and_two_annotators_agree(taxonomy):
    rows = real_corpus.read_label_rows()
    ids = {t.id for t in taxonomy}
    assert len(rows) >= 600
    assert all(r.theme in ids and r.a in ids and r.b in ids for r in rows)
    assert all(len(r.sha) == 10 and r.file.startswith("articles/") for r in rows)
    # Where the two agreed that is the label; every disagreement was adjudicated; a label changed later, when
    # the guide's rules changed, is marked relabelled and logged in relabels.tsv (a and b stay as labelled blind).
    assert all((r.how == "agreed") == (r.a == r.b) for r in rows if r.how != "relabelled")
    assert all(r.theme == r.a for r in rows if r.how == "agreed")
    relabelled = {f"{r.file}#{r.story}:{r.position}:{r.sha}" if r.story else f"{r.file}:{r.position}:{r.sha}": r.theme
                  for r in rows if r.how == "relabelled"}
    log = (real_corpus.DATA / "relabels.tsv").read_text(encoding="utf-8").splitlines()
    logged = {row["id"]: row["new"] for row in csv.DictReader((line for line in log if not line.startswith("#")),
                                                              delimiter="\t") if row["source"] == "real"}
    assert relabelled == logged
    n, agreed, kappa = real_corpus.agreement()
    assert n == len(rows) and agreed >= 0.9 and kappa >= 0.85


def test_no_corpus_text_is_kept_in_the_repository():
    text = real_corpus.CORPUS_LABELS.read_text(encoding="utf-8")
    # Names, positions, hashes and labels only: no line carries a sentence.
    assert max(len(line) for line in text.splitlines() if not line.startswith("#")) < 200
    assert "。" not in text


@needs_corpus
def test_the_labelled_sentences_are_found_again_in_the_corpus():
    rows, missing = real_corpus.read_real(CORPUS)
    # Sentences today's ingest drops as page chrome (it was labelled "other" then) are not found.
    assert len(rows) >= 900 and missing <= 200
    assert all(real_corpus.sentence_hash(r.sentence) for r in rows)


@pytest.mark.slow
@needs_corpus
def test_model_accuracy_on_real_articles_held_out_by_file(taxonomy):
    pytest.importorskip("sklearn")
    from benchmarks import themes_crossval

    runs = list(themes_crossval.run_folds(taxonomy, groups=("real",), corpus=CORPUS))
    real = themes_crossval.group_scores(runs)["real"]
    assert real.n >= 900
    assert real.model_context >= REAL_HELD_OUT_BASELINE
    results = [r for run in runs for r in run[3] if r[0] != "other"]
    assert sum(gold == predicted for gold, predicted, _, _ in results) / len(results) >= REAL_POLICY_HELD_OUT_BASELINE
    # Each sentence on its own, as an analyst pipes sentences into briefing themes --classify.
    alone = [r for run in runs for r in run[4] if r[0] != "other"]
    assert sum(gold == predicted for gold, predicted, _, _ in alone) / len(alone) >= REAL_POLICY_ALONE_HELD_OUT_BASELINE
