"""Offline neural MT with an Argos Translate zh→en package.

An Argos package is a folder (or the same folder zipped as ``.argosmodel``)::

    translate-zh_en-1_9/
        metadata.json          {"from_code": "zh", "to_code": "en", "package_version": ...}
        model/                 a CTranslate2 model (model.bin + vocabulary files)
        sentencepiece.model    the SentencePiece model for both sides
        stanza/                sentence splitter (unused: our sentences are split)

We run it directly through ``ctranslate2`` and ``sentencepiece`` rather than
through ``argostranslate``: the brief's sentences are already split, so
Argos's own sentence splitting (stanza) and language pivoting would only add
weight.  Packages that tokenise with BPE (``bpe.model``) instead of
SentencePiece are not supported; zh→en uses SentencePiece.

The model loads lazily on the first line that is not already cached, so a
daily run whose sentences are all in the cache never pays for loading it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from briefing.backends import BATCH_SIZE, TranslationError
from briefing.models import Translation

log = logging.getLogger("briefing.translate")

MODE = "argos"
SOURCE_CODES = ("zh", "zh_Hans", "zh-Hans", "zt", "zh_Hant", "zh-Hant")
TARGET_CODE = "en"

INSTALL_HINT = (
    "install the zh→en package with `pip install argostranslate && argospm update && "
    "argospm install translate-zh_en`, or download translate-zh_en-*.argosmodel from the "
    "Argos package index and set [translate] argos_model to its path"
)


@dataclass(frozen=True, slots=True)
class ArgosSettings:
    """How to find and run the Argos zh→en model.

    model
        A ``.argosmodel`` file, or an unpacked package folder (``metadata.json``,
        ``model/``, ``sentencepiece.model``).  ``None``: look in
        ``$ARGOS_PACKAGES_DIR`` and then in Argos's own packages folder
        (``$XDG_DATA_HOME/argos-translate/packages``, by default
        ``~/.local/share/argos-translate/packages``) for a zh→en package.
    unpack_dir
        Where a ``.argosmodel`` is unpacked, once per file version.  ``None``:
        ``platformdirs.user_cache_dir("briefing")/argos``.
    beam_size
        Beam width; 4 is CTranslate2's and Argos's usual quality/speed trade.
    max_decoding_length
        Most target tokens per line, so a degenerate output cannot run away.
    max_input_length
        Source tokens beyond this are cut (Argos models are trained on short
        segments; a very long line degrades anyway).
    batch_size
        Lines per ``translate_batch`` call (CTranslate2 ``max_batch_size``).
    inter_threads, intra_threads
        CTranslate2 threads: batches in parallel, and threads per batch.  Kept
        small: the brief is a background job on a small machine.
    compute_type
        CTranslate2 compute type: "default" keeps the model's own (Argos ships
        int8), "int8", "float32", ...
    """

    model: Path | None = None
    unpack_dir: Path | None = None
    beam_size: int = 4
    max_decoding_length: int = 256
    max_input_length: int = 250
    batch_size: int = BATCH_SIZE
    inter_threads: int = 1
    intra_threads: int = 2
    compute_type: str = "default"


@dataclass(frozen=True, slots=True)
class ArgosPackage:
    """An unpacked, checked Argos package folder."""

    path: Path
    metadata: dict[str, Any]

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_model(self) -> Path:
        return self.path / "sentencepiece.model"

    @property
    def model_id(self) -> str:
        """What the cache keys on: a new package version is a new model."""
        code = self.metadata.get("code") or self.path.name
        version = self.metadata.get("package_version") or "?"
        return f"{code}@{version}"


# --------------------------------------------------------------------------
# Finding the package
# --------------------------------------------------------------------------


def argos_package_dirs() -> list[Path]:
    """Where Argos Translate installs packages, in the order Argos reads them."""
    dirs: list[Path] = []
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        dirs.append(Path(os.environ["ARGOS_PACKAGES_DIR"]).expanduser())
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    dirs.append(Path(data_home) / "argos-translate" / "packages")
    return dirs


def find_package(settings: ArgosSettings) -> ArgosPackage:
    """The configured package, or the first zh→en package Argos has installed."""
    if settings.model is not None:
        path = Path(settings.model).expanduser()
        if not path.exists():
            raise TranslationError(f"Argos model not found: {path} does not exist; {INSTALL_HINT}")
        if path.is_file():
            path = unpack_argosmodel(path, settings.unpack_dir)
        return check_package(path)

    searched = argos_package_dirs()
    for directory in searched:
        if not directory.is_dir():
            continue
        candidates = sorted(p for p in directory.iterdir() if p.is_dir() and "zh" in p.name and "en" in p.name)
        for candidate in candidates:
            try:
                metadata = _read_metadata(candidate)
            except TranslationError:
                continue
            if _is_zh_en(metadata):
                return check_package(candidate)
    where = ", ".join(str(d) for d in searched)
    raise TranslationError(f"no Argos zh→en package found (looked in {where}); {INSTALL_HINT}")


def _read_metadata(path: Path) -> dict[str, Any]:
    metadata_path = path / "metadata.json"
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranslationError(
            f"Argos package {path} has no metadata.json: not an Argos package; {INSTALL_HINT}"
        ) from None
    except (OSError, ValueError) as exc:
        raise TranslationError(f"Argos package {path}: cannot read metadata.json ({exc})") from None
    if not isinstance(metadata, dict):
        raise TranslationError(f"Argos package {path}: metadata.json is not a JSON object")
    return metadata


def _is_zh_en(metadata: dict[str, Any]) -> bool:
    return metadata.get("from_code") in SOURCE_CODES and metadata.get("to_code") == TARGET_CODE


def check_package(path: Path) -> ArgosPackage:
    """An Argos zh→en package at ``path``, or a TranslationError saying what is wrong."""
    metadata = _read_metadata(path)
    if not _is_zh_en(metadata):
        pair = f"{metadata.get('from_code')}→{metadata.get('to_code')}"
        raise TranslationError(f"Argos package {path} translates {pair}, not zh→en; {INSTALL_HINT}")
    package = ArgosPackage(path, metadata)
    if (path / "bpe.model").exists() and not package.sentencepiece_model.exists():
        raise TranslationError(f"Argos package {path} uses BPE tokenisation, which briefing does not support")
    if not (package.model_dir / "model.bin").is_file():
        raise TranslationError(f"Argos package {path} is broken: no CTranslate2 model at {package.model_dir}/model.bin; {INSTALL_HINT}")
    if not package.sentencepiece_model.is_file():
        raise TranslationError(f"Argos package {path} is broken: {package.sentencepiece_model} is missing; {INSTALL_HINT}")
    return package


def unpack_argosmodel(archive: Path, unpack_dir: Path | None = None) -> Path:
    """Unpack a ``.argosmodel`` zip once; return the package folder inside it.

    The folder name carries a fingerprint of the archive (size and mtime), so
    a replaced archive is unpacked again and an unchanged one never is.
    Unpacking goes to a temporary sibling that is renamed into place, so a
    concurrent run sees either nothing or a complete package.
    """
    base = Path(unpack_dir) if unpack_dir else Path(platformdirs.user_cache_dir("briefing")) / "argos"
    stat = archive.stat()
    fingerprint = hashlib.sha256(f"{archive.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    target = base / f"{archive.stem}-{fingerprint}"
    if not target.is_dir():
        base.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".unpack-", dir=base))
        try:
            try:
                with zipfile.ZipFile(archive) as zipped:
                    for member in zipped.namelist():
                        # zipfile sanitises names, but refuse a hostile archive outright.
                        if member.startswith(("/", "\\")) or ".." in Path(member).parts:
                            raise TranslationError(f"Argos model {archive} is unsafe: member {member!r} escapes the archive")
                    zipped.extractall(scratch)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise TranslationError(f"Argos model {archive} is broken: not a readable zip ({exc}); {INSTALL_HINT}") from None
            try:
                scratch.rename(target)
            except OSError:
                if not target.is_dir():  # not a concurrent run that won the race
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return _package_root(target, archive)


def _package_root(unpacked: Path, archive: Path) -> Path:
    """The folder with metadata.json: the archive's root or its single top folder."""
    if (unpacked / "metadata.json").is_file():
        return unpacked
    folders = [p for p in unpacked.iterdir() if p.is_dir()]
    if len(folders) == 1 and (folders[0] / "metadata.json").is_file():
        return folders[0]
    raise TranslationError(f"Argos model {archive} is broken: no metadata.json in the archive; {INSTALL_HINT}")


