"""WeasyPrint specifics: a locked-down URL fetcher, glyph checks, deterministic PDFs.

Kept apart from :mod:`briefing.render` so the HTML, Markdown and JSON outputs
never import WeasyPrint (it is heavy to load).
"""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from briefing.errors import RenderError

log = logging.getLogger(__name__)

# The fonts the stylesheet names; a missing glyph is reported against them.
FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)

_NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts")


@functools.cache
def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint can subset fonts with HarfBuzz (10–35× faster than fontTools).

    Logs a loud warning once when it cannot: the PDF is still right, only slow.
    """
    available = False
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

        available = bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    except Exception:  # an old WeasyPrint without the binding: ask the loader
        available = ctypes.util.find_library("harfbuzz-subset") is not None
    if not available:
        log.warning(
            "libharfbuzz-subset is missing: WeasyPrint falls back to fontTools to subset the "
            "CJK fonts, which is 10-35x slower (install the Debian package libharfbuzz-subset0)"
        )
    return available


def _fatal_fetch_error() -> type[BaseException]:
    from weasyprint.urls import FatalURLFetchingError

    return FatalURLFetchingError


class RefusedURL(RenderError):
    """The document asked for a resource outside what the brief may read."""


def make_url_fetcher(allowed_dirs: Sequence[Path]):
    """A WeasyPrint URL fetcher that reads local files under ``allowed_dirs`` and nothing else.

    No network (the brief is built from files already on disk), no file
    outside the templates and font directories, no ``data:`` surprises beyond
    what the templates themselves contain.  A refusal stops the rendering.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [Path(d).resolve() for d in allowed_dirs]
    fatal = _fatal_fetch_error()

    class Refused(fatal):  # BaseException: WeasyPrint must not swallow it
        def __init__(self, url: str, why: str):
            super().__init__(f"refused to fetch {url!r}: {why}")
            self.url = url
            self.why = why

    class LocalOnlyFetcher(URLFetcher):
        refused = Refused

        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise Refused(url, "only local template and font files may be read")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                raise Refused(url, "outside the templates and font directories")
            if not path.is_file():
                raise Refused(url, "no such file")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return LocalOnlyFetcher()


class _GlyphWatch(logging.Handler):
    """Collects WeasyPrint's missing-glyph warnings while a document is drawn."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _NOTDEF.search(message):
            self.missing.append(message)


@contextlib.contextmanager
def _watch_glyphs() -> Iterator[_GlyphWatch]:
    logger = logging.getLogger("weasyprint")
    watch = _GlyphWatch()
    level = logger.level
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(watch)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)
        logger.setLevel(level)


def _missing_glyph_error(message: str, html: str) -> RenderError:
    found = re.search(r"\(U\+([0-9A-Fa-f]{4,6})\)", message)
    char = chr(int(found[1], 16)) if found else "?"
    code = f"U+{ord(char):04X}" if found else "unknown code point"
    where = html.find(char) if found else -1
    context = ""
    if where >= 0:
        context = html[max(0, where - 12) : where + 13].replace("\n", " ")
        context = f" near “{context}”"
    return RenderError(
        f"no glyph for {char!r} ({code}){context}: none of the fonts {', '.join(FONTS)} "
        "(nor any installed fallback) has it. Replace or remove the character in the source "
        "article, or install a font that covers it."
    )


def write_pdf(html: str, target: BinaryIO, *, base_dir: Path, allowed_dirs: Sequence[Path]) -> None:
    """Lay out ``html`` and write the PDF to ``target``.

    Same HTML, same bytes: the dates come from ``<meta name=dcterms.*>`` (the
    brief's "today"), and the PDF identifier is a hash of the HTML.
    """
    harfbuzz_subset_available()
    from weasyprint import HTML

    fetcher = make_url_fetcher([base_dir, *allowed_dirs])
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    try:
        with _watch_glyphs() as watch:
            document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render()
            if watch.missing:
                raise _missing_glyph_error(watch.missing[0], html)
            # Glyphs are drawn (and checked) while writing: write to memory first
            # so a missing glyph never reaches ``target``.
            data = document.write_pdf(pdf_identifier=identifier)
            if watch.missing:
                raise _missing_glyph_error(watch.missing[0], html)
    except fetcher.refused as refused:
        raise RefusedURL(str(refused)) from None
    target.write(data)
