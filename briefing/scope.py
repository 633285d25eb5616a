"""Scope: is an article (or a digest's story) about the brief's subject?

Feeds carry more than the subject: a vulnerability advisory, a gadget review,
a how-to, the other nine stories of a morning digest.  Several name China, the
US, AI or DeepSeek, so a keyword mention is not enough.  An article is on
topic when

* its sentences read as the taxonomy's policy themes: the theme model's mean
  probability of those themes over the lead (``min_policy_share``), and
* it is about the two sides: at least one US and one Chinese actor, or one
  side named often (``one_side_mentions``) in text that is policy through and
  through (``one_side_policy_share``).

The thresholds and actor lists are data (``briefing/data/scope.toml``);
precision and recall on the real corpus are printed by
``benchmarks/real_corpus.py``.  Off-topic articles are read and listed in the
brief's coverage note, never made points.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from briefing import themes
from briefing.models import Article, Sentence


@dataclass(frozen=True, slots=True)
class ScopeRules:
    policy_themes: frozenset[str]
    min_policy_share: float
    one_side_mentions: int
    one_side_policy_share: float
    max_sentences: int
    us: re.Pattern[str]
    cn: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Verdict:
    on_topic: bool
    policy_share: float
    us_mentions: int
    cn_mentions: int

    @property
    def note(self) -> str:
        if self.on_topic:
            return "on topic"
        if self.policy_share < rules().min_policy_share:
            return f"off topic: little policy content (share {self.policy_share:.2f})"
        return f"off topic: not about US–China (US {self.us_mentions}, China {self.cn_mentions} mentions)"


def _alternation(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


@functools.cache
def rules() -> ScopeRules:
    data = tomllib.loads(resources.files("briefing.data").joinpath("scope.toml").read_text("utf-8"))
    scope = data["scope"]
    return ScopeRules(
        policy_themes=frozenset(scope["policy_themes"]),
        min_policy_share=float(scope["min_policy_share"]),
        one_side_mentions=int(scope["one_side_mentions"]),
        one_side_policy_share=float(scope["one_side_policy_share"]),
        max_sentences=int(scope["max_sentences"]),
        us=_alternation(data["actors"]["us"]),
        cn=_alternation(data["actors"]["cn"]),
    )


@functools.cache
def _theme_model():
    """The shipped taxonomy and model, read once per process (parsing the taxonomy costs 11 ms)."""
    return tuple(themes.load_taxonomy()), themes.load_model()


def judge(article: Article, sentences: Sequence[Sentence]) -> Verdict:
    """Whether ``article`` is on the brief's subject, from its analysed sentences."""
    scope = rules()
    taxonomy, model = _theme_model()
    lead = [s.norm for s in sentences[: scope.max_sentences]]
    if not lead:
        return Verdict(False, 0.0, 0, 0)
    if model is not None:
        shares = [sum(p for t, p in themes.probabilities(text, taxonomy, model).items() if t in scope.policy_themes) for text in lead]
    else:  # no trained model: any keyword evidence for a policy theme counts
        shares = [1.0 if set(themes.evidence(text, taxonomy)[0]) & scope.policy_themes else 0.0 for text in lead]
    policy = sum(shares) / len(shares)
    text = " ".join([article.title, *(s.norm for s in sentences)])
    us, cn = len(scope.us.findall(text)), len(scope.cn.findall(text))
    both_sides = us >= 1 and cn >= 1
    one_side = max(us, cn) >= scope.one_side_mentions and policy >= scope.one_side_policy_share
    on_topic = policy >= scope.min_policy_share and (both_sides or one_side)
    return Verdict(on_topic, round(policy, 3), us, cn)


def apply(article: Article, sentences: Sequence[Sentence]) -> Verdict:
    """Judge ``article`` and record the verdict on it."""
    verdict = judge(article, sentences)
    article.on_topic = verdict.on_topic
    article.scope_note = verdict.note
    return verdict


def check(article: Article) -> Verdict:
    """Split ``article`` and judge it (for callers that have not split it yet)."""
    from briefing import segment  # noqa: PLC0415 - segment loads jieba

    return apply(article, segment.split_article(article))


__all__ = ["Verdict", "apply", "check", "judge", "rules"]
