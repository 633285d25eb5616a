"""The translation cache, the corrections file and the chain that composes them."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from backend_fixtures import ChatServer, FakeGist

from briefing.backends import TranslationError
from briefing.backends.cache import CachedTranslator, TranslationCache
from briefing.backends.chain import FallbackTranslator, TranslateSettings, build_translator
from briefing.backends.corrections import CorrectionsError, load_corrections, parse_corrections
from briefing.errors import ConfigError
from briefing.models import Translation

LINES = ["中美举行人工智能对话。", "美国商务部更新出口管制。", "国务院发布规划。"]


class Counting:
    """A backend that records what it was asked and answers ``<model>:<line>``."""

    name = "fake"

    def __init__(self, model: str = "m1", *, fail: Exception | None = None, empty: Sequence[str] = ()):
        self.model_id = model
        self.mode = f"fake:{model}"
        self.calls: list[list[str]] = []
        self.fail = fail
        self.empty = set(empty)

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        self.calls.append(list(batch))
        if self.fail is not None:
            raise self.fail
        return [Translation("" if text in self.empty else f"{self.model_id}:{text}", self.mode) for text in batch]

    @property
    def lines(self) -> int:
        return sum(len(c) for c in self.calls)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[TranslationCache]:
    with TranslationCache(tmp_path / "sub" / "translations.sqlite3") as opened:
        yield opened


@pytest.fixture
def server() -> Iterator[ChatServer]:
    chat = ChatServer().start()
    yield chat
    chat.stop()


# -- cache ---------------------------------------------------------------------


def test_cache_is_created_on_first_use_in_wal_mode(cache: TranslationCache) -> None:
    assert not cache.path.exists()
    assert cache.get_many("fake", "m1", ["x"]) == {}
    assert cache.path.exists()
    with sqlite3.connect(cache.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_cache_is_keyed_by_backend_and_model(cache: TranslationCache) -> None:
    cache.put_many("fake", "m1", [("句子", Translation("sentence", "fake:m1"))])
    assert cache.get_many("fake", "m1", ["句子", "别的"]) == {"句子": Translation("sentence", "fake:m1")}
    assert cache.get_many("fake", "m2", ["句子"]) == {}
    assert cache.get_many("other", "m1", ["句子"]) == {}


def test_second_run_translates_only_new_sentences(cache: TranslationCache) -> None:
    backend = Counting()
    first = CachedTranslator(backend, cache).translate(LINES[:2])
    assert backend.lines == 2
    second = CachedTranslator(backend, cache).translate([LINES[0], LINES[2], LINES[1], LINES[2]])
    assert backend.calls[-1] == [LINES[2]]  # one new sentence, asked once though it occurs twice
    assert second[0] == first[0] and second[2] == first[1]
    assert second[1] == second[3] == Translation(f"m1:{LINES[2]}", "fake:m1")


def test_a_new_model_translates_again(cache: TranslationCache) -> None:
    CachedTranslator(Counting("m1"), cache).translate(LINES)
    other = Counting("m2")
    assert [t.text for t in CachedTranslator(other, cache).translate(LINES)] == [f"m2:{line}" for line in LINES]
    assert other.lines == 3


def test_fallbacks_are_never_stored(cache: TranslationCache) -> None:
    backend = Counting(fail=TranslationError("down"))
    fallback = FallbackTranslator(backend, FakeGist)
    cached = CachedTranslator(fallback, cache)
    assert {t.mode for t in cached.translate(LINES)} == {"gist"}
    assert cache.count() == 0
    backend.fail = None
    fallback.broken = None  # a new run
    assert {t.mode for t in CachedTranslator(FallbackTranslator(backend, FakeGist), cache).translate(LINES)} == {"fake:m1"}
    assert cache.count() == 3


def test_empty_lines_bypass_the_cache(cache: TranslationCache) -> None:
    backend = Counting()
    result = CachedTranslator(backend, cache).translate(["", LINES[0], "  "])
    assert [t.text for t in result] == ["", f"m1:{LINES[0]}", ""]
    assert backend.calls == [[LINES[0]]]


def test_concurrent_writers_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            with TranslationCache(path) as own:
                for i in range(50):
                    own.put_many("fake", "m1", [(f"句{worker}-{i}", Translation(f"s{worker}-{i}", "fake:m1"))])
                    own.get_many("fake", "m1", [f"句{1 - worker}-{i}"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with TranslationCache(path) as check:
        assert check.count() == 100


def test_unusable_cache_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(TranslationError, match="translation cache .*file/sub/t.sqlite3"):
        TranslationCache(blocker / "sub" / "t.sqlite3").count()


def test_a_broken_cache_costs_speed_not_the_brief(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "corrupt.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    backend = Counting()
    cached = CachedTranslator(backend, TranslationCache(path, busy_timeout=0.5))
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = cached.translate(LINES)
    assert [t.mode for t in result] == ["fake:m1"] * 3
    assert len(caplog.records) == 1 and "translating without the cache" in caplog.records[0].getMessage()
    assert cached.cache_error is not None and str(path) in cached.cache_error


def test_chain_second_run_hits_the_cache_not_the_server(server: ChatServer, tmp_path: Path) -> None:
    settings = TranslateSettings(openai_base_url=server.base_url, openai_model="test-model", openai_api_key="sk-test",
                                 batch_size=2, cache_path=tmp_path / "cache.sqlite3")
    first = build_translator("openai", settings, gist_factory=FakeGist, glossary={})
    english = first.translate(LINES)
    first.close()
    assert len(server.requests) == 2

    second = build_translator("openai", settings, gist_factory=FakeGist, glossary={})
    assert second.translate(LINES) == english
    assert len(server.requests) == 2  # nothing new asked
    assert second.stats == {"reviewed": 0, "cached": 3, "translated": 0, "fallback": 0}
    assert second.translate(LINES + ["新的一句。"])[-1].text == "EN<新的一句。>"
    assert len(server.requests) == 3
    second.close()

    other_model = build_translator("openai", replace(settings, openai_model="other"), gist_factory=FakeGist, glossary={})
    other_model.translate(LINES)
    assert len(server.requests) == 5  # a different model is a different key
    other_model.close()


def test_chain_without_cache_translates_every_run(server: ChatServer, tmp_path: Path) -> None:
    settings = TranslateSettings(openai_base_url=server.base_url, openai_model="test-model", openai_api_key="sk-test",
                                 cache=False, cache_path=tmp_path / "cache.sqlite3")
    for _ in range(2):
        build_translator("openai", settings, gist_factory=FakeGist, glossary={}).translate(LINES[:1])
    assert len(server.requests) == 2
    assert not (tmp_path / "cache.sqlite3").exists()


# -- corrections -----------------------------------------------------------------


CORRECTIONS = """\ufeff# reviewed sentences
国务院发布规划。\tThe State Council issued the plan.

