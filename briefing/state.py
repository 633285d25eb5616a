"""What earlier briefs published, for --new-only.

The state is a JSON file of point fingerprints.  It is written atomically and
only after the brief itself is on disk, so an interrupted run can at worst
publish a point twice, never lose one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import BriefingError
from briefing.fsutil import write_atomic
from briefing.models import Point

STATE_VERSION = 1


def fingerprint(text: str) -> str:
    """Stable across punctuation, spacing and full-/half-width differences."""
    content = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())
    return hashlib.sha1(content.encode("utf-8")).hexdigest()[:16]


def point_fingerprints(point: Point) -> set[str]:
    # Every occurrence counts: a passage published from one outlet is not new
    # when another outlet repeats it the next day.
    return {fingerprint(s.norm) for s in (point.occurrences or [point.sentence])}


@dataclass(slots=True)
class PublishedState:
    path: Path
    published: dict[str, str] = field(default_factory=dict)  # fingerprint -> first brief date

    @classmethod
    def load(cls, path: Path) -> PublishedState:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION or not isinstance(data.get("published"), dict):
                raise ValueError("not a briefing state file of version 1")
        except (OSError, ValueError) as exc:
            raise BriefingError(f"{path}: cannot read the state file: {exc}; move it away to start afresh") from exc
        return cls(path, dict(data["published"]))

    def is_new(self, point: Point) -> bool:
        return not (point_fingerprints(point) & self.published.keys())

    def record(self, points: list[Point], day: dt.date) -> None:
        for point in points:
            for key in point_fingerprints(point):
                self.published.setdefault(key, day.isoformat())

    def save(self) -> None:
        payload = json.dumps(
            {"version": STATE_VERSION, "published": dict(sorted(self.published.items()))},
            ensure_ascii=False,
            indent=0,
        ).encode("utf-8")
        try:
            write_atomic(self.path, payload)
        except OSError as exc:
            # Not a traceback: the brief is on disk, only the record of it is not.
            raise BriefingError(
                f"cannot save the --new-only state to {self.path}: {exc.strerror or exc}; "
                "the brief was written, the state file is unchanged (the next run may repeat these points)"
            ) from exc

