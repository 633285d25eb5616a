"""Actors: who acts in the brief (governments and agencies, companies, people), and which points name them.

Names are found three ways, all of them checkable:

* the policy glossary (``data/glossary.tsv``): its sections on governments
  and institutions, people, and companies say what kind of actor a term is;
  terms are matched over jieba tokens, longest first (as the gist matches
  them), so 美国商务部 is one actor, not 美国 + 商务部;
* names the articles spell out in Latin letters after the Chinese
  ("保罗·特里奥罗(Paul Triolo)", "杨立昆(Yann LeCun)"): the person's English
  name is then the article's own, and the surname alone (特里奥罗) is the
  same person;
* a few companies and labs that Chinese text writes in Latin letters
  (OpenAI, Meta, Anthropic…), :data:`LATIN_COMPANIES`.

News agencies and papers the glossary lists (路透社, 纽约时报) report rather
than act and are left out.  Aliases are one actor: 拜登政府 and 拜登当局 both
read "Biden administration", 马斯克 is 埃隆·马斯克.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from briefing.models import Actor, Article, Point
from briefing.tokenize import tokens

# The glossary's section headings ("# --- people") and the kind of actor each holds.
_SECTION_KINDS = {
    "governments, institutions": "government",
    "people": "person",
    "companies, labs, products": "company",
}
# Institutions that are not governments (the glossary files them together).
_ORGANISATION_ENDINGS = ("大学", "委员会", "联合国", "大会", "集团", "组织", "北约", "安排", "斯坦福")
_GOVERNMENT_OVERRIDES = frozenset({"七国集团", "二十国集团", "亚太经合组织", "世界贸易组织", "世贸组织", "北约"})
# The press reports; it does not act.
_PRESS_ENDINGS = ("社", "报", "之音")
# Glossary entries that are products or modifiers, not actors.
_NOT_ACTORS = frozenset({"文心一言", "通义千问", "抖音", "两党", "跨党派"})

LATIN_COMPANIES = ("OpenAI", "Anthropic", "Meta", "DeepSeek", "Hugging Face", "xAI", "Mistral")
_LATIN_COMPANY = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(n) for n in LATIN_COMPANIES) + r")(?![A-Za-z])")

# "保罗·特里奥罗(Paul Triolo)": a transliterated name and the article's Latin spelling of it.
_NAMED_IN_LATIN = re.compile(
    r"(?P<zh>[\u4e00-\u9fff]{1,6}(?:[·•・][\u4e00-\u9fff]{1,6}){1,3}|[\u4e00-\u9fff]{2,4})\s*[（(]\s*"
    r"(?P<en>[A-Z][a-z]+(?:[ .'-]+[A-Z][A-Za-z'-]*){1,3})\s*[)）]"
)
_NAME_DOT = re.compile(r"[·•・]")
_MAX_TOKENS = 4  # a glossary term spans at most this many jieba tokens (as in briefing.translate)

# The table's length: an analyst's glance, not an index.
MAX_ACTORS = 15


@cache
def glossary_actors() -> dict[str, tuple[str, str]]:
    """Glossary terms that name actors: zh → (en, kind)."""
    text = (resources.files("briefing") / "data" / "glossary.tsv").read_text(encoding="utf-8")
    actors: dict[str, tuple[str, str]] = {}
    kind = None
    for line in text.splitlines():
        if line.startswith("#! gist-only"):
            break
        if line.startswith("# ---"):
            kind = _SECTION_KINDS.get(line.removeprefix("# ---").strip())
            continue
        if kind is None or not line.strip() or line.startswith("#"):
            continue
        zh, _, en = (part.strip() for part in line.partition("\t"))
        if zh in _NOT_ACTORS or (kind == "government" and zh.endswith(_PRESS_ENDINGS)):
            continue
        this_kind = kind
        if kind == "government" and zh.endswith(_ORGANISATION_ENDINGS) and zh not in _GOVERNMENT_OVERRIDES:
            this_kind = "organisation"
        actors[zh] = (en, this_kind)
    return actors


def names_in_latin(articles: Iterable[Article]) -> dict[str, str]:
    """Chinese names the articles spell in Latin letters: 保罗·特里奥罗 and 特里奥罗 → "Paul Triolo"."""
    names: dict[str, str] = {}
    for article in articles:
        for paragraph in article.paragraphs:
            for match in _NAMED_IN_LATIN.finditer(paragraph):
                zh = _NAME_DOT.sub("·", match["zh"])
                en = " ".join(match["en"].split())
                names.setdefault(zh, en)
                if "·" in zh:
                    names.setdefault(zh.rsplit("·", 1)[1], en)
    return names


def _mentions(text: str, glossary: dict[str, tuple[str, str]], latin_names: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """zh → (en, en_from, kind) for every actor the text names."""
    found: dict[str, tuple[str, str, str]] = {}
    text = _NAME_DOT.sub("·", text)
    parts = tokens(text)
    i = 0
    while i < len(parts):
        for j in range(min(len(parts), i + _MAX_TOKENS), i, -1):
            candidate = "".join(parts[i:j])
            if candidate in glossary:
                en, kind = glossary[candidate]
                found.setdefault(candidate, (en, "glossary", kind))
                i = j
                break
        else:
            i += 1
    for zh, en in latin_names.items():
        if zh in text and not any(zh in other for other in found if other != zh):
            found.setdefault(zh, (en, "article", "person"))
    for match in _LATIN_COMPANY.finditer(text):
        found.setdefault(match.group(), (match.group(), "article", "company"))
    return found


def _canonical(zh: str, known: dict[str, tuple[str, str, str]]) -> str:
    """The one name an actor goes by: the fullest spelling of a person, one name per English name."""
    for other in sorted(known):
        if other != zh and "·" in other and other.rsplit("·", 1)[1] == zh:
            return other
    same = [other for other, (en, _, _) in known.items() if en == known[zh][0]]
    return min(same, key=lambda name: (-len(name), name))


def find_actors(points: Iterable[Point], articles: Iterable[Article] = (), *, limit: int = MAX_ACTORS) -> list[Actor]:
    """The actors the points name, most points first (then by kind and name), at most ``limit``."""
    points = list(points)
    glossary = glossary_actors()
    latin_names = names_in_latin(articles)
    per_point = [(point, _mentions(point.sentence.text, glossary, latin_names)) for point in points]
    known: dict[str, tuple[str, str, str]] = {}
    for _, mentions in per_point:
        for zh, value in mentions.items():
            known.setdefault(zh, value)
    # Glossary names with a Latin spelling in the article take the fuller one (马斯克 → Elon Musk).
    for zh, en in latin_names.items():
        if zh in glossary and zh in known:
            known[zh] = (en, "article", known[zh][2])
    naming: dict[str, list[Point]] = {}
    for point, mentions in per_point:
        for zh in sorted({_canonical(zh, known) for zh in mentions}):
            naming.setdefault(zh, []).append(point)
    actors = [
        Actor(zh=zh, en=known[zh][0], en_from=known[zh][1], kind=known[zh][2], points=tuple(named))
        for zh, named in naming.items()
    ]
    kinds = {"government": 0, "organisation": 1, "company": 2, "person": 3}
    actors.sort(key=lambda a: (-len(a.points), kinds.get(a.kind, 9), a.en.lower(), a.zh))
    return actors[:limit]


__all__ = ["LATIN_COMPANIES", "MAX_ACTORS", "find_actors", "glossary_actors", "names_in_latin"]
