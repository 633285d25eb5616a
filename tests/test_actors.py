"""Actors: glossary kinds, names the articles spell in Latin letters, aliases, counts and links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from briefing import actors, core, render
from briefing.models import Article, Point, Sentence, Source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SOURCE = Source(path="a.txt", title="t", date=dt.date(2024, 5, 22))


def _point(text: str, position: int = 0) -> Point:
    sentence = Sentence(text=text, norm=text, source=SOURCE, paragraph=0, position=position, start=0, end=len(text))
    return Point(sentence=sentence, score=1.0, occurrences=[sentence])


def test_glossary_sections_give_the_kind() -> None:
    table = actors.glossary_actors()
    assert table["美国商务部"] == ("US Department of Commerce", "government")
    assert table["英伟达"] == ("Nvidia", "company")
    assert table["布林肯"] == ("Blinken", "person")
    assert table["联合国"][1] == "organisation"
    assert table["杜克大学"][1] == "organisation"
    # The press reports, products and modifiers do not act; policy words are no actors.
    for not_an_actor in ("路透社", "纽约时报", "美国之音", "文心一言", "跨党派", "出口管制", "台湾"):
        assert not_an_actor not in table


def test_longest_name_wins_and_counts_points() -> None:
    points = [
        _point("美国商务部宣布对英伟达芯片实施新的出口管制。", 0),
        _point("英伟达表示将遵守规定。", 1),
        _point("商务部长雷蒙多访华。", 2),
    ]
    found = {a.zh: a for a in actors.find_actors(points)}
    assert "美国商务部" in found and "商务部" not in found
    assert [p is points[0] for p in found["英伟达"].points] == [True, False]
    assert found["英伟达"].points == (points[0], points[1])
    assert found["雷蒙多"].en == "Raimondo"
    # Most points first.
    assert actors.find_actors(points)[0].zh == "英伟达"


def test_names_the_article_spells_in_latin_letters() -> None:
    article = Article(
        path="a.txt", title="t",
        paragraphs=["保罗·特里奥罗(Paul Triolo)是合伙人。杨立昆（Yann LeCun）表示。埃隆•马斯克(Elon Musk)访华。"],
    )  # fmt: skip
    names = actors.names_in_latin([article])
    assert names["保罗·特里奥罗"] == names["特里奥罗"] == "Paul Triolo"
    assert names["杨立昆"] == "Yann LeCun"
    points = [_point("特里奥罗认为规则含糊。", 0), _point("马斯克访问了北京。", 1), _point("埃隆•马斯克表示。", 2)]
    found = {a.zh: a for a in actors.find_actors(points, [article])}
    assert (found["特里奥罗"].en, found["特里奥罗"].en_from, found["特里奥罗"].kind) == ("Paul Triolo", "article", "person")
    # 马斯克 and 埃隆·马斯克 are one person, under the fuller name.
    assert "马斯克" not in found
    assert found["埃隆·马斯克"].en == "Elon Musk" and len(found["埃隆·马斯克"].points) == 2


def test_aliases_with_one_english_name_are_one_actor() -> None:
    found = actors.find_actors([_point("拜登政府出台新规。", 0), _point("拜登当局表示。", 1)])
    biden = [a for a in found if a.en == "Biden administration"]
    assert len(biden) == 1 and len(biden[0].points) == 2


def test_latin_company_names() -> None:
    found = {a.zh: a for a in actors.find_actors([_point("OpenAI与Anthropic等公司呼吁击败中国，Metaverse不算。")])}
    assert found["OpenAI"].kind == "company" and "Anthropic" in found
    assert "Meta" not in found


def test_limit_and_determinism() -> None:
    points = [_point(f"{name}表示。", i) for i, name in enumerate(("英伟达", "谷歌", "微软", "苹果", "百度"))]
    assert len(actors.find_actors(points, limit=3)) == 3
    first = [(a.zh, a.en, len(a.points)) for a in actors.find_actors(points)]
    assert first == [(a.zh, a.en, len(a.points)) for a in actors.find_actors(list(points))]
    assert [zh for zh, _, _ in first] == ["苹果", "百度", "谷歌", "微软", "英伟达"]  # ties by English name


def test_seeds_brief_actors_name_their_points_and_link_to_them() -> None:
    brief = core.build_brief([SEEDS], today=dt.date(2024, 6, 1))
    assert brief.actors
    html = render.render_html(brief)
    data = render.brief_data(brief)
    for actor, row in zip(brief.actors, data["actors"], strict=True):
        surname = actor.zh.rsplit("·", 1)[-1]
        for point in actor.points:
            assert surname in point.sentence.text.replace("•", "·") or actor.en in point.sentence.text
        for label in row["points"]:
            assert f'href="#p-{label.replace(".", "-")}"' in html
    assert "Actors" in html
