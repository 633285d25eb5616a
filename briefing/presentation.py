"""Reader-facing wording, in one place: counts, dates and spans, translation labels, and the templates.

Every stage hands plain data on; what a reader sees is worded here and laid
out by the Jinja2 templates (``templates/``), whatever the output: the brief
(:mod:`briefing.render`), its overview lines (:mod:`briefing.themes`) and the
mail that carries it (:mod:`briefing.deliver`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2

import briefing
from briefing.clean import to_simplified
from briefing.models import Note, Point, Source

# --------------------------------------------------------------------------
# Templates


def templates_dir() -> Path:
    """Inside the package in a wheel install, else the checkout's top-level ``templates/``."""
    packaged = Path(briefing.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(briefing.__file__).resolve().parent.parent / "templates"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def markdown_escape(text: object) -> str:
    """Article text as literal Markdown: no links, emphasis or HTML can sneak in."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@cache
def environment(directory: Path, *, trim_blocks: bool = False) -> jinja2.Environment:
    """The templates' environment: HTML always escaped (the Markdown template escapes with ``|md``).

    The mail bodies (``templates/mail/``) are written with block tags on lines
    of their own and ask for ``trim_blocks``; the brief's templates do not.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_escape
    return env


# --------------------------------------------------------------------------
# Titles

# The brief's title unless [build] sets one; also the mail's when it carries no brief.
DEFAULT_TITLE_ZH = "中美人工智能政策简报"
DEFAULT_TITLE_EN = "US–China AI Policy Brief"


# --------------------------------------------------------------------------
# Counts


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """``1 point``, ``2 points`` (``plural`` when the noun does not just take an s)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def articles_en(count: int) -> str:
    return plural(count, "article")


# --------------------------------------------------------------------------
# Coverage notes: every remark in both languages, counted grammatically


def note_undated_kept(count: int) -> Note:
    """Undated articles kept although --since/--until set a range."""
    return Note(
        f"{count} 篇文章没有完整日期，虽设定了日期范围仍予保留。",
        f"{articles_en(count)} without a full date {'was' if count == 1 else 'were'} kept although a date range was set.",
    )


def note_repeated_files(count: int) -> Note:
    return Note(
        f"{count} 个文件所载文章已读过（另一种编码、繁简字体或转载），各自列在其重复的来源下。",
        f"{plural(count, 'file')} held an article already read (another encoding, script or a repost): "
        f"{'it is' if count == 1 else 'each is'} listed with the source it repeats.",
    )


def note_gist_fallback(cause: str) -> Note:
    return Note(f"部分英文行改用逐词释义：{cause}", f"Some English lines fell back to the word-by-word gist: {cause}")


def note_undated(count: int) -> Note:
    return Note(
        f"{count} 篇文章没有完整日期，列在有日期的文章之后。",
        f"{articles_en(count)} {'carries' if count == 1 else 'carry'} no full date and "
        f"{'is' if count == 1 else 'are'} listed after the dated ones.",
    )


def note_off_topic(count: int, titles: Sequence[str], more: int) -> Note:
    shown = "; ".join(titles)
    return Note(
        f"{count} 篇文章或综述条目与本简报主题无关，未予收录：{shown}{f'；另有 {more} 篇' if more else ''}。",
        f"{plural(count, 'off-topic article or digest story', 'off-topic articles or digest stories')} left out: "
        f"{shown}{f'; and {more} more' if more else ''}.",
    )


def note_uncited(count: int) -> Note:
    return Note(
        f"{count} 篇文章已读，但未为本简报提供要点。",
        f"{articles_en(count)} {'was' if count == 1 else 'were'} read but contributed no point to this brief.",
    )


def note_reworded(count: int) -> Note:
    return Note(
        f"{count} 篇被引文章为机器改写（洗稿，同义词替换）的文字：其要点按常用词还原后排序、归类和释义，"
        "引文照录原文，并在要点旁标注“洗稿改写”。",
        f"{plural(count, 'cited article')} read as machine-reworded (synonym-swapped) copy: "
        f"{'its' if count == 1 else 'their'} points were ranked, filed and glossed with the usual words restored, "
        "are quoted as written, and are marked “machine-reworded wording” beside the point.",
    )


def articles_read_en(articles: int, outlets: int) -> str:
    """The coverage note's first line in English: "5 articles read from 3 named outlets"."""
    return f"{articles_en(articles)} read from {plural(outlets, 'named outlet')}"


# Beside a point quoting machine-reworded wording (its source has no original in the corpus).
REWORDED_MARK_ZH = "洗稿改写"
REWORDED_MARK_EN = "machine-reworded wording"


def corroboration_text(point: Point) -> str:
    """Beside a point several sources carry: named outlets counted as outlets, the rest as articles."""
    sources = point.sources
    outlets = len({to_simplified(s.outlet) for s in sources if s.outlet})
    unnamed = sum(1 for s in sources if not s.outlet)
    zh, en = [], []
    if outlets:
        zh.append(f"{outlets} 家媒体")
        en.append(plural(outlets, "outlet"))
    if unnamed:
        zh.append(f"{unnamed} 篇未注明媒体的文章")
        en.append(f"{plural(unnamed, 'article')} with no outlet named")
    return f"{'及 '.join(zh)} · {' and '.join(en)}"


def outlet_text(source: Source) -> str:
    """A point's outlet on its date line: named, or said to be unknown (never silently left out)."""
    return source.outlet or "媒体不详 outlet unknown"


# --------------------------------------------------------------------------
# Dates


def date_text(source: Source, *, unknown: str = "日期不详 date unknown") -> str:
    """A source's date as the brief prints it: ISO when known in full, else as the article wrote it."""
    if source.date is not None:
        return source.date.isoformat()
    return source.date_text or unknown


def iso_span(first: dt.date, last: dt.date, *, sep: str = " – ", collapse: bool = False) -> str:
    """``2024-05-01 – 2024-05-31``; with ``collapse`` a single day is written once."""
    if collapse and first == last:
        return first.isoformat()
    return f"{first.isoformat()}{sep}{last.isoformat()}"


NO_DATED_ARTICLE = "日期不详 no dated article"


# --------------------------------------------------------------------------
# How the English was made


def mode_label(mode: str) -> str:
    """The visible tag beside an English line: it never pretends to be more than it is."""
    if mode == "gist":
        return "word-by-word gist"
    if mode == "reviewed":
        return "reviewed"
    if mode == "none":
        return "no English"
    return f"machine translation ({mode})"


def english_summary(translator: str) -> str:
    """The cover's one line on the English side."""
    if translator == "gist":
        return "word-by-word dictionary gist (not a translation)"
    if translator == "none":
        return "none (Chinese only)"
    return f"machine translation ({translator})"


def english_summary_zh(translator: str) -> str:
    """The cover's line on the English side, in Chinese."""
    if translator == "gist":
        return "逐词词典释义（并非翻译）"
    if translator == "none":
        return "无（仅中文）"
    return f"机器翻译（{translator}）"


def method_en(translator: str, *, glossary_terms: int) -> str:
    """The method note on the English side, in English."""
    if translator == "gist":
        return (
            "The English lines are a word-by-word gist, not a translation. Each Chinese word or "
            f"phrase is looked up in a curated glossary of {glossary_terms} policy terms "
            "(names, institutions, export-control vocabulary) and otherwise in the CC-CEDICT "
            "dictionary, taking its first plain sense; names neither dictionary knows are "
            "romanised (pinyin), dates and amounts are written in English, and a few word-order "
            "rules are applied (dates, 在…上, 被 passives). Word order, tense, negation scope and "
            "nuance can be wrong. Use the English to see what a point is about; quote the "
            "Chinese, and have it translated before relying on its wording. Article titles in the "
            "source list are glossed the same way."
        )
    if translator == "none":
        return "This brief carries no English rendering of the Chinese text; headings and notes are in English."
    return (
        f"The English lines are machine translation by the “{translator}” backend and have not been "
        "reviewed unless marked “reviewed”. Article titles in the source list are a word-by-word gist."
    )


def method_zh(translator: str) -> str:
    """The method note on the English side, in Chinese."""
    if translator == "gist":
        return "英文行为逐词（短语）词典释义（政策术语表优先，其余取 CC-CEDICT 首个义项，未收录的人名地名按拼音拼写），并非翻译；引用时请以中文原文为准。"
    if translator == "none":
        return "本简报不含正文英文译文。"
    return f"英文行为机器翻译（{translator}），除标注“reviewed”者外未经人工审校。"


# --------------------------------------------------------------------------
# A theme section's overview line

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def overview(points: Sequence[Point]) -> tuple[str, str]:
    """One line in each language: how many points, from how many outlets, over which dates.

    Outlets are counted over every source of every point, the way the cover
    counts them (named outlets, one name in either script once); sources with
    no outlet named are counted apart, never as outlets.  Full dates give a
    range; month-day dates (no year known, never invented) are used only when
    no source has a full date.
    """
    sources: dict[str, Source] = {}
    for point in points:
        for source in point.sources:
            sources.setdefault(source.path, source)
    outlets = len({to_simplified(s.outlet) for s in sources.values() if s.outlet})
    unnamed = sum(1 for s in sources.values() if not s.outlet)
    count = len(points)
    dates_zh, dates_en = _date_span(list(sources.values()))
    if outlets and unnamed:
        whence_zh = f"来自 {outlets} 家媒体及 {unnamed} 篇未注明媒体的文章"
        whence_en = f"from {plural(outlets, 'outlet')} and {plural(unnamed, 'article')} with no outlet named"
    elif outlets:
        whence_zh, whence_en = f"来自 {outlets} 家媒体", f"from {plural(outlets, 'outlet')}"
    else:
        whence_zh = f"来自 {unnamed} 篇未注明媒体的文章"
        whence_en = f"from {plural(unnamed, 'article')} with no outlet named"
    zh = f"{count} 条要点，{whence_zh}，{dates_zh}"
    en = f"{plural(count, 'point', 'points')} {whence_en}, {dates_en}"
    return zh, en


def _date_span(sources: list[Source]) -> tuple[str, str]:
    dated = sorted(s.date for s in sources if s.date is not None)
    undated = len(sources) - len(dated)
    if dated:
        zh, en = _range_zh(dated[0], dated[-1]), _range_en(dated[0], dated[-1])
        if undated:
            zh += f"（另有 {undated} 篇未注明日期）"
            en += f" (plus {plural(undated, 'undated source', 'undated sources')})"
        return zh, en
    month_days = sorted(
        {(int(m.group(1)), int(m.group(2))) for s in sources if s.date_text and (m := _MONTH_DAY.search(s.date_text))}
        | {_iso_month_day(s.date_text) for s in sources if s.date_text and _iso_month_day(s.date_text)}
    )
    month_days = [md for md in month_days if 1 <= md[0] <= 12 and 1 <= md[1] <= 31]
    if month_days:
        (m1, d1), (m2, d2) = month_days[0], month_days[-1]
        if (m1, d1) == (m2, d2):
            zh, en = f"{m1}月{d1}日", f"{d1} {_MONTHS[m1 - 1]}"
        elif m1 == m2:
            zh, en = f"{m1}月{d1}日至{m2}月{d2}日", f"{d1}–{d2} {_MONTHS[m1 - 1]}"
        else:
            zh, en = f"{m1}月{d1}日至{m2}月{d2}日", f"{d1} {_MONTHS[m1 - 1]} – {d2} {_MONTHS[m2 - 1]}"
        return f"{zh}（年份未注明）", f"{en} (year not stated)"
    return "日期不详", "undated"


def _iso_month_day(text: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(?:--)?(\d{1,2})-(\d{1,2})\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _range_zh(first: dt.date, last: dt.date) -> str:
    start = f"{first.year}年{first.month}月{first.day}日"
    if first == last:
        return start
    if first.year == last.year:
        return f"{start}至{last.month}月{last.day}日"
    return f"{start}至{last.year}年{last.month}月{last.day}日"


def _range_en(first: dt.date, last: dt.date) -> str:
    def full(day: dt.date) -> str:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"

    if first == last:
        return full(first)
    if first.year == last.year:
        if first.month == last.month:
            return f"{first.day}–{last.day} {_MONTHS[first.month - 1]} {first.year}"
        return f"{first.day} {_MONTHS[first.month - 1]} – {full(last)}"
    return f"{full(first)} – {full(last)}"


# --------------------------------------------------------------------------
# Why a file was skipped, in Chinese (the English reason is the library's own)
# --------------------------------------------------------------------------

# (start of the English reason, the Chinese said beside it); the first that matches wins.
_SKIP_REASONS_ZH: tuple[tuple[str, str], ...] = (
    ("empty file", "空文件"),
    ("binary", "二进制或非文本内容，不是文章"),
    ("no article text found", "未找到正文（只有标记、署名或模板文字）"),
    ("undecodable", "无法解码（编码未知或已损坏）"),
    ("file too large", "文件过大"),
    ("is a directory", "是文件夹，不是文件"),
    ("not a regular file", "不是普通文件"),
    ("no such file", "文件不存在"),
    ("permission denied", "无权读取"),
    ("symlink loop", "符号链接循环"),
    ("no full date", "没有完整日期（--require-date）"),
    ("feed with", "订阅源中没有带正文的条目"),
    ("refused feed", "已拒绝：订阅源声明了 XML 实体"),
    ("bad feed", "订阅源 XML 有误"),
    ("not a feed", "不是订阅源"),
    ("unexpected error", "读取时出现意外错误"),
)


def skip_reason_zh(reason: str) -> str:
    """The Chinese beside a skipped file's English reason (the coverage list is bilingual)."""
    if reason.startswith("dated ") and "--since" in reason:
        return "日期早于 --since"
    if reason.startswith("dated ") and "--until" in reason:
        return "日期晚于 --until"
    for start, zh in _SKIP_REASONS_ZH:
        if reason.startswith(start):
            return zh
    return "无法读取"