# --------------------------------------------------------------------------
# The translator
# --------------------------------------------------------------------------


class ArgosTranslator:
    """zh→en with an Argos package, through CTranslate2 and SentencePiece.

    Finding and checking the package happens here (so a missing model fails
    at once, naming the path); loading the model waits for the first line.
    """

    name = "argos"
    mode = MODE

    def __init__(self, settings: ArgosSettings | None = None):
        self.settings = settings or ArgosSettings()
        self.package = find_package(self.settings)
        self.model_id = self.package.model_id
        self._lock = threading.Lock()
        self._translator: Any = None
        self._tokenizer: Any = None

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._translator is None:
                try:
                    import ctranslate2
                    import sentencepiece
                except ImportError as exc:
                    raise TranslationError(
                        f"the argos backend needs ctranslate2 and sentencepiece ({exc}); "
                        "install them with `pip install 'briefing[argos]'`"
                    ) from None
                settings = self.settings
                try:
                    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(self.package.sentencepiece_model))
                except (OSError, RuntimeError) as exc:
                    raise TranslationError(
                        f"Argos package {self.package.path} is broken: cannot load "
                        f"{self.package.sentencepiece_model} ({exc}); {INSTALL_HINT}"
                    ) from None
                try:
                    translator = ctranslate2.Translator(
                        str(self.package.model_dir),
                        device="cpu",
                        compute_type=settings.compute_type,
                        inter_threads=settings.inter_threads,
                        intra_threads=settings.intra_threads,
                    )
                except (OSError, RuntimeError, ValueError) as exc:
                    raise TranslationError(
                        f"Argos package {self.package.path} is broken: CTranslate2 cannot load "
                        f"{self.package.model_dir} ({exc}); {INSTALL_HINT}"
                    ) from None
                self._tokenizer, self._translator = tokenizer, translator
                log.debug("loaded Argos model %s from %s", self.model_id, self.package.path)
            return self._translator, self._tokenizer

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        results = [Translation("", MODE)] * len(batch)
        todo = [(i, text.strip()) for i, text in enumerate(batch) if text.strip()]
        if not todo:
            return results
        translator, tokenizer = self._load()
        settings = self.settings
        pieces = [tokenizer.encode(text, out_type=str)[: settings.max_input_length] for _, text in todo]
        prefix = self.package.metadata.get("target_prefix") or None
        try:
            outputs = translator.translate_batch(
                pieces,
                target_prefix=[[prefix]] * len(pieces) if prefix else None,
                beam_size=settings.beam_size,
                max_batch_size=settings.batch_size,
                max_decoding_length=settings.max_decoding_length,
                replace_unknowns=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"Argos model {self.package.path} failed while translating ({exc})") from None
        for (index, _), output in zip(todo, outputs, strict=True):
            tokens = list(output.hypotheses[0])
            if prefix and tokens[:1] == [prefix]:
                tokens = tokens[1:]
            results[index] = Translation(detokenize(tokenizer, tokens), MODE)
        return results


def detokenize(tokenizer: Any, tokens: list[str]) -> str:
    """SentencePiece pieces → text, whitespace collapsed."""
    return " ".join(tokenizer.decode(tokens).split())
