"""Property-based fuzzing of the stages that meet untrusted text.

Targets: ingestion (parse_article on random bytes, HTML and Markdown with
front matter), sentence splitting (split_text invariants), the gist (never
raises, always a string) and rendering (render_html of a Brief built from
random strings: well-formed and autoescaped).

Two profiles (read from HYPOTHESIS_PROFILE; they apply to this file only):

* ``fuzz-ci`` (default): modest example counts, the whole file in well under 60 s;
* ``long``: 100,000 examples per test, for a run outside CI, one target at a time:

      HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz.py -k ingest_random_bytes -p no:cacheprovider

Atheris harnesses for the same targets live in ``fuzz/`` (see fuzz/README.md).
Every input that ever crashed or hung a stage is kept under
``tests/fuzz_regressions/<target>/`` and replayed by the tests at the bottom.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import ingest, render, translate
from briefing.errors import IngestError
from briefing.models import (
    Article,
    Brief,
    Note,
    Point,
    Sentence,
    Skipped,
    ThemeSection,
    ThemeSpec,
    Translation,
)
from briefing.segment import split_text

REGRESSIONS = Path(__file__).parent / "fuzz_regressions"

settings.register_profile(
    "fuzz-ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "long",
    max_examples=100_000,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci"))


def fuzz(scale: float = 1.0) -> settings:
    """This file's profile; ``scale`` shrinks CI counts for the slower targets (never the long run)."""
    if PROFILE.max_examples >= 10_000:
        return settings(PROFILE)
    return settings(PROFILE, max_examples=max(10, int(PROFILE.max_examples * scale)))


