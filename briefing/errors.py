"""Typed errors.  Each carries the process exit status the CLI turns it into."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: a failure the user can act on, with a message that says how."""

    exit_code = 1


class UsageError(BriefingError):
    """Bad options or configuration (exit 2, like click's own usage errors)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration file that cannot be used: unknown key, wrong type, bad TOML."""


class IngestError(BriefingError):
    """A source file that cannot be read; ``reason`` is the one-line explanation."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class StrictError(BriefingError):
    """--strict turned a warning (a skipped file, a fallback) into a failure."""


class RenderError(BriefingError):
    """The brief could not be rendered (missing glyph, template error, ...)."""


class NothingNewError(BriefingError):
    """--new-only found no point that was not published before."""

    exit_code = 3


class EmptyBriefError(BriefingError):
    """No article was read, or none says anything on the brief's subject: no brief is written or mailed.

    Exit 66 (EX_NOINPUT in sysexits.h), whether or not --strict is given: an
    empty brief mailed at seven in the morning is worse than none.
    """

    exit_code = 66
