"""The theme taxonomy: data (``briefing/data/themes.toml``), replaceable or extendable by a user file.

Loading validates every key and names the file and key of anything malformed
(:class:`ConfigError`); an "other" theme is always present.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from briefing.errors import ConfigError
from briefing.models import ThemeSpec

OTHER = "other"
# A user file adds to the shipped themes (and redefines those it names) unless it says "replace".
MODES = ("extend", "replace")
DEFAULT_MODE = MODES[0]

DEFAULT_OTHER = ThemeSpec(
    id=OTHER,
    label_zh="其他",
    label_en="Other",
    description_zh="与上述主题都不够贴合、但分量较重的要点。",
    description_en="Strong points that fit none of the themes above.",
)

_THEME_KEYS = {"id", "label_zh", "label_en", "description_zh", "description_en", "keywords", "negative"}
_TOP_KEYS = {"theme"}
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LATIN = re.compile(r"[A-Za-z]")


def default_taxonomy_path() -> Path:
    """Where the shipped taxonomy lives (for messages and `briefing themes`)."""
    return Path(str(resources.files("briefing") / "data" / "themes.toml"))


def load_taxonomy(
    path: str | Path | None = None,
    *,
    mode: Literal["extend", "replace"] = DEFAULT_MODE,
) -> list[ThemeSpec]:
    """The theme taxonomy: the shipped one, a user file instead of it, or the shipped one extended.

    ``mode="extend"`` keeps the shipped themes, replaces those whose id the user
    file defines (in place) and appends new ones.  An "other" theme is always
    present (last, unless the file places it).  Raises :class:`ConfigError`
    naming the file and key for anything malformed.
    """
    if mode not in MODES:
        raise ConfigError(f"themes mode must be 'replace' or 'extend', got {mode!r}")
    shipped = _load_text(_shipped_text(), origin=str(default_taxonomy_path()))
    if path is None:
        themes = shipped
    else:
        user = _load_file(Path(path))
        if mode == "replace":
            themes = user
        else:
            by_id = {t.id: t for t in user}
            themes = [by_id.pop(t.id, t) for t in shipped]
            themes += [t for t in user if t.id in by_id]
    if not any(t.id == OTHER for t in themes):
        themes.append(DEFAULT_OTHER)
    return themes


def _shipped_text() -> str:
    return (resources.files("briefing") / "data" / "themes.toml").read_text(encoding="utf-8")


def _load_file(path: Path) -> list[ThemeSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: theme file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read theme file: {exc}") from exc
    return _load_text(text, origin=str(path))


def _load_text(text: str, *, origin: str) -> list[ThemeSpec]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: invalid TOML: {exc}") from exc
    return parse_taxonomy(data, origin=origin)


def parse_taxonomy(data: Mapping[str, Any], *, origin: str = "<themes>") -> list[ThemeSpec]:
    """Validate parsed TOML (``{"theme": [...]}``) into theme specs."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r} (expected [[theme]] tables)")
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{origin}: no themes (expected one or more [[theme]] tables)")
    themes: list[ThemeSpec] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        where = f"{origin}: theme #{index}"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: must be a table")
        theme_id = entry.get("id")
        if not isinstance(theme_id, str) or not _ID_PATTERN.match(theme_id):
            raise ConfigError(f"{where}: key 'id' must be a lowercase identifier (a-z, 0-9, _ or -), got {theme_id!r}")
        where = f"{origin}: theme {theme_id!r}"
        if theme_id in seen:
            raise ConfigError(f"{where}: duplicate id (also theme #{seen[theme_id]})")
        seen[theme_id] = index
        unknown = sorted(set(entry) - _THEME_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_THEME_KEYS))})")
        labels = {}
        for key in ("label_zh", "label_en"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: missing label {key!r}")
            labels[key] = value.strip()
        descriptions = {}
        for key in ("description_zh", "description_en"):
            value = entry.get(key, "")
            if not isinstance(value, str):
                raise ConfigError(f"{where}: key {key!r} must be a string")
            descriptions[key] = value.strip()
        themes.append(
            ThemeSpec(
                id=theme_id,
                **labels,
                **descriptions,
                keywords=_weights(entry.get("keywords", {}), f"{where}: keywords"),
                negative=_weights(entry.get("negative", {}), f"{where}: negative"),
            )
        )
    return themes


def _weights(table: Any, where: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table of \"keyword\" = weight")
    weights: dict[str, float] = {}
    for keyword, weight in table.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
            raise ConfigError(f"{where}.{keyword!r}: weight must be a number, got {weight!r}")
        if weight <= 0:
            raise ConfigError(f"{where}.{keyword!r}: weight must be positive, got {weight!r}")
        clean = keyword.strip()
        if not clean:
            raise ConfigError(f"{where}: empty keyword")
        folded = clean.casefold() if LATIN.search(clean) else clean
        if folded in weights:
            raise ConfigError(f"{where}.{keyword!r}: duplicate keyword")
        weights[folded] = float(weight)
    return tuple(weights.items())