@contextmanager
def time_limit(seconds: int, what: str):
    """Fail instead of hanging: a stage that loops on an input is a finding too."""

    def expired(*_):
        raise AssertionError(f"{what} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------
# Ingestion
# --------------------------------------------------------------------------

NAMES = ("a.txt", "a.md", "a.html", "a", "a.xml")


def check_parse(data: bytes, name: str) -> Article | None:
    """parse_article either returns a usable article or raises IngestError with a one-line reason."""
    with time_limit(20, f"parse_article({name})"):
        try:
            article = ingest.parse_article(data, name)
        except IngestError as error:
            assert error.reason and "\n" not in error.reason
            assert error.path == name
            return None
    assert isinstance(article, Article)
    assert article.title and article.paragraphs
    assert all(isinstance(p, str) and p.strip() for p in article.paragraphs)
    assert all(isinstance(p, str) for p in article.problems)
    return article


@fuzz()
@given(st.binary(max_size=4000), st.sampled_from(NAMES))
def test_ingest_random_bytes(data, name):
    check_parse(data, name)


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_TEXT = st.text(
    st.one_of(_HAN, st.sampled_from(list("，。！？；：、“”《》（）,.;:?!()<>&\"' \n\t\u3000\u200b\ufeff")),
              st.characters(codec="utf-8")),
    max_size=60,
)  # fmt: skip
_TAGS = st.sampled_from(
    ["p", "div", "h1", "h2", "a", "b", "strong", "span", "script", "style", "img", "br", "li", "ul", "table",
     "td", "small", "figcaption", "iframe", "svg", "meta", "title", "head", "body", "html", "blockquote", "pre"]
)  # fmt: skip
_ATTRS = st.sampled_from(
    ["", ' href="http://127.0.0.1:9/x"', ' src="file:///etc/passwd"', ' property="og:title" content="题"',
     ' name="author" content="作者"', ' datetime="2024-05-06"', ' style="background:url(http://x/y)"',
     ' onload="alert(1)"', ' class="x"']
)  # fmt: skip


@st.composite
def html_documents(draw) -> str:
    parts: list[str] = []
    open_tags: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        action = draw(st.integers(0, 3))
        if action == 0:
            tag = draw(_TAGS)
            parts.append(f"<{tag}{draw(_ATTRS)}>")
            open_tags.append(tag)
        elif action == 1 and open_tags and draw(st.booleans()):
            parts.append(f"</{open_tags.pop()}>")
        elif action == 2:
            parts.append(draw(st.sampled_from(["<!--", "-->", "<!--1709386743000-->", "&amp;", "&#0;", "&#x1F600;",
                                               "<!doctype html>", "</", "<", ">", "&nbsp;"])))  # fmt: skip
        else:
            parts.append(draw(_TEXT))
    return "".join(parts)


@fuzz()
@given(html_documents(), st.sampled_from(["a.html", "a.txt", "a.md"]))
def test_ingest_random_html(document, name):
    check_parse(document.encode("utf-8", "surrogatepass"), name)


_YAML_VALUES = st.one_of(
    _TEXT.map(lambda s: s.replace("\n", " ")),
    st.sampled_from(["2024-05-06", "2024/../../x", "1709386743", "[a, b]", "{a: 1}", "'", '"', "|", ">",
                     "!!python/object:os.system", "&a [*a]", "null", "true", "1e400", "2024-13-45", "- x"]),
)  # fmt: skip
_KEYS = st.sampled_from(["title", "date", "author", "url", "outlet", "来源", "标题", "source", "tags", ":", "- x", ""])


@st.composite
def markdown_documents(draw) -> str:
    front = "".join(f"{draw(_KEYS)}: {draw(_YAML_VALUES)}\n" for _ in range(draw(st.integers(0, 6))))
    opening = draw(st.sampled_from(["---\n", "--- \n", "---\r\n", "", " ---\n"]))
    closing = draw(st.sampled_from(["---\n", "...\n", "", "--\n"]))
    body_parts = st.one_of(
        _TEXT,
        st.sampled_from(["# ", "## ", "> ", "- ", "1. ", "```\n", "```python\n", "**", "*", "`", "![](http://127.0.0.1:9/x)",
                         "[链接](http://example.com)", "<img src='file:///etc/passwd'>", "<script>alert(1)</script>",
                         "\n\n", "\n", "------\n", "|a|b|\n|-|-|\n", "[^1]", "<div>", "</div>"]),
    )  # fmt: skip
    body = "".join(draw(st.lists(body_parts, max_size=40)))
    return opening + front + closing + body


@fuzz()
@given(markdown_documents(), st.sampled_from(["a.md", "a.txt", "a"]))
def test_ingest_markdown_with_front_matter(document, name):
    check_parse(document.encode("utf-8", "surrogatepass"), name)


@fuzz(0.5)
@given(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"]), _TEXT)
def test_ingest_any_encoding(encoding, text):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, "replace")
    check_parse(data, "a.txt")


# --------------------------------------------------------------------------
# Sentence splitting
# --------------------------------------------------------------------------

_SPLIT_TEXT = st.text(
    st.one_of(_HAN, st.sampled_from(list("。！？；…｡?!;.，,；\n\r\u2028\u2029 \u3000“”」』）》)]\"《》0123456789abcAB")),
              st.characters()),
    max_size=400,
)  # fmt: skip


@fuzz(2)
@given(_SPLIT_TEXT, st.integers(min_value=1, max_value=200))
def test_split_text_invariants(text, max_chars):
    with time_limit(10, "split_text"):
        spans = split_text(text, max_chars=max_chars)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        # No line break survives inside a sentence.
        assert not any(ch in piece for ch in "\n\r\u2028\u2029")
        previous_end = end
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())
    # Deterministic.
    assert split_text(text, max_chars=max_chars) == spans


# --------------------------------------------------------------------------
# The gist
# --------------------------------------------------------------------------

_GIST_TEXT = st.text(
    st.one_of(_HAN, st.sampled_from(list("年月日万亿美元人民币0123456789.,%，。“”《》 abcXYZ-'’·—…")), st.characters()),
    max_size=120,
)  # fmt: skip


@fuzz()
@given(_GIST_TEXT)
def test_gist_never_raises(text):
    with time_limit(20, "gist"):
        out = translate.gist(text)
        title = translate.gist_title(text)
        terms = translate.glossary_terms([text])
    assert isinstance(out, str) and isinstance(title, str)
    assert out == out.strip()
    assert all(isinstance(zh, str) and isinstance(en, str) for zh, en in terms)


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

_ANY = st.lists(
    st.one_of(st.characters(), st.sampled_from(["<script>", "</p>", "<", ">", "&", '"', "'", "{{", "{%", "\n"])),
    max_size=30,
).map("".join)
_URLS = st.one_of(st.none(), _ANY, st.sampled_from(["javascript:alert(1)", "http://a.b/<script>", 'https://x/"onload="a',
                                                     "file:///etc/passwd", "data:text/html,<script>"]))  # fmt: skip


