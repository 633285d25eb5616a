"""A persistent translation cache, so a daily run translates only new sentences.

One SQLite file (by default ``platformdirs.user_cache_dir("briefing")/translations.sqlite3``)
maps (backend, model id, Chinese sentence) to the English and the label it
was produced with.  The model id is part of the key, so switching the model
(or upgrading the Argos package) translates again instead of mixing outputs.
WAL mode and a busy timeout let two runs (a cron job and a manual one) share
the file safely.

Only real backend output is stored: gist fallbacks and reviewed corrections
never are, so a line that fell back today is translated properly tomorrow.
Deleting the file is always safe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import platformdirs

from briefing.backends import TranslationError
from briefing.models import Translation

log = logging.getLogger("briefing.translate")

FALLBACK_MODES = frozenset({"gist", "none", "reviewed"})
_CHUNK = 500  # bound the number of SQL parameters per query

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    backend TEXT NOT NULL,
    model   TEXT NOT NULL,
    source  TEXT NOT NULL,
    english TEXT NOT NULL,
    mode    TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (backend, model, source)
) WITHOUT ROWID
"""


def default_cache_path() -> Path:
    return Path(platformdirs.user_cache_dir("briefing")) / "translations.sqlite3"


class TranslationCache:
    """(backend, model, source) → Translation, in one SQLite file created on first use."""

    def __init__(self, path: Path | str | None = None, *, busy_timeout: float = 30.0):
        self.path = Path(path) if path else default_cache_path()
        self.busy_timeout = busy_timeout
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self._open()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        # Switching a new file to WAL needs a moment of exclusive access, and
        # SQLite answers "locked" at once rather than waiting when another run
        # is doing the same: so setting up is retried until the busy timeout.
        deadline = time.monotonic() + self.busy_timeout
        while True:
            connection: sqlite3.Connection | None = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False)
                (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
                if str(mode).lower() != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                with connection:
                    connection.execute(_SCHEMA)
                return connection
            except (OSError, sqlite3.Error) as exc:
                if connection is not None:
                    connection.close()
                busy = isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))
                if busy and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise TranslationError(
                    f"translation cache {self.path} cannot be used ({exc}); delete it or set [translate] cache_path"
                ) from None

    def get_many(self, backend: str, model: str, sources: Iterable[str]) -> dict[str, Translation]:
        """The cached translations among ``sources`` (missing ones are absent)."""
        wanted = list(dict.fromkeys(sources))
        found: dict[str, Translation] = {}
        with self._lock, self._errors():
            connection = self._connect()
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT source, english, mode FROM translations WHERE backend = ? AND model = ? AND source IN ({marks})",
                    (backend, model, *chunk),
                )
                for source, english, mode in rows:
                    found[source] = Translation(english, mode)
        return found

    def put_many(self, backend: str, model: str, items: Iterable[tuple[str, Translation]]) -> int:
        """Store translations; returns how many rows were written."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows = [(backend, model, source, t.text, t.mode, now) for source, t in items]
        if not rows:
            return 0
        with self._lock, self._errors():
            connection = self._connect()
            with connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO translations (backend, model, source, english, mode, created) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
        return len(rows)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise TranslationError(f"translation cache {self.path} failed ({exc})") from None

    def count(self) -> int:
        with self._lock, self._errors():
            (rows,) = self._connect().execute("SELECT count(*) FROM translations").fetchone()
        return int(rows)

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedTranslator:
    """Serve cache hits, translate only the misses with ``inner``, store what it produced.

    The cache key is ``(inner.name, inner.model_id, sentence)``.  A result is
    stored only when it is the inner backend's own work: its mode is
    ``inner.mode`` when the backend declares one, and never a fallback label
    (gist, none, reviewed), nor an empty line.
    """

    def __init__(self, inner: Any, cache: TranslationCache):
        self.inner = inner
        self.cache = cache
        self.name: str = inner.name
        self.model_id: str = getattr(inner, "model_id", self.name)
        self.hits = 0
        self.misses = 0
        self.cache_error: str | None = None

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        keys = [text.strip() for text in batch]
        try:
            found = self.cache.get_many(self.name, self.model_id, (k for k in keys if k))
        except TranslationError as exc:
            self._cache_failed(exc)
            found = {}
        misses = list(dict.fromkeys(k for k in keys if k and k not in found))
        self.hits += sum(1 for k in keys if k in found)
        self.misses += len(misses)
        if misses:
            fresh = self.inner.translate(misses)
            produced = dict(zip(misses, fresh, strict=True))
            try:
                self.cache.put_many(self.name, self.model_id, ((k, t) for k, t in produced.items() if self._storable(t)))
            except TranslationError as exc:
                self._cache_failed(exc)
            found.update(produced)
        empty = Translation("", getattr(self.inner, "mode", self.name))
        return [found[k] if k else empty for k in keys]

    def _cache_failed(self, error: TranslationError) -> None:
        """A broken cache costs speed, never the brief: warn once and go on without it."""
        if self.cache_error is None:
            self.cache_error = str(error)
            log.warning("%s; translating without the cache", error)

    def _storable(self, translation: Translation) -> bool:
        if not translation.text.strip() or translation.mode in FALLBACK_MODES:
            return False
        expected = getattr(self.inner, "mode", None)
        return expected is None or translation.mode == expected
