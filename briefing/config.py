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
from briefing.ingest import DEFAULT_MAX_BYTES
from briefing.presentation import DEFAULT_TITLE_EN, DEFAULT_TITLE_ZH
from briefing.themes.settings import ThemeSettings

CONFIG_NAME = "briefing.toml"
ENV_PREFIX = "BRIEFING_"


@dataclass(slots=True)
class BuildSettings:
    sources: list[str] = field(default_factory=lambda: ["seeds"])
    # {date} is the brief's date (--today or today) in ISO form.
    output: str = "out/brief-{date}.pdf"
    formats: list[str] = field(default_factory=lambda: ["pdf"])
    title_zh: str = DEFAULT_TITLE_ZH
    title_en: str = DEFAULT_TITLE_EN
    top: int = 25  # points in the whole brief
    per_theme: int = 5  # points in one theme
    executive: int = 5  # points in the executive summary
    max_bytes: int = DEFAULT_MAX_BYTES  # larger source files are skipped
    strict: bool = False  # any skipped file or fallback fails the run
    since: dt.date | None = None  # drop articles dated before (YYYY-MM-DD in the file)
    until: dt.date | None = None  # drop articles dated after
    require_date: bool = False  # drop articles without a full date (else kept and flagged)
    new_only: bool = False  # only points no earlier brief published
    state_file: str = "out/.published.json"  # fingerprints of published points
    wait: int = 0  # seconds to wait for another run's lock before giving up
    jobs: int = 0  # processes for the per-article stages; 0 = one per core


@dataclass(slots=True)
class Settings:
    """One section per table of briefing.toml; each stage owns its section's dataclass and takes it as it is."""

    build: BuildSettings = field(default_factory=BuildSettings)
    themes: ThemeSettings = field(default_factory=ThemeSettings)
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


def load_settings(config: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None) -> Settings:
    """The effective settings of the config file and the environment (flags go on top: :func:`with_flags`)."""
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
    return settings


S = typing.TypeVar("S")


def with_flags(section: S, **flags: Any) -> S:
    """``section`` with each flag that was given in place of its value (None: the flag was not given).

    Flags are already typed (click parsed them) and named as the section's
    fields, so a misspelt one is a TypeError at its first use, not a setting
    silently ignored.
    """
    given = {name: value for name, value in flags.items() if value is not None}
    return dataclasses.replace(section, **given) if given else section  # type: ignore[type-var]


def config_keys(section: Any) -> list[str]:
    """The keys of a section's table: its fields, less the tuning knobs marked ``metadata={"config": False}``."""
    return [f.name for f in dataclasses.fields(section) if f.metadata.get("config", True)]


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
        fields = set(config_keys(section))
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
    if hint is dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value  # TOML's own date
        if isinstance(value, str):
            return parse_date(value, where)
        raise ConfigError(f"{where}: expected a date in YYYY-MM-DD form, got {value!r}")
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
        values = getattr(settings, f.name)
        for key in config_keys(values):
            value = getattr(values, key)
            if mask_secrets and value and any(key.endswith(secret) for secret in SECRET_KEYS):
                value = "********"
            if isinstance(value, Path):
                value = os.fspath(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            section[key] = value
        data[f.name] = section
    return data
