"""Context: every point of a brief filed with its neighbours and its article as context."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from briefing import encoder as sentence_encoder
from briefing.models import Point, Sentence, ThemeSpec
from briefing.themes.classify import (
    Classification,
    classify,
    encoder_head,
    is_anaphoric,
    model_for,
    reads_vector,
    unsure,
)
from briefing.themes.matching import evidence
from briefing.themes.model import probabilities
from briefing.themes.sections import select_sections
from briefing.themes.settings import ThemeSettings


def article_profiles(
    sentences: Iterable[Sentence],
    taxonomy: Sequence[ThemeSpec],
    settings: ThemeSettings = ThemeSettings(),
) -> dict[str, dict[str, float]]:
    """Each article's theme shares (summing to 1), keyed by source path.

    Every sentence casts one vote, split over the themes by the model's
    probabilities, or (keywords classifier) in proportion to its keyword
    evidence if it has any, so a long sentence counts no more than a short
    one.  Articles without any evidence get an empty profile.
    """
    totals: dict[str, dict[str, float]] = {}
    for sentence in sentences:
        article = totals.setdefault(sentence.source.path, {})
        for theme, share in _distribution(sentence.norm, taxonomy, settings).items():
            article[theme] = article.get(theme, 0.0) + share
    profiles: dict[str, dict[str, float]] = {}
    for path in sorted(totals):
        article = totals[path]
        mass = sum(article.values())
        profiles[path] = {theme: round(article[theme] / mass, 6) for theme in sorted(article)} if mass else {}
    return profiles


def assign(
    points: list[Point],
    taxonomy: Sequence[ThemeSpec],
    *,
    profiles: Mapping[str, Mapping[str, float]] | None = None,
    settings: ThemeSettings = ThemeSettings(),
    top: int | None = None,
    per_theme: int | None = None,
) -> None:
    """Fill ``theme``, ``theme_score``, ``secondary_themes`` and ``keywords`` of every point.

    A merged point is classified by its representative sentence.  Its context
    is local first: the evidence of the points around it in the same article
    (``neighbour_window`` either side, in position order; another paragraph
    counts half, a farther sentence half again), mixed ``neighbour_share`` to
    the rest with the article's profile.  Points come with their article, and
    a sentence is most often about what the sentences beside it are about.

    Every point is filed by the words model first (the context always comes
    from it: cheap, and every sentence has it); then, with a sentence-encoder
    head, the points :func:`select_sections` would show with ``top`` and
    ``per_theme`` (or every point,
    ``encode_every_point``) are filed again with the encoder's probabilities
    multiplied in, those of them the words model alone is less than
    ``encoder_below`` sure of (held out, this halves the vectors and leaves
    the accuracy totals as they were).
    A point further down its theme keeps the words model's
    filing: it is not shown either way, unless the encoder would move it to a
    theme where it would be, which this leaves unseen to keep a build's cost
    at a few dozen vectors whatever the number of articles.
    """
    local = _neighbour_profiles(points, taxonomy, settings)
    contexts: list[dict[str, float] | None] = []
    by_words = replace(settings, sentence_encoder=False)
    for index, point in enumerate(points):
        article = (profiles or {}).get(point.sentence.source.path) or {}
        share = 1.0 if is_anaphoric(point.sentence.norm) else settings.neighbour_share
        contexts.append(_mix(local.get(index, {}), article, share) or None)
        _file(point, classify(point.sentence.norm, taxonomy, profile=contexts[index], settings=by_words))
    model = model_for(taxonomy, settings)
    encoder = sentence_encoder.load() if model is not None and encoder_head(model, settings) else None
    if encoder is None:
        return
    refined: set[int] = set()

    def refile(indices: list[int]) -> None:
        refined.update(indices)
        todo = [
            i
            for i in indices
            if reads_vector(points[i].sentence.norm, contexts[i])
            and unsure(probabilities(points[i].sentence.norm, taxonomy, model), settings)
        ]
        for index, vector in zip(todo, encoder.embed([points[i].sentence.norm for i in todo]), strict=True):
            point = points[index]
            _file(point, classify(point.sentence.norm, taxonomy, profile=contexts[index], settings=settings, vector=vector))

    if settings.encode_every_point:
        refile(list(range(len(points))))
        return
    # Re-filing can move a shown point to another theme and let the next one in: repeat until
    # every point the sections show has been re-filed (each round adds one or more, so it ends).
    index_of = {id(point): index for index, point in enumerate(points)}
    while True:
        shown = [index_of[id(p)] for section in select_sections(points, taxonomy, settings, top=top, per_theme=per_theme) for p in section.points]
        todo = [index for index in shown if index not in refined]
        if not todo:
            return
        refile(todo)


def _file(point: Point, result: Classification) -> None:
    point.theme = result.theme
    point.theme_score = result.score
    point.secondary_themes = list(result.secondary)
    point.keywords = list(result.keywords)


def _distribution(text: str, taxonomy: Sequence[ThemeSpec], settings: ThemeSettings) -> dict[str, float]:
    """A sentence's own vote over themes (summing to 1, or empty): model probabilities or keyword shares."""
    model = model_for(taxonomy, settings)
    if model is not None:
        return probabilities(text, taxonomy, model)
    return _shares(evidence(text, taxonomy)[0])


def _shares(scores: Mapping[str, float]) -> dict[str, float]:
    mass = sum(scores.values())
    return {theme: score / mass for theme, score in scores.items()} if mass > 0 else {}


def _mix(local: Mapping[str, float], article: Mapping[str, float], local_share: float) -> dict[str, float]:
    """``local_share`` of the neighbours' shares plus the rest of the article's (either alone if the other is empty)."""
    if not local:
        return dict(article)
    if not article:
        return dict(local)
    themes = sorted({*local, *article})
    return {t: round(local_share * local.get(t, 0.0) + (1 - local_share) * article.get(t, 0.0), 6) for t in themes}


def _neighbour_profiles(
    points: Sequence[Point], taxonomy: Sequence[ThemeSpec], settings: ThemeSettings
) -> dict[int, dict[str, float]]:
    """For each point (by index): the theme shares of the points around it in its article."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for index, point in enumerate(points):
        by_article[point.sentence.source.path].append(index)
    own = [_distribution(point.sentence.norm, taxonomy, settings) for point in points]
    local: dict[int, dict[str, float]] = {}
    for members in by_article.values():
        members.sort(key=lambda i: (points[i].sentence.position, i))
        for rank, index in enumerate(members):
            here = points[index].sentence
            totals: dict[str, float] = defaultdict(float)
            # A sentence pointing back (这项规则 …) takes its context from the sentences before it only.
            backward = is_anaphoric(here.norm)
            for step in range(1, settings.neighbour_window + 1):
                for other_rank in (rank - step,) if backward else (rank - step, rank + step):
                    if not 0 <= other_rank < len(members):
                        continue
                    other = points[members[other_rank]].sentence
                    weight = 0.5 ** (step - 1) * (1.0 if other.paragraph == here.paragraph else 0.5)
                    for theme, share in own[members[other_rank]].items():
                        totals[theme] += weight * share
            shares = _shares(totals)
            if shares:
                local[index] = {theme: round(shares[theme], 6) for theme in sorted(shares)}
    return local
