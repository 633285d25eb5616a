"""The user's corrections file: human English that beats any backend.

A UTF-8 TSV file, one ``Chinese<TAB>English`` entry a line; lines starting
with ``#`` are comments and blank lines are ignored::

    # whole sentences: used as they are, labelled "reviewed"
    美国商务部宣布对华人工智能芯片出口管制新规。	The US Commerce Department announced new export rules on AI chips for China.
    # terms: passed to the backend as glossary entries
    算力	computing power

Every entry works both ways:

* a line of the brief whose Chinese is exactly an entry (after trimming and
  Unicode NFKC normalisation) takes the entry's English, labelled
  ``reviewed``, and no backend sees it;
* an entry that occurs *inside* a line is a term: the ``openai`` backend gets
  it in its glossary, ahead of the project's own glossary, so the model uses
  that English.  The ``argos`` backend cannot use terms: a CTranslate2 model
  has no way to be told a term's English, and replacing the term afterwards
  is impossible because the output no longer contains the Chinese to find.
  With argos, only whole-sentence corrections apply.  The gist fallback uses
  the project's own glossary.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.errors import ConfigError
from briefing.models import Translation

REVIEWED = "reviewed"


class CorrectionsError(ConfigError):
    """The corrections file cannot be used; the message names the file and line."""


def normalize(text: str) -> str:
    """The form in which lines and entries are compared: NFKC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True, slots=True)
class Corrections:
    """Entries of a corrections file, keyed by normalised Chinese."""

    entries: Mapping[str, str] = field(default_factory=dict)
    path: Path | None = None

    def sentence(self, text: str) -> str | None:
        """The reviewed English for a whole line, if the file has it."""
        return self.entries.get(normalize(text))

    @property
    def terms(self) -> dict[str, str]:
        """Every entry as a glossary term (a backend selects those occurring in its batch)."""
        return dict(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def load_corrections(path: Path | str | None) -> Corrections:
    """Read a corrections file; ``None`` means no corrections."""
    if path is None:
        return Corrections()
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CorrectionsError(f"corrections file {path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise CorrectionsError(f"corrections file {path} is not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise CorrectionsError(f"corrections file {path} cannot be read ({exc.strerror})") from None
    return parse_corrections(text, path)


def parse_corrections(text: str, path: Path | str = "<corrections>") -> Corrections:
    entries: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = line.rstrip("\r\n").split("\t")
        where = f"{path} line {number}"
        if len(fields) != 2:
            shown = line if len(line) <= 60 else line[:57] + "..."
            problem = "no TAB" if len(fields) == 1 else f"{len(fields) - 1} TABs"
            raise CorrectionsError(f"{where}: expected 'Chinese<TAB>English', found {problem} in {shown!r}")
        chinese, english = normalize(fields[0]), " ".join(fields[1].split())
        if not chinese:
            raise CorrectionsError(f"{where}: the Chinese side is empty")
        if not english:
            raise CorrectionsError(f"{where}: the English side for {chinese!r} is empty")
        if chinese in entries and entries[chinese] != english:
            raise CorrectionsError(
                f"{where}: {chinese!r} already has a different English on line {first_line[chinese]}"
            )
        entries[chinese] = english
        first_line.setdefault(chinese, number)
    return Corrections(entries, Path(path))


class CorrectedTranslator:
    """Reviewed English for lines the corrections file has; ``inner`` for the rest."""

    def __init__(self, inner: Any, corrections: Corrections):
        self.inner = inner
        self.corrections = corrections
        self.name: str = inner.name
        self.reviewed = 0

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        results: list[Translation | None] = []
        rest: list[str] = []
        for text in batch:
            english = self.corrections.sentence(text) if text.strip() else None
            results.append(Translation(english, REVIEWED) if english else None)
            if not english:
                rest.append(text)
        self.reviewed += len(batch) - len(rest)
        translated = iter(self.inner.translate(rest) if rest else [])
        return [result if result is not None else next(translated) for result in results]
