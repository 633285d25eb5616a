"""The whole pipeline on the seeds: golden HTML, determinism, --new-only, date filters, jobs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing import core, render
from briefing.config import Settings
from briefing.errors import NothingNewError, StrictError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden" / "seeds.html"
TODAY = dt.date(2024, 6, 1)


def settings(**build) -> Settings:
    result = Settings()
    for key, value in build.items():
        setattr(result.build, key, value)
    return result


@pytest.fixture(scope="module")
def seeds_brief():
    return core.build_brief([SEEDS], settings=settings(jobs=1), today=TODAY)


def relative_html(brief) -> str:
    # Paths in the brief are as given; make the golden file independent of the checkout's location.
    return render.render_html(brief).replace(str(SEEDS), "seeds")


def test_seeds_html_matches_golden(seeds_brief):
    html = relative_html(seeds_brief)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8"), (
        "the seeds' brief changed; if on purpose, run UPDATE_GOLDEN=1 pytest tests/test_core.py and review the diff"
    )


def test_seeds_brief_content(seeds_brief):
    assert len(seeds_brief.articles) == 5
    assert seeds_brief.skipped == []
    assert 10 <= len(seeds_brief.points) <= Settings().build.top
    assert len(seeds_brief.executive) == Settings().build.executive
    themes = [s.theme.id for s in seeds_brief.sections]
    assert len(themes) == len(set(themes)) >= 4
    assert "export_controls" in themes and "diplomacy" in themes
    for section in seeds_brief.sections:
        assert len(section.points) <= Settings().build.per_theme
        order = [(p.sentence.source.date is None, p.sentence.source.date or dt.date.min,
                  p.sentence.source.path, p.sentence.position) for p in section.points]
        assert order == sorted(order), "points in a theme are in source order, not score order"
        assert section.overview_zh and section.overview_en
    for point in seeds_brief.points:
        assert point.english is not None and point.english.mode == "gist" and point.english.text
    cited = {s.path for p in seeds_brief.points for s in p.cited_sources()}
    assert {s.path for s in seeds_brief.sources} == cited
    assert ("出口管制", "export controls") in seeds_brief.glossary


def test_passages_shared_by_two_seeds_become_one_corroborated_point():
    brief = core.build_brief([SEEDS], settings=settings(jobs=1, top=200, per_theme=200), today=TODAY)
    shared = [p for p in brief.points if len(p.sources) > 1]
    assert shared, "seeds 000 and 001 share passages; they must merge"
    assert all(p.sentence.text.count("。") <= 2 for p in shared)


@pytest.mark.slow
def test_same_input_same_pdf_bytes(tmp_path):
    outputs = []
    for run in range(2):
        out = tmp_path / f"run{run}" / "brief.pdf"
        # A fresh interpreter each time, with a different hash seed: nothing may depend on set order.
        subprocess.run(
            [sys.executable, "-m", "briefing", "build", str(SEEDS), "--today", "2024-06-01", "-o", str(out), "-q"],
            check=True, env={**os.environ, "PYTHONHASHSEED": str(run + 1)}, timeout=120,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"%PDF") and outputs[0].rstrip().endswith(b"%%EOF")


@pytest.mark.slow
def test_jobs_do_not_change_the_brief(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for index in range(core.POOL_THRESHOLD):  # enough files for the pool to be used
        shutil.copy(seeds[index % len(seeds)], corpus / f"{index:02d}.txt")
    single = core.build_brief([corpus], settings=settings(jobs=1), today=TODAY)
    pooled = core.build_brief([corpus], settings=settings(jobs=2), today=TODAY)
    assert render.render_json(single) == render.render_json(pooled)


def test_new_only_publishes_each_point_once(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "short.md").write_text(
        "---\ntitle: 美国扩大芯片出口管制\ndate: 2024-05-30\n---\n\n"
        "美国商务部宣布扩大对华芯片出口管制，新增多家中国企业进入实体清单。\n\n"
        "中国外交部发言人表示坚决反对美方滥用出口管制措施。\n",
        encoding="utf-8",
    )
    config = settings(jobs=1, new_only=True, state_file=str(tmp_path / "out" / "state.json"),
                      output=str(tmp_path / "out" / "brief-{date}.json"), formats=["json"])

    first, written = core.publish([corpus], settings=config, today=TODAY)
    assert first.new_only and len(first.points) == 2
    first_texts = {p.sentence.text for p in first.points}
    state_before = (tmp_path / "out" / "state.json").read_bytes()

    with pytest.raises(NothingNewError) as nothing:
        core.publish([corpus], settings=config, today=TODAY + dt.timedelta(days=1))
    assert nothing.value.exit_code == 3
    assert not (tmp_path / "out" / "brief-2024-06-02.json").exists()
    assert (tmp_path / "out" / "state.json").read_bytes() == state_before

    for seed in sorted(SEEDS.iterdir()):
        shutil.copy(seed, corpus / seed.name)
    third, _ = core.publish([corpus], settings=config, today=TODAY + dt.timedelta(days=2))
    assert third.points
    assert not first_texts & {p.sentence.text for p in third.points}
    assert json.loads(written[0].read_text(encoding="utf-8"))["sections"]


def test_date_filters_and_undated_articles():
    ranged = core.build_brief([SEEDS], settings=settings(jobs=1, since=dt.date(2024, 5, 1), until=dt.date(2024, 5, 31)), today=TODAY)
    dated = {a.date for a in ranged.articles if a.date}
    assert dated == {dt.date(2024, 5, 6), dt.date(2024, 5, 22)}
    assert sum(a.date is None for a in ranged.articles) == 2  # kept and flagged
    assert any("without a full date" in note.en and "日期" in note.zh for note in ranged.notes)
    assert any("before --since" in s.reason for s in ranged.skipped)

    required = core.build_brief([SEEDS], settings=settings(jobs=1, require_date=True), today=TODAY)
    assert all(a.date for a in required.articles)
    assert sorted(s.reason for s in required.skipped) == ["no full date (--require-date)"] * 2


def test_strict_fails_on_a_skipped_file(tmp_path):
    shutil.copy(sorted(SEEDS.iterdir())[0], tmp_path / "good.txt")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02 binary")
    lenient = core.build_brief([tmp_path], settings=settings(jobs=1), today=TODAY)
    assert [Path(s.path).name for s in lenient.skipped] == ["bad.txt"]
    with pytest.raises(StrictError, match="bad.txt"):
        core.build_brief([tmp_path], settings=settings(jobs=1, strict=True), today=TODAY)


def test_glossary_lists_only_terms_the_quoted_chinese_shows() -> None:
    # A reworded article's English is made from its restored words (拜登政府 for the quoted
    # 拜登当局): a term the reader never sees in the Chinese is not glossed.
    from briefing.models import Point, Sentence, Source

    source = Source(path="copy.md", title="t", reworded=True)
    text, restored = "本周，拜登当局出台了新的出口管制步伐。", "本周，拜登政府出台了新的出口管制措施。"
    sentence = Sentence(text=text, norm=restored, source=source, paragraph=0, position=0, start=0, end=len(text))
    terms = dict(core._glossary([Point(sentence=sentence, score=1.0)]))
    assert "出口管制" in terms
    assert "拜登政府" not in terms


def test_dependent_points_carry_their_context_in_the_seeds_brief(seeds_brief) -> None:
    from briefing import standalone

    assert not any(standalone.unresolved(p) for p in seeds_brief.points)
    carried = [p for p in seeds_brief.points if p.context is not None]
    assert carried and all(standalone.is_dependent(p) for p in carried)
    for point in carried:
        assert point.context.source.path == point.sentence.source.path
        assert point.context.position == point.sentence.position - 1
