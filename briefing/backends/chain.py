"""Compose a translator: corrections → cache → backend → per-line gist fallback.

:func:`build_translator` is the one entry point the pipeline needs::

    chain = build_translator("openai", settings, gist_factory=lambda: get_translator("gist"),
                             glossary=policy_glossary())
    english = chain.translate(lines)
    for cause in chain.fallbacks:
        notes.append(presentation.note_gist_fallback(cause))

Failure never costs the brief its English side: a missing or broken model, an
unreachable endpoint, a refused key or a timeout turns the affected lines into
gist lines (labelled ``gist``), logs ONE warning on the ``briefing.translate``
logger naming the cause, and adds the cause to ``chain.fallbacks``.  After the
first failure the backend is not tried again in the same run, so a dead
endpoint costs one timeout, not one per batch.  ``strict=True`` raises
:class:`TranslationError` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.backends import BATCH_SIZE, NoTranslator, TranslationError
from briefing.backends.argos import ArgosSettings
from briefing.backends.cache import CachedTranslator, TranslationCache, default_cache_path
from briefing.backends.corrections import CorrectedTranslator, Corrections, load_corrections
from briefing.backends.openai import OpenAISettings
from briefing.models import Translation

log = logging.getLogger("briefing.translate")

BACKENDS = ("gist", "none", "argos", "openai")


_OPENAI = OpenAISettings()


@dataclass(frozen=True, slots=True)
class TranslateSettings:
    """The ``[translate]`` section of the configuration.

    backend
        "gist" (embedded word-by-word gloss), "argos", "openai" or "none".
        The command line's ``--translator`` overrides it.
    argos_model
        Path to a ``.argosmodel`` file or an unpacked Argos package folder;
        ``None`` searches ``$ARGOS_PACKAGES_DIR`` and
        ``~/.local/share/argos-translate/packages`` for a zh→en package.
    openai_base_url
        OpenAI-compatible API root, e.g. ``http://localhost:11434/v1`` (Ollama).
    openai_model
        Model name at that endpoint; required for the openai backend.
    openai_api_key
        Key from the configuration file; ``None`` reads ``BRIEFING_OPENAI_API_KEY``,
        then ``OPENAI_API_KEY``.  Never taken from the command line.
    openai_timeout
        Seconds per request.
    openai_retries
        Retries after a timeout, a refused connection, HTTP 429 or 5xx.
    batch_size
        Sentences per backend call (one chat request, one CTranslate2 batch).
    cache
        Keep translations in the SQLite cache (False: translate every run).
    cache_path
        The cache file; ``None`` is ``platformdirs.user_cache_dir("briefing")/translations.sqlite3``.
    corrections
        A ``Chinese<TAB>English`` TSV file of reviewed sentences and terms, or ``None``.
    """

    backend: str = "gist"
    argos_model: Path | None = None
    # The backends' own defaults, written once (in OpenAISettings).
    openai_base_url: str = _OPENAI.base_url
    openai_model: str = _OPENAI.model
    openai_api_key: str | None = None
    openai_timeout: float = _OPENAI.timeout
    openai_retries: int = _OPENAI.retries
    batch_size: int = BATCH_SIZE
    cache: bool = True
    cache_path: Path | None = None
    corrections: Path | None = None

    def argos_settings(self) -> ArgosSettings:
        return ArgosSettings(model=self.argos_model, batch_size=self.batch_size)

    def openai_settings(self) -> OpenAISettings:
        return OpenAISettings(
            base_url=self.openai_base_url,
            model=self.openai_model,
            api_key=self.openai_api_key,
            timeout=self.openai_timeout,
            retries=self.openai_retries,
            batch_size=self.batch_size,
        )


class UnavailableBackend:
    """Stands in for a backend that could not be set up; every call raises its error."""

    def __init__(self, name: str, error: TranslationError):
        self.name = name
        self.mode = name
        self.model_id = "unavailable"
        self.error = error

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        raise self.error


class FallbackTranslator:
    """Run ``primary`` chunk by chunk; lines it cannot translate get the gist.

    A chunk whose call raises falls back whole, and so does everything after
    it (the backend is marked broken for the rest of the run); a line the
    backend answered with nothing falls back alone.  The gist translator is
    made only when first needed.
    """

    def __init__(
        self,
        primary: Any,
        gist_factory: Callable[[], Any],
        *,
        batch_size: int = BATCH_SIZE,
        strict: bool = False,
    ):
        self.primary = primary
        self.gist_factory = gist_factory
        self.batch_size = max(1, batch_size)
        self.strict = strict
        self.name: str = primary.name
        self.mode: str = getattr(primary, "mode", primary.name)
        self.model_id: str = getattr(primary, "model_id", self.name)
        self.fallbacks: list[str] = []
        self.fallback_lines = 0
        self.broken: str | None = None
        self._gist: Any = None

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        results: list[Translation | None] = [None] * len(batch)
        pending: list[int] = []  # indices that need the gist
        new_causes: list[str] = []
        for start in range(0, len(batch), self.batch_size):
            indices = list(range(start, min(start + self.batch_size, len(batch))))
            if self.broken is not None:
                pending.extend(indices)
                continue
            try:
                answered = self.primary.translate([batch[i] for i in indices])
                if len(answered) != len(indices):
                    raise TranslationError(f"{self.name} returned {len(answered)} lines for {len(indices)}")
            except Exception as exc:
                cause = str(exc) if isinstance(exc, TranslationError) else f"{self.name} backend failed: {type(exc).__name__}: {exc}"
                if self.strict:
                    raise (exc if isinstance(exc, TranslationError) else TranslationError(cause)) from exc
                self.broken = cause
                new_causes.append(cause)
                pending.extend(indices)
                continue
            empty = 0
            for index, translation in zip(indices, answered, strict=True):
                if batch[index].strip() and not translation.text.strip():
                    pending.append(index)
                    empty += 1
                else:
                    results[index] = translation
            if empty:
                cause = f"{self.name} returned no English for {empty} line(s)"
                if self.strict:
                    raise TranslationError(cause)
                new_causes.append(cause)
        if pending:
            gist = self._gist_translator()
            for index, translation in zip(pending, gist.translate([batch[i] for i in pending]), strict=True):
                results[index] = translation
            self.fallback_lines += len(pending)
        fresh = [cause for cause in dict.fromkeys(new_causes) if cause not in self.fallbacks]
        if fresh:
            self.fallbacks.extend(fresh)
            log.warning(
                "%s translation fell back to the gist for %d line(s): %s",
                self.name,
                len(pending),
                "; ".join(fresh),
            )
        filled = [r for r in results if r is not None]
        assert len(filled) == len(batch), "every line is either translated or given the gist"
        return filled

    def _gist_translator(self) -> Any:
        if self._gist is None:
            self._gist = self.gist_factory()
        return self._gist


class TranslationChain:
    """The translator :func:`build_translator` returns.

    ``name`` is the backend asked for ("argos", "openai", ...), ``mode`` the
    label its lines carry when it works ("argos", "openai:<model>"),
    ``fallbacks`` the causes of lines that fell back to the gist this run.
    """

    def __init__(
        self,
        name: str,
        mode: str,
        outer: Any,
        *,
        fallback: FallbackTranslator | None = None,
        cached: CachedTranslator | None = None,
        corrected: CorrectedTranslator | None = None,
    ):
        self.name = name
        self.mode = mode
        self._outer = outer
        self._fallback = fallback
        self._cached = cached
        self._corrected = corrected

    @property
    def fallbacks(self) -> list[str]:
        """Why lines fell back to the gist (empty when the backend did all the work)."""
        return list(self._fallback.fallbacks) if self._fallback is not None else []

    @property
    def stats(self) -> dict[str, int]:
        """Lines so far: reviewed, cache hits, cache misses sent on to the backend
        (0 without a cache), and lines that fell back to the gist."""
        return {
            "reviewed": self._corrected.reviewed if self._corrected else 0,
            "cached": self._cached.hits if self._cached else 0,
            "translated": (self._cached.misses if self._cached else 0),
            "fallback": self._fallback.fallback_lines if self._fallback else 0,
        }

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        translations: list[Translation] = self._outer.translate(batch)
        return translations

    def close(self) -> None:
        if self._cached is not None:
            self._cached.cache.close()


def build_translator(
    backend: str,
    settings: TranslateSettings | None = None,
    *,
    gist_factory: Callable[[], Any],
    glossary: Mapping[str, str] | None = None,
    strict: bool = False,
    corrections: Corrections | None = None,
) -> TranslationChain:
    """The translator for ``backend``, wrapped in corrections, cache and gist fallback.

    ``glossary`` is the project's policy glossary (zh → en); term corrections
    from ``settings.corrections`` override it.  ``corrections`` may be passed
    already loaded (tests); otherwise the file is read here, and a bad file is
    a :class:`~briefing.backends.corrections.CorrectionsError` even when not
    strict: the user asked for it, so silently ignoring it would be worse.
    """
    settings = settings or TranslateSettings()
    if backend not in BACKENDS:
        raise TranslationError(f"unknown translation backend {backend!r} (known: {', '.join(BACKENDS)})")
    if backend == "none":
        return TranslationChain("none", "none", NoTranslator())

    if corrections is None:
        corrections = load_corrections(settings.corrections)

    if backend == "gist":
        gist = gist_factory()
        corrected = CorrectedTranslator(gist, corrections)
        return TranslationChain("gist", "gist", corrected, corrected=corrected)

    terms = {**(glossary or {}), **corrections.terms}
    try:
        primary: Any = _make_backend(backend, settings, terms)
    except TranslationError as exc:
        if strict:
            raise
        primary = UnavailableBackend(backend, exc)

    fallback = FallbackTranslator(primary, gist_factory, batch_size=settings.batch_size, strict=strict)
    inner: Any = fallback
    cached: CachedTranslator | None = None
    if settings.cache and not isinstance(primary, UnavailableBackend):
        cache = TranslationCache(settings.cache_path or default_cache_path())
        try:
            cache.count()  # open (and create) now, so a bad path is noticed once, here
        except TranslationError as exc:
            if strict:
                raise
            log.warning("translating without the cache: %s", exc)
        else:
            cached = CachedTranslator(fallback, cache)
            inner = cached
    corrected = CorrectedTranslator(inner, corrections)
    return TranslationChain(
        backend,
        fallback.mode,
        corrected,
        fallback=fallback,
        cached=cached,
        corrected=corrected,
    )


def _make_backend(backend: str, settings: TranslateSettings, terms: Mapping[str, str]) -> Any:
    if backend == "argos":
        from briefing.backends.argos import ArgosTranslator

        return ArgosTranslator(settings.argos_settings())
    from briefing.backends.openai import OpenAITranslator

    return OpenAITranslator(settings.openai_settings(), glossary=terms)
