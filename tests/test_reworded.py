"""Machine-reworded (洗稿) articles: the table, detection, restoring, and how the pipeline uses them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefing import core, ingest, rank, render, reworded, segment
from briefing.clean import normalize_for_analysis
from briefing.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
REWORDED_SEED = SEEDS / "004_d93f212733631062.txt"

# An ordinary news paragraph that uses the table's words the ordinary way (当局, 环球时报, 举行, 重要,
# 技能, 大概) and, as normal text does, many more of the usual words than of the spinner's.
ORDINARY = [
    "香港特区政府当局周二举行记者会，表示将与内地加强合作，推动人工智能技术在全球的应用。",
    "据环球时报报道，商务部表示，这项措施的主要目的是保障国家安全，政府将继续支持企业提升能力。",
    "专家认为，相关政策可能在未来影响产业发展，大概需要一两年才能看清效果，员工技能培训也很重要。",
    "双方同意进一步加强合作，共同应对全球性挑战，并就人工智能治理问题保持沟通。",
]


def spun(text: str) -> str:
    """``text`` put through the table backwards: every usual word the spinner has one word for, swapped."""
    words = reworded.table()
    back: dict[str, list[str]] = {}
    for spinner, usual in words.usual.items():
        back.setdefault(usual, []).append(spinner)
    single = {usual: spinners[0] for usual, spinners in back.items() if len(spinners) == 1}
    pattern = re.compile("|".join(sorted(map(re.escape, single), key=len, reverse=True)))
    return pattern.sub(lambda m: single[m.group()], text)


# --- the table ------------------------------------------------------------------------------


def test_shipped_table_reads():
    words = reworded.table()
    assert words.usual["技能"] == "技术" and words.usual["缘故原由"] == "原因"
    assert len(words.usual) > 100
    # A chain word counts for neither side when detecting.
    assert "重要" not in words.spinner_only and "重要" not in words.usual_only


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("技能\n", "line 1: expected"),
        ("技能\t技术\t多余\n", "line 1: expected"),
        ("# comment\n技能\t技能\n", "line 2: expected"),
        ("技能\t技术\n技能\t工艺\n", "line 2: '技能' is listed twice"),
        ("# only a comment\n", "no word pairs"),
    ],
)
def test_malformed_table_names_the_line(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        reworded.parse_table(text, origin="my.tsv")


# --- restoring -----------------------------------------------------------------------------


def test_restore_is_one_pass_longest_first():
    # Chains: the spinner made 主要→重要 and 重要→紧张, so 紧张 restores to 重要, and that 重要 stays.
    assert reworded.restore("紧张人物重要针对") == "重要人物主要针对"
    # Longer entries win over their prefixes: 实行官 (执行官), 实行室 (实验室), 实行 (实施).
    assert reworded.restore("首席实行官走进实行室实行新规") == "首席执行官走进实验室实施新规"
    assert reworded.restore("") == ""


def test_restore_reads_a_seed_sentence_back():
    spun_sentence = normalize_for_analysis("本周,拜登当局出台了新的出口管制步伐,试图限定人工智能技能在环球范围内的扩散。")
    assert reworded.restore(spun_sentence) == "本周,拜登政府出台了新的出口管制措施,试图限制人工智能技术在全球范围内的扩散。"


# --- detection -----------------------------------------------------------------------------


def test_the_reworded_seed_is_detected_and_the_others_are_not():
    readings = {path.name: reworded.read(ingest.read_article(path).paragraphs) for path in sorted(SEEDS.iterdir())}
    assert readings[REWORDED_SEED.name].reworded
    assert readings[REWORDED_SEED.name].distinct > 100 and readings[REWORDED_SEED.name].share > 0.95
    for name, reading in readings.items():
        if name != REWORDED_SEED.name:
            assert not reading.reworded, (name, reading)
            assert reading.share < 0.2


def test_ordinary_words_of_the_table_do_not_make_an_article_reworded():
    reading = reworded.read(ORDINARY)
    assert reading.distinct >= 3  # 当局, 环球, 举行, 大概 ... are there
    assert not reading.reworded


def test_a_short_spun_item_is_detected_and_read_back():
    item = [spun(paragraph) for paragraph in ORDINARY]
    assert item != ORDINARY
    assert reworded.detect(item)
    restored = "".join(reworded.restore(normalize_for_analysis(p)) for p in item)
    original = normalize_for_analysis("".join(ORDINARY))
    # Lossy where the article used a table word the ordinary way (当局 is read back as 政府), so compare
    # character pairs: the restored text is far nearer the original than the spun one.
    assert _bigram_overlap(restored, original) > 0.85
    assert _bigram_overlap(restored, original) > _bigram_overlap(normalize_for_analysis("".join(item)), original) + 0.15


def _bigram_overlap(a: str, b: str) -> float:
    first, second = ({x[i : i + 2] for i in range(len(x) - 1)} for x in (a, b))
    return len(first & second) / len(first | second)


def test_nothing_to_read():
    assert reworded.read([]) == reworded.Reading(distinct=0, share=0.0)
    assert not reworded.detect(["只有标点，。"])


# --- in the pipeline ---------------------------------------------------------------------------


def test_ingest_marks_the_article_and_says_so():
    article = ingest.read_article(REWORDED_SEED)
    assert article.reworded and article.source.reworded
    assert any("machine-reworded" in problem for problem in article.problems)
    ordinary = ingest.read_article(SEEDS / "000_7d4aa4c6b899fa1a.txt")
    assert not ordinary.reworded and not any("reworded" in p for p in ordinary.problems)


def test_sentences_of_a_reworded_article_keep_their_text_and_analyse_the_usual_words():
    article = ingest.read_article(REWORDED_SEED)
    sentences = segment.split_article(article)
    measure = next(s for s in sentences if s.text.startswith("本周"))
    assert "出口管制步伐" in measure.text and "技能" in measure.text  # quoted as written
    assert "出口管制措施" in measure.norm and "技术" in measure.norm and "技能" not in measure.norm
    assert reworded.to_translate(measure) == measure.norm

    article.reworded = False
    plain = next(s for s in segment.split_article(article) if s.text.startswith("本周"))
    assert plain.norm == normalize_for_analysis(plain.text)
    assert reworded.to_translate(plain) == plain.text


def test_title_of_a_reworded_article_is_read_with_the_usual_words():
    article = ingest.read_article(REWORDED_SEED)
    article.title = "拜登当局出台新步伐"
    assert reworded.usual_title(article.source) == "拜登政府出台新措施"
    article.reworded = False
    assert reworded.usual_title(article.source) == "拜登当局出台新步伐"


def test_the_brief_glosses_the_usual_words_and_says_the_article_was_reworded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "spun.txt").write_bytes(REWORDED_SEED.read_bytes())
    settings = Settings()
    settings.build.jobs = 1
    brief = core.build_brief([folder], settings=settings, today=dt.date(2025, 1, 20))
    assert brief.points
    for point in brief.points:
        assert point.english.mode == "gist"
        # The gist reads the restored words: 步伐 would have been glossed "pace", 技能 "skill".
        if "出口管制步伐" in point.sentence.text:
            assert "measures" in point.english.text and "pace" not in point.english.text
    assert any("machine-reworded" in note.en and "洗稿" in note.zh for note in brief.notes)
    html = render.render_html(brief)
    assert "Machine-reworded wording" in html
    assert "出口管制步伐" in html or "技能" in html  # the Chinese side quotes the article as written


def test_summarize_ranks_a_reworded_text_by_its_usual_words_and_quotes_it_as_written(monkeypatch):
    text = REWORDED_SEED.read_text(encoding="utf-8")
    seen: list[bool] = []
    monkeypatch.setattr(segment, "restore_usual_words", lambda t: seen.append(True) or reworded.restore(t))
    best = rank.summarize_text(text, top=3)
    assert seen, "the text reads as reworded, so its analysis copy is restored"
    assert len(best) == 3 and all(sentence in text for sentence in best)
