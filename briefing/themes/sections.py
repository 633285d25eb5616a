"""Section selection: which filed points each theme section shows, and in which order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from briefing.models import Point, ThemeSection, ThemeSpec
from briefing.presentation import overview
from briefing.standalone import standing
from briefing.themes.settings import ThemeSettings
from briefing.themes.taxonomy import DEFAULT_OTHER, OTHER


def source_order_key(point: Point) -> tuple:
    """Article date (undated last), then source path, then position in the article."""
    source = point.sentence.source
    return (source.date is None, source.date or dt.date.min, source.path, point.sentence.position)


def rank_key(point: Point) -> tuple:
    """Best first: rank score (lowered for a point that opens mid-thought, see
    :func:`briefing.standalone.standing`), then source order, then text (a total
    order, so selection is deterministic)."""
    return (-standing(point), source_order_key(point), point.sentence.norm)


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace() and c not in _PUNCTUATION]
    return {a + b for a, b in zip(chars, chars[1:])} or set(chars)


_PUNCTUATION = set("，。！？、；：“”‘’（）《》【】—…·,.!?;:'\"()[]<>-")


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def select_sections(
    points: list[Point],
    taxonomy: Sequence[ThemeSpec],
    settings: ThemeSettings = ThemeSettings(),
    *,
    top: int | None = None,
    per_theme: int | None = None,
) -> list[ThemeSection]:
    """The brief's theme sections.

    Within a theme the best points by rank score (``Point.score``, lowered for
    a point that opens mid-thought: :func:`briefing.standalone.standing`) win, up to
    ``per_theme`` (None: all), skipping near-duplicates of an already chosen point;
    then the best ``top`` (None: all) of all chosen points are kept.  Sections list
    their points in source order and are ordered by salience (sum of their
    points' scores), with "other" always last and shown only for points whose
    score reaches ``other_min_score``.  Rank scores are normalised so that each
    article's best sentence scores 1.0, so the bar is absolute: it must not
    drop when --new-only has removed the strong points.  Empty themes are left out.
    """
    specs = {theme.id: theme for theme in taxonomy}
    if OTHER not in specs:
        specs[OTHER] = DEFAULT_OTHER
    order = {theme_id: index for index, theme_id in enumerate(specs)}

    by_theme: dict[str, list[Point]] = defaultdict(list)
    for point in points:
        theme = point.theme if point.theme in specs else OTHER
        if theme == OTHER and point.score < settings.other_min_score:
            continue
        by_theme[theme].append(point)

    chosen: list[tuple[str, Point]] = []
    for theme in sorted(by_theme, key=order.__getitem__):
        kept: list[tuple[Point, set[str]]] = []
        for point in sorted(by_theme[theme], key=rank_key):
            if per_theme is not None and len(kept) >= per_theme:
                break
            grams = _bigrams(point.sentence.norm)
            if any(_jaccard(grams, other) >= settings.near_duplicate for _, other in kept):
                continue
            kept.append((point, grams))
        chosen += [(theme, point) for point, _ in kept]

    chosen.sort(key=lambda pair: rank_key(pair[1]))
    if top is not None:
        chosen = chosen[: max(top, 0)]

    sections: list[ThemeSection] = []
    grouped: dict[str, list[Point]] = defaultdict(list)
    for theme, point in chosen:
        grouped[theme].append(point)
    for theme, members in grouped.items():
        members.sort(key=source_order_key)
        zh, en = overview(members)
        sections.append(
            ThemeSection(
                theme=specs[theme],
                points=members,
                salience=round(sum(p.score for p in members), 6),
                overview_zh=zh,
                overview_en=en,
            )
        )
    sections.sort(key=lambda s: (s.theme.id == OTHER, -s.salience, order[s.theme.id]))
    return sections
