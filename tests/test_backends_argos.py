"""The argos backend, end to end on a tiny model built here (random weights: nonsense output)."""

from __future__ import annotations

import logging
import shutil
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("ctranslate2")
pytest.importorskip("sentencepiece")

from backend_fixtures import FakeGist, build_argos_package, zip_package

from briefing.backends import TranslationError
from briefing.backends.argos import ArgosSettings, ArgosTranslator, find_package, unpack_argosmodel
from briefing.backends.chain import TranslateSettings, build_translator

LINES = [
    "美国商务部宣布对华人工智能芯片出口管制新规。",
    "中美两国在人工智能治理问题上展开对话。",
    "国务院发布新一代人工智能发展规划。",
    "工业和信息化部推动算力基础设施建设。",
    "美国国会讨论限制先进半导体技术出口。",
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_argos_package(tmp_path_factory.mktemp("argos"))


@pytest.fixture(autouse=True)
def no_real_argos_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never let a test find packages in the real home directory."""
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


def small(model: Path | None, **kwargs: object) -> ArgosSettings:
    return ArgosSettings(model=model, max_decoding_length=8, **kwargs)  # type: ignore[arg-type]


def test_translates_a_package_folder(package: Path) -> None:
    translator = ArgosTranslator(small(package))
    assert translator._translator is None  # loading waits for the first line
    batch = [LINES[0], "", "  ", LINES[1]]
    result = translator.translate(batch)
    assert [t.mode for t in result] == ["argos"] * 4
    assert result[0].text and result[3].text
    assert result[1].text == result[2].text == ""
    assert all("\u2581" not in t.text for t in result)  # SentencePiece markers are detokenised
    assert translator.translate(batch) == result  # deterministic (beam search, fixed weights)
    assert translator.model_id == "translate-zh_en-0_1@0.1"


def test_batches_give_the_same_lines(package: Path) -> None:
    whole = ArgosTranslator(small(package, batch_size=16)).translate(LINES)
    in_twos = ArgosTranslator(small(package, batch_size=2)).translate(LINES)
    assert len(whole) == len(in_twos) == len(LINES)
    assert [t.text for t in whole] == [t.text for t in in_twos]


def test_argosmodel_zip_is_unpacked_once(package: Path, tmp_path: Path) -> None:
    archive = zip_package(package, tmp_path / "translate-zh_en-0_1.argosmodel")
    unpack = tmp_path / "unpacked"
    translator = ArgosTranslator(small(archive, unpack_dir=unpack))
    assert translator.package.path.parent.parent == unpack
    assert (translator.package.path / "metadata.json").is_file()
    stamp = translator.package.path.stat().st_mtime_ns
    again = ArgosTranslator(small(archive, unpack_dir=unpack))
    assert again.package.path == translator.package.path
    assert again.package.path.stat().st_mtime_ns == stamp
    assert [p.name for p in unpack.iterdir()] == [translator.package.path.parent.name]  # no scratch left
    assert translator.translate(LINES[:2])[0].mode == "argos"


def test_finds_the_package_in_the_argos_packages_dir(package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages = tmp_path / "packages"
    packages.mkdir()
    other = build_argos_package(packages, name="translate-en_zh-0_1", from_code="en", to_code="zh")
    assert other.is_dir()
    shutil.copytree(package, packages / "translate-zh_en-0_1")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    found = find_package(ArgosSettings())
    assert found.path == packages / "translate-zh_en-0_1"


def test_finds_the_package_in_the_xdg_data_dir(package: Path, tmp_path: Path) -> None:
    packages = tmp_path / "xdg-data" / "argos-translate" / "packages"
    shutil.copytree(package, packages / "zh_en")
    assert find_package(ArgosSettings()).path == packages / "zh_en"


# -- errors ------------------------------------------------------------------


def test_missing_model_names_the_path_and_how_to_install(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.argosmodel"
    with pytest.raises(TranslationError) as error:
        ArgosTranslator(ArgosSettings(model=missing))
    assert str(missing) in str(error.value)
    assert "argospm install translate-zh_en" in str(error.value)


def test_no_installed_package_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(TranslationError, match="no Argos zh→en package found") as error:
        ArgosTranslator(ArgosSettings())
    assert str(tmp_path / "xdg-data" / "argos-translate" / "packages") in str(error.value)


def test_wrong_language_pair(tmp_path: Path) -> None:
    reverse = build_argos_package(tmp_path, name="translate-en_zh", from_code="en", to_code="zh")
    with pytest.raises(TranslationError, match="en→zh, not zh→en"):
        ArgosTranslator(ArgosSettings(model=reverse))


def test_folder_without_metadata(tmp_path: Path) -> None:
    (tmp_path / "model").mkdir()
    with pytest.raises(TranslationError, match="no metadata.json"):
        ArgosTranslator(ArgosSettings(model=tmp_path))


def test_folder_without_ctranslate2_model(package: Path, tmp_path: Path) -> None:
    broken = shutil.copytree(package, tmp_path / "pkg")
    (broken / "model" / "model.bin").unlink()
    with pytest.raises(TranslationError, match="no CTranslate2 model") as error:
        ArgosTranslator(ArgosSettings(model=broken))
    assert str(broken) in str(error.value)


def test_corrupt_weights_fail_when_loading(package: Path, tmp_path: Path) -> None:
    broken = shutil.copytree(package, tmp_path / "pkg")
    (broken / "model" / "model.bin").write_bytes(b"not a model")
    translator = ArgosTranslator(small(broken))
    with pytest.raises(TranslationError, match="CTranslate2 cannot load") as error:
        translator.translate(LINES[:1])
    assert str(broken / "model") in str(error.value)


def test_corrupt_sentencepiece_model(package: Path, tmp_path: Path) -> None:
    broken = shutil.copytree(package, tmp_path / "pkg")
    (broken / "sentencepiece.model").write_bytes(b"garbage")
    with pytest.raises(TranslationError, match="sentencepiece.model"):
        ArgosTranslator(small(broken)).translate(LINES[:1])


def test_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    fake = tmp_path / "fake.argosmodel"
    fake.write_bytes(b"PK? no")
    with pytest.raises(TranslationError, match="not a readable zip"):
        unpack_argosmodel(fake, tmp_path / "unpacked")
    assert list((tmp_path / "unpacked").iterdir()) == []  # scratch removed


def test_a_zip_without_a_package(tmp_path: Path) -> None:
    archive = tmp_path / "empty.argosmodel"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("README.md", "hello")
    with pytest.raises(TranslationError, match="no metadata.json in the archive"):
        ArgosTranslator(ArgosSettings(model=archive, unpack_dir=tmp_path / "unpacked"))


# -- in the chain ------------------------------------------------------------


def test_chain_falls_back_to_the_gist_when_the_model_is_missing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = TranslateSettings(argos_model=tmp_path / "missing.argosmodel", cache_path=tmp_path / "cache.sqlite3")
    gist = FakeGist()
    chain = build_translator("argos", settings, gist_factory=lambda: gist, glossary={})
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = chain.translate(LINES[:3])
        chain.translate(LINES[3:])
    assert [t.mode for t in result] == ["gist"] * 3
    assert result[0].text == f"gist({LINES[0]})"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "missing.argosmodel" in warnings[0].getMessage()
    assert len(chain.fallbacks) == 1 and "missing.argosmodel" in chain.fallbacks[0]


def test_chain_strict_raises_for_a_missing_model(tmp_path: Path) -> None:
    settings = TranslateSettings(argos_model=tmp_path / "missing", cache_path=tmp_path / "cache.sqlite3")
    with pytest.raises(TranslationError, match="missing"):
        build_translator("argos", settings, gist_factory=FakeGist, glossary={}, strict=True)


def test_chain_falls_back_when_the_model_breaks_at_load(package: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = shutil.copytree(package, tmp_path / "pkg")
    (broken / "model" / "model.bin").write_bytes(b"not a model")
    settings = TranslateSettings(argos_model=broken, cache_path=tmp_path / "cache.sqlite3")
    chain = build_translator("argos", settings, gist_factory=FakeGist, glossary={})
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = chain.translate(LINES)
    assert {t.mode for t in result} == {"gist"}
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert "CTranslate2 cannot load" in chain.fallbacks[0]


def test_chain_caches_argos_output_and_skips_loading_next_time(package: Path, tmp_path: Path) -> None:
    settings = TranslateSettings(argos_model=package, cache_path=tmp_path / "cache.sqlite3", batch_size=2)
    first = build_translator("argos", settings, gist_factory=FakeGist, glossary={})
    english = first.translate(LINES)
    assert {t.mode for t in english} == {"argos"}
    assert first.fallbacks == []
    first.close()

    second = build_translator("argos", settings, gist_factory=FakeGist, glossary={})
    assert second.translate(LINES) == english
    assert second.stats["cached"] == len(LINES)
    assert second._fallback is not None and second._fallback.primary._translator is None  # never loaded
    second.close()
