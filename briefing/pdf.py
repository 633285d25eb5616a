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
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from briefing.errors import RenderError

log = logging.getLogger(__name__)

# The fonts the stylesheet names; a missing glyph is reported against them.
FONTS = ("Noto Sans CJK SC",)
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


# The faces the stylesheet uses, pre-subset before layout (see _subset_fonts)
# and offered under their own family name: fontconfig would otherwise keep
# picking the installed face of the same name.  brief.css names this family
# first, then "Noto Sans CJK SC" for when no pre-subset face is available.
PRESUBSET_FAMILY = "Noto Sans CJK SC Subset"
SUBSET_FACES = (("Noto Sans CJK SC", 400, "normal"), ("Noto Sans CJK SC", 700, "bold"))


def _font_file(family: str, style: str) -> tuple[str, int] | None:
    """(file, face index) fontconfig picks for ``family``, or None if it has no such family."""
    try:
        found = subprocess.run(
            ["fc-match", "--format=%{family}\t%{file}\t%{index}", f"{family}:style={style}"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, rest = found.partition("\t")
    file, _, index = rest.partition("\t")
    if family not in families.split(",") or not file:
        return None
    return file, int(index or 0)


# Characters the layout draws that are not in the HTML: list bullets,
# hyphenation, ellipses, and every printable ASCII character for counters.
_GENERATED = {0x2022, 0x25E6, 0x25AA, 0x2010, 0x2026, 0x00B7, 0x2013, 0x2014} | set(range(0x20, 0x7F))


def _subset_fonts(text: str, folder: Path) -> str:
    """Subset the CJK faces to the characters of ``text``; return @font-face rules for them.

    WeasyPrint subsets fonts itself but keeps every glyph id up to the highest
    one used, and common hanzi sit near the end of Noto CJK's 65,000 glyphs: a
    brief embedded ~400 KB of empty glyph slots.  Subsetting first (HarfBuzz,
    through uharfbuzz, a few milliseconds) leaves WeasyPrint a font of a few
    hundred glyphs, and the seeds' PDF shrinks from 630 KB to under 300 KB.
    Where uharfbuzz or a face is missing, the system fonts are used as they are.
    """
    try:
        import uharfbuzz
    except ImportError:
        log.info("uharfbuzz is not installed: embedding the system CJK fonts without pre-subsetting")
        return ""
    codepoints = {ord(ch) for ch in text} | _GENERATED
    rules = []
    for family, weight, style in SUBSET_FACES:
        located = _font_file(family, style)
        if located is None:
            continue
        file, index = located
        face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(file), index)
        wanted = uharfbuzz.SubsetInput()
        for codepoint in codepoints:
            wanted.unicode_set.add(codepoint)
        # Hints do nothing in a PDF viewer; desubroutinised CFF compresses better.
        wanted.flags = uharfbuzz.SubsetFlags.DESUBROUTINIZE | uharfbuzz.SubsetFlags.NO_HINTING
        subset = uharfbuzz.subset(face, wanted)
        if subset is None:
            continue
        path = folder / f"{family.replace(' ', '-')}-{weight}.otf"
        path.write_bytes(subset.blob.data)
        rules.append(
            f'@font-face {{ font-family: "{PRESUBSET_FAMILY}"; font-weight: {weight}; font-style: normal; '
            f'src: url("{path.as_uri()}"); }}'
        )
    return "\n".join(rules)


def write_pdf(html: str, target: BinaryIO, *, base_dir: Path, allowed_dirs: Sequence[Path]) -> None:
    """Lay out ``html`` and write the PDF to ``target``.

    Same HTML, same bytes: the dates come from ``<meta name=dcterms.*>`` (the
    brief's "today"), and the PDF identifier is a hash of the HTML.
    """
    harfbuzz_subset_available()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with tempfile.TemporaryDirectory(prefix="briefing-fonts-") as fonts_dir:
        font_rules = _subset_fonts(html, Path(fonts_dir))
        fetcher = make_url_fetcher([base_dir, *allowed_dirs, Path(fonts_dir)])
        # @font-face rules only take effect through a shared FontConfiguration.
        font_config = FontConfiguration()
        stylesheets = [CSS(string=font_rules, url_fetcher=fetcher, font_config=font_config)] if font_rules else []
        data = _lay_out(html, base_dir, fetcher, stylesheets, font_config, identifier)
    target.write(data)


def _lay_out(html: str, base_dir: Path, fetcher, stylesheets: list, font_config, identifier: bytes) -> bytes:
    from weasyprint import HTML

    try:
        with _watch_glyphs() as watch:
            document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=stylesheets, font_config=font_config
            )
            if watch.missing:
                raise _missing_glyph_error(watch.missing[0], html)
            # Glyphs are drawn (and checked) while writing: write to memory first
            # so a missing glyph never reaches ``target``.
            data = document.write_pdf(pdf_identifier=identifier)
            if watch.missing:
                raise _missing_glyph_error(watch.missing[0], html)
    except fetcher.refused as refused:
        raise RefusedURL(str(refused)) from None
    return data