class _Checker(html.parser.HTMLParser):
    """Records every element; fails on a <script> or an event-handler attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag not in ("script", "iframe", "object", "embed"), tag
        for name, value in attrs:
            assert not name.startswith("on"), name
            if name in ("href", "src") and value and not value.startswith("#"):
                self.links.append(value)


@st.composite
def briefs(draw) -> Brief:
    n_sources = draw(st.integers(1, 3))
    articles = [
        Article(
            path=draw(_ANY) or f"p{i}",
            title=draw(_ANY) or "t",
            title_derived=draw(st.booleans()),
            date=draw(st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))),
            date_text=draw(st.one_of(st.none(), _ANY)),
            outlet=draw(st.one_of(st.none(), _ANY)),
            author=draw(st.one_of(st.none(), _ANY)),
            url=draw(_URLS),
            paragraphs=[draw(_ANY) or "x"],
        )
        for i in range(n_sources)
    ]
    # Paths must be distinct: they key the citations.
    for i, article in enumerate(articles):
        article.path = f"{i}/{article.path}"
    sources = [a.source for a in articles]
    points = []
    for _ in range(draw(st.integers(1, 4))):
        cited = draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique_by=lambda s: s.path))
        text = draw(_ANY) or "x"
        occurrences = [Sentence(text, text, source, 0, 0, 0, len(text)) for source in cited]
        points.append(
            Point(
                sentence=occurrences[0],
                score=draw(st.floats(0, 1)),
                occurrences=occurrences,
                theme="t",
                keywords=draw(st.lists(_ANY, max_size=2)),
                english=Translation(draw(_ANY), draw(st.sampled_from(["gist", "reviewed", "none", "openai:<b>"]))),
            )
        )
    theme = ThemeSpec("t", draw(_ANY) or "主题", draw(_ANY) or "Theme")
    section = ThemeSection(theme, points, salience=1.0, overview_zh=draw(_ANY), overview_en=draw(_ANY))
    return Brief(
        title_zh=draw(_ANY),
        title_en=draw(_ANY),
        today=dt.date(2024, 6, 1),
        articles=articles,
        skipped=[Skipped(draw(_ANY), draw(_ANY))],
        sections=[section],
        executive=points[:2],
        sources=sources,
        glossary=[(draw(_ANY), draw(_ANY))],
        translator=draw(st.sampled_from(["gist", "none", "argos"])),
        notes=[Note(draw(_ANY), draw(_ANY))],
    )


@fuzz(0.5)
@given(briefs())
def test_render_html_is_well_formed_and_escaped(brief):
    with time_limit(20, "render_html"):
        page = render.render_html(brief)
        markdown = render.render_markdown(brief)
        data = render.brief_data(brief)
    assert page.lstrip().lower().startswith("<!doctype html")
    body = page.split("</style>", 1)[-1]
    # Nothing from the content becomes a script, an event handler or a tag.
    assert "<script" not in body.lower()
    checker = _Checker()
    checker.feed(page)
    checker.close()
    # Only http(s) URLs become links; javascript:, file: and data: never do.
    assert all(link.split(":", 1)[0].lower() in ("http", "https") for link in checker.links), checker.links
    assert isinstance(markdown, str)
    # Markdown escapes "<" with a backslash; an unescaped one would be raw HTML.
    assert not re.search(r"(?<!\\)<script", markdown, re.IGNORECASE)
    assert data["coverage"]["points"] == len(brief.points)


# --------------------------------------------------------------------------
# Regressions: every input that once crashed or stalled a stage
# --------------------------------------------------------------------------


def _regressions(target: str) -> list[Path]:
    folder = REGRESSIONS / target
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _regressions("ingest"), ids=lambda p: p.name)
def test_ingest_regressions(path):
    # Each file in every reader: a slow input fails the alarm inside check_parse.
    for name in NAMES:
        with time_limit(15, f"{path.name} as {name}"):
            check_parse(path.read_bytes(), name)


@pytest.mark.parametrize("path", _regressions("segment"), ids=lambda p: p.name)
def test_segment_regressions(path):
    text = path.read_text(encoding="utf-8", errors="surrogatepass")
    with time_limit(15, path.name):
        test_split_text_invariants.hypothesis.inner_test(text, 140)


@pytest.mark.parametrize("path", _regressions("gist"), ids=lambda p: p.name)
def test_gist_regressions(path):
    text = path.read_text(encoding="utf-8", errors="surrogatepass")
    with time_limit(15, path.name):
        assert isinstance(translate.gist(text), str)


def test_regression_corpus_is_present():
    # The regression folders ship with the tests; an empty one means they were lost.
    assert _regressions("ingest")