# terms
算力\tcompute
  美国商务部\tUS Commerce Department
"""


def test_corrections_file_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "corrections.tsv"
    path.write_text(CORRECTIONS, encoding="utf-8")
    corrections = load_corrections(path)
    assert len(corrections) == 3
    assert corrections.sentence(" 国务院发布规划。 ") == "The State Council issued the plan."
    assert corrections.sentence("国务院发布规划") is None
    assert corrections.terms["美国商务部"] == "US Commerce Department"
    assert corrections.path == path


def test_full_width_and_half_width_forms_match() -> None:
    corrections = parse_corrections("ＡＩ芯片\tAI chips\n")
    assert corrections.sentence("AI芯片") == "AI chips"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("# ok\n算力\tcompute\n没有制表符\n", 3, "no TAB"),
        ("算力\tcompute\textra\n", 1, "2 TABs"),
        ("\n\t英文\n", 2, "Chinese side is empty"),
        ("算力\t  \n", 1, "English side"),
        ("算力\tcompute\n算力\tcomputing power\n", 2, "already has a different English on line 1"),
    ],
)
def test_bad_lines_name_the_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = tmp_path / "corrections.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorrectionsError) as error:
        load_corrections(path)
    assert f"{path} line {line}:" in str(error.value)
    assert problem in str(error.value)
    assert isinstance(error.value, ConfigError)


def test_missing_or_undecodable_corrections_file(tmp_path: Path) -> None:
    with pytest.raises(CorrectionsError, match="does not exist"):
        load_corrections(tmp_path / "nope.tsv")
    latin = tmp_path / "latin.tsv"
    latin.write_bytes("算力\tcompute\n".encode("gb18030"))
    with pytest.raises(CorrectionsError, match="not UTF-8"):
        load_corrections(latin)


def test_same_entry_twice_is_fine() -> None:
    assert len(parse_corrections("算力\tcompute\n算力\tcompute\n")) == 1


def test_reviewed_lines_skip_the_backend_and_the_cache(tmp_path: Path, server: ChatServer) -> None:
    path = tmp_path / "corrections.tsv"
    path.write_text(CORRECTIONS, encoding="utf-8")
    settings = TranslateSettings(openai_base_url=server.base_url, openai_model="test-model", openai_api_key="sk-test",
                                 cache_path=tmp_path / "cache.sqlite3", corrections=path)
    chain = build_translator("openai", settings, gist_factory=FakeGist, glossary={"美国商务部": "Commerce", "出口管制": "export controls"})
    result = chain.translate(LINES)
    assert result[2] == Translation("The State Council issued the plan.", "reviewed")
    assert [t.mode for t in result[:2]] == ["openai:test-model"] * 2
    assert len(server.requests) == 1 and len(server.requests[0]["messages"][1]["content"].splitlines()) == 2
    system = server.requests[0]["messages"][0]["content"]
    assert "美国商务部 = US Commerce Department" in system  # the user's term beats the project glossary
    assert "出口管制 = export controls" in system
    assert "算力" not in system  # not in this batch
    assert chain.stats["reviewed"] == 1
    with TranslationCache(tmp_path / "cache.sqlite3") as check:
        assert check.count() == 2
    chain.close()


def test_corrections_apply_to_the_gist_backend_too(tmp_path: Path) -> None:
    path = tmp_path / "corrections.tsv"
    path.write_text(CORRECTIONS, encoding="utf-8")
    chain = build_translator("gist", TranslateSettings(corrections=path), gist_factory=FakeGist, glossary={})
    assert [t.mode for t in chain.translate(LINES)] == ["gist", "gist", "reviewed"]
    assert chain.fallbacks == []


def test_bad_corrections_file_fails_the_build(tmp_path: Path) -> None:
    path = tmp_path / "corrections.tsv"
    path.write_text("坏行\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match="line 1"):
        build_translator("argos", TranslateSettings(corrections=path), gist_factory=FakeGist, glossary={})


# -- chain -------------------------------------------------------------------------


def test_empty_answer_for_one_line_falls_back_for_that_line_only(caplog: pytest.LogCaptureFixture) -> None:
    backend = Counting(empty=[LINES[1]])
    fallback = FallbackTranslator(backend, FakeGist, batch_size=8)
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = fallback.translate(LINES)
    assert [t.mode for t in result] == ["fake:m1", "gist", "fake:m1"]
    assert fallback.fallbacks == ["fake returned no English for 1 line(s)"]
    assert fallback.broken is None  # the backend still works for other lines
    assert len(caplog.records) == 1


def test_an_unexpected_exception_also_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    backend = Counting(fail=RuntimeError("CUDA out of memory"))
    fallback = FallbackTranslator(backend, FakeGist, batch_size=1)
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = fallback.translate(LINES)
        fallback.translate(LINES)
    assert {t.mode for t in result} == {"gist"}
    assert len(backend.calls) == 1  # broken after the first chunk
    assert fallback.fallbacks == ["fake backend failed: RuntimeError: CUDA out of memory"]
    assert len(caplog.records) == 1


def test_strict_raises_translation_error() -> None:
    with pytest.raises(TranslationError, match="RuntimeError"):
        FallbackTranslator(Counting(fail=RuntimeError("boom")), FakeGist, strict=True).translate(LINES)
    with pytest.raises(TranslationError, match="no English"):
        FallbackTranslator(Counting(empty=[LINES[0]]), FakeGist, strict=True).translate(LINES)


def test_gist_is_made_only_when_needed() -> None:
    made: list[FakeGist] = []

    def factory() -> FakeGist:
        made.append(FakeGist())
        return made[-1]

    FallbackTranslator(Counting(), factory).translate(LINES)
    assert made == []


def test_unknown_backend_and_none() -> None:
    with pytest.raises(TranslationError, match="unknown translation backend 'deepl'"):
        build_translator("deepl", gist_factory=FakeGist, glossary={})
    none = build_translator("none", gist_factory=FakeGist, glossary={})
    assert none.translate(LINES[:1]) == [Translation("", "none")]
    assert none.fallbacks == []


def test_chain_reports_its_labels(server: ChatServer, tmp_path: Path) -> None:
    settings = TranslateSettings(openai_base_url=server.base_url, openai_model="qwen2.5:7b", openai_api_key="sk-test",
                                 cache_path=tmp_path / "c.sqlite3")
    chain = build_translator("openai", settings, gist_factory=FakeGist, glossary={})
    assert (chain.name, chain.mode) == ("openai", "openai:qwen2.5:7b")
    missing = build_translator("openai", TranslateSettings(openai_model=""), gist_factory=FakeGist, glossary={})
    assert missing.translate(LINES[:1])[0].mode == "gist"
    assert "openai_model" in missing.fallbacks[0]
    chain.close()
