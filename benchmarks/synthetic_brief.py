"""A synthetic brief (Chinese text written for the tests): what the renderer is tested and measured on.

``tests/test_render.py`` compares its HTML with a golden file; ``benchmarks/render.py`` times it.
"""

from __future__ import annotations

import datetime as dt

from briefing import presentation
from briefing.core import source_title_gists
from briefing.models import (
    Article,
    Brief,
    Point,
    Sentence,
    Skipped,
    ThemeSection,
    ThemeSpec,
    Translation,
)
from briefing.translate import get_translator, glossary_terms

TODAY = dt.date(2024, 5, 23)

ARTICLES = [
    Article(
        path="news/a-commerce.md",
        title="美国商务部拟扩大芯片出口管制",
        date=dt.date(2024, 5, 8),
        date_text="2024-05-08",
        outlet="示例财经",
        author="李明",
        url="https://example.com/news/chips?id=1&lang=zh",
        paragraphs=[
            "美国商务部周三表示，将把更多中国企业列入实体清单。",
            "新规则限制英伟达向中国出口先进芯片。",
        ],
    ),
    Article(
        path="news/b-ministry.html",
        title="外交部回应美方出口管制 <script>alert(1)</script>",
        date=dt.date(2024, 5, 10),
        date_text="2024-05-10",
        outlet="示例日报",
        author=None,
        url="https://example.org/a/2024/05/10/ministry",
        paragraphs=[
            "外交部发言人表示，中方坚决反对美方滥用出口管制措施。",
            "美国商务部周三表示，将把更多中国企业列入实体清单。",
        ],
    ),
    Article(
        path="news/c-dialogue.txt",
        title="中美人工智能政府间对话首次会议举行",
        date=None,
        date_text="5月14日",
        outlet=None,
        author="王芳",
        url="javascript:alert(1)",
        paragraphs=[
            "中美双方在日内瓦举行人工智能政府间对话首次会议。",
            "双方就人工智能安全与治理交换了意见。",
        ],
    ),
    Article(
        path="news/d-models.md",
        title="大模型开源之争",
        date=dt.date(2024, 5, 20),
        date_text="2024-05-20",
        outlet="科技观察",
        author="陈静",
        url="https://example.net/models",
        paragraphs=["拜登政府计划对先进大模型设置出口管制，台积电的订单可能受到影响。"],
    ),
]
SOURCES = [a.source for a in ARTICLES]


def _sentence(article: int, paragraph: int, position: int | None = None) -> Sentence:
    text = ARTICLES[article].paragraphs[paragraph]
    return Sentence(
        text=text,
        norm=text,
        source=SOURCES[article],
        paragraph=paragraph,
        position=paragraph if position is None else position,
        start=0,
        end=len(text),
    )


THEMES = {
    "controls": ThemeSpec("controls", "出口管制", "Export controls"),
    "diplomacy": ThemeSpec("diplomacy", "外交与对话", "Diplomacy and dialogue"),
    "models": ThemeSpec("models", "大模型", "Large models"),
}


def synthetic_brief(*, translator: str = "gist") -> Brief:
    corroborated = _sentence(0, 0)
    points = {
        "entity": Point(
            sentence=corroborated,
            score=0.91,
            occurrences=[corroborated, _sentence(1, 1)],
            theme="controls",
            theme_score=0.8,
            keywords=["实体清单", "出口管制"],
        ),
        "nvidia": Point(sentence=_sentence(0, 1), score=0.72, theme="controls", theme_score=0.7),
        "ministry": Point(sentence=_sentence(1, 0), score=0.80, theme="diplomacy", theme_score=0.6),
        "dialogue": Point(sentence=_sentence(2, 0), score=0.66, theme="diplomacy", theme_score=0.9),
        "safety": Point(sentence=_sentence(2, 1), score=0.40, theme="diplomacy", theme_score=0.5),
        "models": Point(sentence=_sentence(3, 0), score=0.75, theme="models", theme_score=0.7,
                        secondary_themes=["controls"]),
    }
    ordered = list(points.values())
    english = get_translator(translator).translate([p.sentence.text for p in ordered])
    for point, translation in zip(ordered, english, strict=True):
        point.english = translation
    # One human-reviewed line, to show the label.
    if translator == "gist":
        points["ministry"].english = Translation(
            "A Foreign Ministry spokesperson said China firmly opposes the US abusing export controls.",
            "reviewed",
        )
    sections = [
        ThemeSection(THEMES["controls"], [points["entity"], points["nvidia"]], salience=2.1,
                     overview_zh="美方继续收紧对华芯片出口。", overview_en="Washington keeps tightening chip exports to China."),
        ThemeSection(THEMES["diplomacy"], [points["ministry"], points["dialogue"], points["safety"]], salience=1.7,
                     overview_zh="外交回应与首次政府间对话。", overview_en="Diplomatic responses and a first intergovernmental dialogue."),
        ThemeSection(THEMES["models"], [points["models"]], salience=0.9,
                     overview_zh="大模型可能被纳入管制。", overview_en="Large models may come under export controls."),
    ]
    return Brief(
        title_zh="中美人工智能政策简报",
        title_en="US–China AI Policy Brief",
        today=TODAY,
        articles=ARTICLES,
        skipped=[
            Skipped("news/empty.txt", "no text after cleaning"),
            Skipped("news/garbled.html", "undecodable bytes (tried utf-8, gb18030)"),
        ],
        sections=sections,
        executive=[points["entity"], points["ministry"], points["models"]],
        sources=SOURCES,
        glossary=glossary_terms([p.sentence.text for p in ordered]),
        translator=translator,
        notes=[presentation.note_undated(1)],
        source_titles_en=source_title_gists(SOURCES) if translator != "none" else {},
    )
