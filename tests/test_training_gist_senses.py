"""Learning the gist's word senses from parallel text (training/gist_senses.py), on our own sentences."""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefing import dictionaries
from training import gist_senses

# Invented pairs: 发表 is rendered "published" by the translators, never "issued" (CC-CEDICT's first sense).
PAIRS = [
    ("他们发表了报告。", "They published a report."),
    ("研究人员发表了论文。", "Researchers published a paper."),
    ("该杂志发表了文章。", "The magazine published the article."),
    ("他发表了讲话。", "He published remarks."),
    ("他们说。", "They said."),
    ("会议很重要。", "The meeting matters."),
    ("他们回家了。", "They went home."),
    ("天气很好。", "The weather is fine."),
]


def test_stems_meet_across_inflections() -> None:
    assert gist_senses.content_stems("published") == gist_senses.content_stems("publishes")
    assert gist_senses.content_stems("the issue of") == gist_senses.content_stems("issues")
    assert gist_senses.content_stems("of the") == frozenset()


def test_candidates_are_cedict_senses_in_order() -> None:
    senses = gist_senses.candidate_senses("发表")
    assert senses[0] == dictionaries.cedict_lookup("发表") == "issue"
    assert "publish" in senses


def test_policy_terms_and_grammar_words_are_not_learnt() -> None:
    assert gist_senses.learnable("发表")
    assert not gist_senses.learnable("说")  # a grammar word: "said"
    assert not gist_senses.learnable("的")
    assert not any(gist_senses.learnable(term) for term in sorted(dictionaries.listed_terms())[:50])


def test_the_sense_the_references_use_wins() -> None:
    evidence, sentences_with, total = gist_senses.gather(PAIRS)
    assert total == len(PAIRS)
    assert evidence["发表"].sentences == 4 and evidence["发表"].found["publish"] == 4
    table = gist_senses.learn(evidence, sentences_with, total, min_count=2, margin=1.0)
    assert table["发表"][0] == "publish"
    # Too little evidence: nothing learnt.
    assert "发表" not in gist_senses.learn(evidence, sentences_with, total, min_count=5, margin=1.0)


# Invented pairs: 举行 "hold" is reported in the past, 问题 "question" in the plural.
FORM_PAIRS = [
    ("政府举行会议。", "The government held a meeting."),
    ("公司举行发布会。", "The company held a launch."),
    ("学校举行考试。", "The school held an exam."),
    ("他们讨论问题。", "They discussed the questions."),
    ("专家研究问题。", "Experts studied the questions."),
    ("会议很重要。", "The meeting matters."),
]


def test_forms_the_references_use_are_learnt() -> None:
    evidence = gist_senses.gather_forms(FORM_PAIRS, {})
    assert evidence["举行"].inflected["past"] == 3 and evidence["举行"].bare == 0
    forms = gist_senses.learn_forms(evidence, min_count=2, margin=1.0)
    assert forms["举行"][0] == "past"
    assert forms["问题"][0] == "plural"
    assert "会议" not in forms  # "meeting" stays bare in its references
    table = gist_senses.learn_table(FORM_PAIRS, min_count=2, margin=1.0)
    assert table["举行"] == gist_senses.Entry("", "past", "past 3/3 vs 0 bare")


def test_table_records_provenance_and_no_sentence(tmp_path: Path) -> None:
    source = tmp_path / "pairs.tsv"
    # main reads only the first half (the dev half): PAIRS, not the unrelated pairs after them.
    unrelated = [("他们发表了讲话。", "They issued a statement.")] * len(PAIRS)
    source.write_text("zh\ten\n" + "".join(f"{zh}\t{en}\n" for zh, en in PAIRS + unrelated), encoding="utf-8")
    out = tmp_path / "senses.tsv"
    assert gist_senses.main([str(source), "--out", str(out), "--min-count", "2"]) == 0
    text = out.read_text(encoding="utf-8")
    assert hashlib.sha256(source.read_bytes()).hexdigest() in text
    assert "# command: python -m training.gist_senses pairs.tsv --out" in text
    assert "发表\tpublish\t\t4/4 vs 0 for 'issue'" in text
    assert not any(zh in text or en in text for zh, en in PAIRS + unrelated)
