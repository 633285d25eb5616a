"""What earlier briefs read, for --new-only.

The state is a JSON file of article fingerprints: an article (by its text, so
a repost or another encoding of it too) that was in an earlier brief's input
is not new, and neither are its points.  Unchanged input is "nothing new", not
a brief of ever lower-ranked leftovers.  It is written atomically and only
after the brief has reached its readers (written, and mailed when asked), so an
interrupted run or a failed mail can at worst report an article twice, never
lose one.  Version 1 files (point fingerprints) are read and still honoured.
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
from briefing.models import Article, Point

STATE_VERSION = 2


def fingerprint(text: str) -> str:
    """Stable across punctuation, spacing and full-/half-width differences."""
    content = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())
    return hashlib.sha1(content.encode("utf-8")).hexdigest()[:16]


def article_fingerprint(article: Article) -> str:
    """The article's text, simplified, letters and digits only: the same for its copies."""
    from briefing.dedup import article_key  # noqa: PLC0415 - dedup imports numpy

    return hashlib.sha1(article_key(article.paragraphs).encode("utf-8")).hexdigest()[:16]


# A repost with another header or footer has another article fingerprint, but
# most of its paragraphs are the same: an article most of whose substantial
# paragraphs were read before is not new.
SEEN_PARAGRAPH_SHARE = 0.6
PARAGRAPH_MIN_CHARS = 20


def paragraph_fingerprints(article: Article) -> set[str]:
    from briefing.clean import normalize_for_analysis  # noqa: PLC0415

    return {fingerprint(normalize_for_analysis(p)) for p in article.paragraphs if len(p) >= PARAGRAPH_MIN_CHARS}


def point_fingerprints(point: Point) -> set[str]:
    # Every occurrence counts: a passage published from one outlet is not new
    # when another outlet repeats it the next day.
    return {fingerprint(s.norm) for s in (point.occurrences or [point.sentence])}


@dataclass(slots=True)
class PublishedState:
    path: Path
    articles: dict[str, str] = field(default_factory=dict)  # article fingerprint -> first brief date
    paragraphs: dict[str, str] = field(default_factory=dict)  # paragraph fingerprint -> first brief date
    # Point fingerprints from version 1 files: still honoured, no longer added to.
    published: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> PublishedState:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            version = data.get("version") if isinstance(data, dict) else None
            if version not in (1, STATE_VERSION) or not isinstance(data.get("published", {}), dict):
                raise ValueError(f"not a briefing state file of version 1 or {STATE_VERSION}")
            articles, paragraphs = data.get("articles", {}), data.get("paragraphs", {})
            if not isinstance(articles, dict) or not isinstance(paragraphs, dict):
                raise ValueError("'articles' or 'paragraphs' is not a mapping")
        except (OSError, ValueError) as exc:
            raise BriefingError(f"{path}: cannot read the state file: {exc}; move it away to start afresh") from exc
        return cls(path, dict(articles), dict(paragraphs), dict(data.get("published", {})))

    def is_new_article(self, article: Article) -> bool:
        if article_fingerprint(article) in self.articles:
            return False
        own = paragraph_fingerprints(article)
        return not own or len(own & self.paragraphs.keys()) < SEEN_PARAGRAPH_SHARE * len(own)

    def is_new(self, point: Point) -> bool:
        return not (point_fingerprints(point) & self.published.keys())

    def record(self, articles: list[Article], day: dt.date) -> None:
        for article in articles:
            self.articles.setdefault(article_fingerprint(article), day.isoformat())
            for key in paragraph_fingerprints(article):
                self.paragraphs.setdefault(key, day.isoformat())

    def save(self) -> None:
        content: dict[str, object] = {
            "version": STATE_VERSION,
            "articles": dict(sorted(self.articles.items())),
            "paragraphs": dict(sorted(self.paragraphs.items())),
        }
        if self.published:
            content["published"] = dict(sorted(self.published.items()))
        payload = json.dumps(content, ensure_ascii=False, indent=0).encode("utf-8")
        try:
            write_atomic(self.path, payload)
        except OSError as exc:
            # Not a traceback: the brief is on disk, only the record of it is not.
            raise BriefingError(
                f"cannot save the --new-only state to {self.path}: {exc.strerror or exc}; "
                "the brief was written, the state file is unchanged (the next run may repeat these articles)"
            ) from exc
