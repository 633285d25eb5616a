"""Settings, layered: defaults < config file < environment < command-line flags.

The config file is TOML (``briefing.toml``), found by ``--config``, else in the
working directory, else in the user's config directory.  Every key is checked
against the dataclasses below, so a typo is an error that names the key rather
than a setting silently ignored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from briefing.backends.chain import TranslateSettings
from briefing.deliver import MailSettings
from briefing.errors import ConfigError, UsageError
from briefing.fetch import FetchSettings

CONFIG_NAME = "briefing.toml"
ENV_PREFIX = "BRIEFING_"


@dataclass(slots=True)
class BuildSettings:
    sources: list[str] = field(default_factory=lambda: ["seeds"])
    # {date} is the brief's date (--today or today) in ISO form.
    output: str = "out/brief-{date}.pdf"
    formats: list[str] = field(default_factory=lambda: ["pdf"])
    title_zh: str = "中美人工智能政策简报"
    title_en: str = "US–China AI Policy Brief"
    top: int = 25  # points in the whole brief
    per_theme: int = 5  # points in one theme
    executive: int = 5  # points in the executive summary
    max_bytes: int = 10_000_000  # larger source files are skipped
    strict: bool = False  # any skipped file or fallback fails the run
    since: str | None = None  # YYYY-MM-DD: drop articles dated before
    until: str | None = None  # YYYY-MM-DD: drop articles dated after
    require_date: bool = False  # drop articles without a full date (else kept and flagged)
    new_only: bool = False  # only points no earlier brief published
    state_file: str = "out/.published.json"  # fingerprints of published points
    wait: int = 0  # seconds to wait for another run's lock before giving up
    jobs: int = 0  # processes for the per-article stages; 0 = one per core


@dataclass(slots=True)
class ThemesSettings:
    file: str | None = None  # a user taxonomy (TOML)
    mode: str = "extend"  # "extend" the shipped taxonomy or "replace" it
    # "model": the trained classifier (used while the taxonomy has the shipped themes); "keywords": keywords alone.
    classifier: str = "model"
    # With the model: also read each shown point's sentence vector (briefing/encoder.py); false = words alone.
    sentence_encoder: bool = True


@dataclass(slots=True)
class Settings:
    """One section per table of briefing.toml; each stage owns its section's dataclass."""

    build: BuildSettings = field(default_factory=BuildSettings)
    themes: ThemesSettings = field(default_factory=ThemesSettings)
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    # Where the values came from, for `briefing config` (not a setting itself).
    origin: str = "defaults"


def parse_date(value: str | None, name: str) -> dt.date | None:
    """A YYYY-MM-DD setting or flag as a date (None stays None); a usage error names the setting."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{name}: {value!r} is not a date in YYYY-MM-DD form") from exc


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file to use: explicit path, ./briefing.toml, then the user config dir."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path
    for candidate in (Path.cwd() / CONFIG_NAME, Path(platformdirs.user_config_dir("briefing")) / CONFIG_NAME):
        if candidate.is_file():
            return candidate
    return None


def load_settings(
    config: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Build the effective settings.

    ``overrides`` are the command-line flags, as ``{"build": {"top": 10}}``;
    a value of None means "flag not given" and leaves the lower layer alone.
    """
    settings = Settings()
    path = find_config(config)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from exc
        _apply(settings, data, origin=str(path))
        settings.origin = str(path)
    _apply(settings, _from_environment(os.environ if environ is None else environ), origin="environment")
    if overrides:
        _apply(
            settings,
            {section: {k: v for k, v in values.items() if v is not None} for section, values in overrides.items()},
            origin="command line",
        )
    return settings


def _from_environment(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """BRIEFING_<SECTION>_<KEY>=value, e.g. BRIEFING_BUILD_TOP=10."""
    data: dict[str, dict[str, Any]] = {}
    sections = {f.name for f in dataclasses.fields(Settings) if f.name != "origin"}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX) :].lower()
        section, _, key = rest.partition("_")
        if section in sections and key:
            data.setdefault(section, {})[key] = _parse_env_value(value)
    return data


def _parse_env_value(value: str) -> Any:
    # Let TOML decide the type, so BRIEFING_BUILD_TOP=10 is an int and
    # BRIEFING_BUILD_FORMATS='["pdf","md"]' a list; anything else is a string.
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        if "," in value:
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


def _apply(settings: Settings, data: Mapping[str, Any], *, origin: str) -> None:
    sections = {f.name: f for f in dataclasses.fields(Settings) if f.name != "origin"}
    for section_name, values in data.items():
        if section_name not in sections:
            raise ConfigError(f"{origin}: unknown section [{section_name}] (known: {', '.join(sorted(sections))})")
        if not isinstance(values, Mapping):
            raise ConfigError(f"{origin}: [{section_name}] must be a table")
        section = getattr(settings, section_name)
        fields = {f.name for f in dataclasses.fields(section)}
        hints = typing.get_type_hints(type(section))
        changes = {}
        for key, value in values.items():
            if key not in fields:
                raise ConfigError(
                    f"{origin}: unknown key {section_name}.{key} (known: {', '.join(sorted(fields))})"
                )
            changes[key] = _coerce(value, hints[key], f"{origin}: {section_name}.{key}")
        # replace(), not setattr: some sections are frozen dataclasses.
        setattr(settings, section_name, dataclasses.replace(section, **changes))


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        hint = next(option for option in options if option is not type(None))
        origin = typing.get_origin(hint)
    if origin is list:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        (item,) = typing.get_args(hint)
        return [_coerce(v, item, where) for v in value]
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise ConfigError(f"{where}: expected a whole number, got {value!r}")
    if hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected a number, got {value!r}") from None
    if hint is str:
        if isinstance(value, str):
            return value
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    if hint is Path:
        if isinstance(value, str | os.PathLike):
            return Path(value).expanduser()
        raise ConfigError(f"{where}: expected a path, got {value!r}")
    return value


SECRET_KEYS = ("password", "api_key")


def as_dict(settings: Settings, *, mask_secrets: bool = True) -> dict[str, dict[str, Any]]:
    """The effective settings as plain data (for `briefing config`), secrets masked."""
    data = {}
    for f in dataclasses.fields(Settings):
        if f.name == "origin":
            continue
        section = {}
        for key, value in dataclasses.asdict(getattr(settings, f.name)).items():
            if mask_secrets and value and any(key.endswith(secret) for secret in SECRET_KEYS):
                value = "********"
            section[key] = os.fspath(value) if isinstance(value, Path) else value
        data[f.name] = section
    return data
