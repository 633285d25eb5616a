"""Ingest: seeds pinned exactly, hand-written fixtures per kind, every bad input."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import signal
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import clean, ingest
from briefing.errors import IngestError
from briefing.models import Article, Skipped

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def seed(number: int) -> Article:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return ingest.read_article(path)


def parse(data: bytes | str, name: str = "article.txt", **kwargs) -> Article:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return ingest.parse_article(data, name, **kwargs)


def body(article: Article) -> str:
    return "\n".join(article.paragraphs)


@pytest.fixture
def alarm():
    """Fail instead of hanging forever (FIFOs, symlink loops)."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("timed out: ingest blocked or looped"))
    signal.alarm(10)
    yield
    signal.alarm(0)


# --- the seeds --------------------------------------------------------------------

SEED_METADATA = {
    0: dict(title="中美AI的五月剧变", title_derived=False, date=dt.date(2024, 5, 22), date_text="2024-05-22",
            outlet=None, author="ByteAILab", url=None, kind="markdown"),
    1: dict(title="中美AI的破冰时刻", title_derived=False, date=dt.date(2024, 5, 6), date_text="2024-05-06",
            outlet="虎嗅APP", author="王欣", url="https://mp.weixin.qq.com/s/jA8_L_KUuUbI_IdxvSjIpg", kind="markdown"),
    # The title is display-normalised like the body: the ASCII colon between
    # Chinese words becomes full-width.
    2: dict(title="美国AI出口管制：中国如何应对", title_derived=False, date=None, date_text=None,
            outlet="甲子光年", author="田思奇", url=None, kind="text"),
    3: dict(title="美国再爆重磅AI产品，中国越来越追不上了？", title_derived=False, date=dt.date(2024, 3, 2),
            date_text="Sat, 02 Mar 2024 13:00:00 GMT", outlet="美国之音 VOA", author=None,
            url="https://www.voachinese.com/a/7510427.html", kind="html"),
    4: dict(title="美国在与中国的人工智能比赛中正愈发执着于“取得胜利”", title_derived=True, date=None,
            date_text="1月16日", outlet=None, author=None, url=None, kind="text"),
}  # fmt: skip


@pytest.mark.parametrize("number", sorted(SEED_METADATA))
def test_seed_metadata(number):
    article = seed(number)
    expected = SEED_METADATA[number]
    assert {key: getattr(article, key) for key in expected} == expected
    assert article.encoding == "utf-8"
    assert article.path.endswith(".txt")


LEAKS = ["感谢阅读", "GPTNB", "发表回复", "<", "](", "```", "作者 |", "作者｜", "文 |", "编辑 |", "图片来源",
         "纵深视角</small>", "(小小)", "（小小）", "------", "**", "> ", "文章来源", "ByteAILab", "youtube",
         "YouTube", "weserv", ".mp3", "\u200b"]  # fmt: skip


@pytest.mark.parametrize("number", sorted(SEED_METADATA))
def test_seed_bodies_carry_no_furniture(number):
    article = seed(number)
    text = body(article)
    for leak in LEAKS:
        assert leak not in text, leak
    assert article.paragraphs and all(p == p.strip() and p for p in article.paragraphs)
    assert article.title not in article.paragraphs


def test_seed_000_keeps_the_prose_inside_the_code_fence_and_drops_rules():
    article = seed(0)
    assert article.paragraphs[0] == "中国正在努力弥合AI世界的割裂。"
    assert article.paragraphs[-1].startswith("Meta的AI教父Yann LeCun")
    assert "---" not in body(article)


def test_seed_001_headings_are_not_article_text():
    # A sub-heading is structure, never a point of the brief.
    article = seed(1)
    assert "马斯克做AI，没中国不行" not in article.paragraphs
    assert "但近来中美在AI领域的坚冰正在逐渐消融。" in article.paragraphs
    assert "..." not in article.paragraphs
    assert article.paragraphs[0] == "台积电创始人张忠谋说过：“全球化已死。”"


def test_seed_002_punctuation_normalised_for_display():
    article = seed(2)
    assert article.paragraphs[0].startswith("由于法律和政策制定的滞后性，监管措施")
    assert "no date found" in article.problems


def test_seed_003_captions_media_and_date_line_stay_out():
    article = seed(3)
    text = body(article)
    assert "专访杜奕瑾：人工智能浪潮来袭" not in text
    assert "Sat, 02 Mar 2024" not in text
    assert article.paragraphs[0].startswith("美国人工智能实验室OpenAI 2月16日发布")
    # Sub-headings (one of two <strong>s that join) are structure, not text.
    assert "美中人工智能发展方向不同" not in article.paragraphs
    assert "中国开发AI模型依赖美国的底层系统" not in article.paragraphs
    assert "（01. AI）" in text and "《纵深视角》" in text


def test_seed_004_blob_is_split_into_paragraphs():
    article = seed(4)
    assert len(article.paragraphs) > 20
    assert article.paragraphs[0].startswith("1月16日消息，美国在与中国的人工智能比赛中")
    assert article.paragraphs[1].startswith("本周，拜登当局")
    assert article.paragraphs[-1].endswith("繁荣、稳固的将来。")
    assert "title derived from opening" in article.problems
    assert "date has no year: 1月16日" in article.problems


def test_seed_004_year_from_reference_date():
    (path,) = SEEDS.glob("004_*.txt")
    article = ingest.read_article(path, reference_date=dt.date(2025, 3, 1))
    assert (article.date, article.date_text) == (dt.date(2025, 1, 16), "1月16日")
    article = ingest.read_article(path, reference_date=dt.date(2025, 1, 10))
    assert article.date == dt.date(2024, 1, 16)


def test_read_sources_on_the_seed_folder_is_deterministic():
    first = [a.path for a in ingest.read_sources([SEEDS])]
    assert first == sorted(first) and len(first) == 5
    assert first == [a.path for a in ingest.read_sources([str(SEEDS)])]


# --- hand-written fixtures ---------------------------------------------------------------


def test_markdown_with_other_front_matter_keys():
    article = ingest.read_article(FIXTURES / "front_matter_keys.md")
    assert article.kind == "markdown"
    assert article.title == "芯片规则的新一轮调整"
    assert (article.date, article.date_text) == (dt.date(2024, 3, 5), "2024年3月5日")
    assert article.author == "林小雨"
    assert article.url == "https://www.thepaper.cn/newsDetail_forward_0000001"
    assert article.outlet == "澎湃新闻"  # from the URL's domain
    assert article.paragraphs[0] == "美国商务部周二公布了新的芯片出口规则，覆盖范围比去年更广。"
    assert "监管的逻辑" not in article.paragraphs  # a heading
    assert "第一，云服务被纳入审查；" in article.paragraphs
    assert "更多背景可参见此前报道。" in article.paragraphs
    text = body(article)
    for leak in ("print(", "配图", "推荐阅读", "另一篇文章", "](", "#", "!["):
        assert leak not in text, leak


def test_html_page_with_head_scripts_and_nested_divs():
    article = ingest.read_article(FIXTURES / "page.html")
    assert article.kind == "html"
    assert article.title == "算力合作的窗口"
    assert article.date == dt.date(2024, 6, 1)
    assert article.author == "赵云帆"
    assert article.outlet == "示例新闻网"
    assert article.url == "https://news.example.org/2024/06/01/compute.html"
    assert article.paragraphs == [
        "多家研究机构本周发布报告，呼吁在算力领域建立有限的合作机制。",
        "报告指出，合作应当限于安全评估与标准制定。",
        "这样既能降低风险，也能保持竞争。",
        "第一，建立联合测试平台。",
        "第二，共享安全事故信息。",
    ]


def test_html_fragment_with_epoch_comment_only():
    html = "<!--1709386743000-->\n<p>美国发布了新的人工智能规则，引发各方关注。</p><p>分析人士认为影响有限。</p>"
    article = parse(html, "frag.html")
    assert article.date == dt.date(2024, 3, 2)
    assert article.title_derived


def test_markdown_link_title_and_setext_rule_in_any_fragment():
    html = "[标题在这里](https://cn.nytimes.com/world/1/)\n------\n\n<p>正文第一段。</p><style>p{}</style>"
    article = parse(html)
    assert (article.title, article.url, article.outlet) == ("标题在这里", "https://cn.nytimes.com/world/1/", "纽约时报中文网")
    assert article.paragraphs == ["正文第一段。"]


@pytest.mark.parametrize(
    ("first_line", "date_text", "date"),
    [
        ("新华社北京5月8日电 美国国会周三通过法案。", "5月8日", None),
        ("北京时间3月2日消息，OpenAI发布了新模型。", "3月2日", None),
        ("1月16日晚间消息，多家公司回应新规。", "1月16日", None),
        ("2024年5月8日讯 美国国会周三通过法案。", "2024年5月8日", dt.date(2024, 5, 8)),
    ],
)
def test_datelines(first_line, date_text, date):
    article = parse(first_line + "\n第二段的内容。")
    assert (article.date_text, article.date) == (date_text, date)


def test_an_event_date_is_not_a_dateline():
    article = parse("5月16日，中国和俄罗斯发表了联合声明。\n第二段。")
    assert (article.date, article.date_text) == (None, None)
    assert "no date found" in article.problems


def test_year_inference_takes_the_latest_date_not_after_the_reference():
    text = "2月29日消息，某公司发布新芯片。\n第二段。"
    assert parse(text, reference_date=dt.date(2025, 3, 1)).date == dt.date(2024, 2, 29)
    assert parse(text).date is None
    same_day = parse("3月2日电 新闻。\n第二段。", reference_date=dt.date(2024, 3, 2))
    assert same_day.date == dt.date(2024, 3, 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-05-22", dt.date(2024, 5, 22)), ("'2024年5月22日'", dt.date(2024, 5, 22)),
     ("'Wed, 22 May 2024 08:00:00 +0800'", dt.date(2024, 5, 22)), ("2024-05-22T23:30:00Z", dt.date(2024, 5, 22)),
     ("1716336000000", dt.date(2024, 5, 22))],
)  # fmt: skip
def test_front_matter_date_forms(value, expected):
    article = parse(f"---\ntitle: 标题\ndate: {value}\n---\n正文。\n")
    assert article.date == expected


def test_gbk_encoded_file(tmp_path):
    text = "美国出台人工智能新规\n\n文 | 某科技媒体\n\n美国商务部发布了新的出口管制规则，限制先进芯片流向中国。\n"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    article = ingest.read_article(path)
    assert article.encoding == "gb18030"
    assert article.title == "美国出台人工智能新规"
    assert article.outlet == "某科技媒体"
    assert article.paragraphs == ["美国商务部发布了新的出口管制规则，限制先进芯片流向中国。"]


def test_short_gbk_text_is_not_mistaken_for_korean():
    article = parse("人工智能\n中美对话。".encode("gbk"))
    assert article.encoding == "gb18030"
    assert article.title == "人工智能"


def test_big5_traditional_text_keeps_its_script(tmp_path):
    text = "人工智慧監管的新挑戰\n\n臺灣學者認為，美國與中國在人工智慧領域的競爭將持續升溫。\n"
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    article = ingest.read_article(path)
    assert article.encoding == "big5"
    assert article.title == "人工智慧監管的新挑戰"
    assert article.paragraphs == ["臺灣學者認為，美國與中國在人工智慧領域的競爭將持續升溫。"]
    assert clean.normalize_for_analysis(article.paragraphs[0]) == "台湾学者认为,美国与中国在人工智能领域的竞争将持续升温。"


def test_utf8_with_bom_and_utf16():
    text = "标题一行\n正文，第一段。\n"
    article = parse(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (article.encoding, article.title) == ("utf-8-sig", "标题一行")
    article = parse(text.encode("utf-16"))
    assert (article.encoding, article.title) == ("utf-16", "标题一行")
    front = parse(b"\xef\xbb\xbf" + "---\ntitle: BOM\n---\n正文。\n".encode())
    assert (front.kind, front.title) == ("markdown", "BOM")


def test_broken_front_matter_is_a_soft_problem():
    article = parse("---\ntitle: [unclosed\ndate: 2024-05-22\n---\n正文第一段。\n")
    assert any(p.startswith("broken front matter") for p in article.problems)
    assert article.paragraphs == ["正文第一段。"]


def test_byline_variants_and_footers():
    text = (
        "欧盟的AI法案正式生效\n文/科技前沿观察\n作者：李雷 编辑：韩梅梅\n\n"
        "欧盟人工智能法案于本月正式生效。\n点击关注我们，获取更多资讯\n本文版权归原作者所有，未经授权不得转载。\n"
        "相关阅读\n另一篇无关文章的标题\n"
    )
    article = parse(text)
    assert (article.title, article.outlet, article.author) == ("欧盟的AI法案正式生效", "科技前沿观察", "李雷")
    assert article.paragraphs == ["欧盟人工智能法案于本月正式生效。"]


def test_outlet_table_matches_subdomains_and_skips_platforms():
    from briefing.formats.meta import outlet_for_url

    assert outlet_for_url("https://www.voachinese.com/a/1.html") == "美国之音 VOA"
    assert outlet_for_url("https://m.voachinese.com/a/1.html") == "美国之音 VOA"
    assert outlet_for_url("https://www.bbc.com/zhongwen/simp/world-1") == "BBC中文"
    assert outlet_for_url("https://www.bbc.com/news/world-1") == "BBC"
    assert outlet_for_url("https://mp.weixin.qq.com/s/abc") is None
    assert outlet_for_url("https://notvoachinese.com/") is None
    assert outlet_for_url("not a url") is None


def test_derived_title_is_trimmed():
    long_opening = "据多位知情人士透露" + "美国政府正在考虑进一步收紧对中国人工智能企业的技术出口限制措施" * 3 + "。"
    article = parse(long_opening + "\n第二段。")
    assert article.title_derived and len(article.title) <= 40
    assert ingest.derive_title("据悉，美国商务部周二宣布了新规，引发关注。") == "据悉，美国商务部周二宣布了新规，引发关注"


# --- files and folders -------------------------------------------------------------------


def test_iter_source_files_walks_sorts_filters_and_dedups(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/2.md", "b/1.txt", "a.html", "c", ".hidden.txt", ".git/x.txt", "image.png", "notes.pdf"):
        (tmp_path / name).write_text("x")
    found = list(ingest.iter_source_files([tmp_path, tmp_path / "a.html", tmp_path / "notes.pdf"]))
    names = [p.relative_to(tmp_path).as_posix() for p in found]
    assert names == ["a.html", "b/1.txt", "b/2.md", "c", "notes.pdf"]
    assert [p.name for p in ingest.iter_source_files([str(tmp_path / "b" / "*.md")])] == ["2.md"]


def test_missing_paths_and_empty_globs_are_reported(tmp_path):
    items = list(ingest.read_sources([tmp_path / "nope.txt", str(tmp_path / "*.none")]))
    assert [type(i) for i in items] == [Skipped, Skipped]
    assert items[0].reason == "no such file or directory"


def test_read_sources_streams_and_goes_on_after_bad_files(tmp_path):
    (tmp_path / "1-empty.txt").write_bytes(b"")
    (tmp_path / "2-good.txt").write_text("标题\n正文。\n", encoding="utf-8")
    stream = ingest.read_sources([tmp_path])
    assert inspect.isgenerator(stream)
    items = list(stream)
    assert isinstance(items[0], Skipped) and items[0].reason == "empty file"
    assert isinstance(items[1], Article) and items[1].title == "标题"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\r\n \xe3\x80\x80 ", "empty file (whitespace only)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file (a PNG image), not an article"),
        (b"abc\x00def\x00" * 10, "binary file (contains NUL bytes), not an article"),
        (b"---\n---\n", "no article text found (only markup, credits or boilerplate)"),
        ("感谢阅读！\n发表回复\n".encode(), "no article text found (only markup, credits or boilerplate)"),
        (b"<script>alert(1)</script><style>p{}</style>", "no article text found (only markup, credits or boilerplate)"),
    ],
)
def test_bad_bytes_raise_ingest_error(data, reason):
    with pytest.raises(IngestError) as info:
        parse(data, "bad.txt")
    assert info.value.reason == reason
    assert info.value.path == "bad.txt"


def test_undecodable_bytes():
    with pytest.raises(IngestError, match="undecodable|binary"):
        parse(bytes([0x81, 0x30, 0xFF, 0xFE, 0xC0, 0x80]) * 200)


def test_mostly_control_characters_is_binary():
    with pytest.raises(IngestError, match="binary"):
        parse(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 50)


def test_oversized_file_is_checked_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("标题\n" + "正文。" * 100, encoding="utf-8")
    monkeypatch.setattr(ingest, "parse_article", lambda *a, **k: pytest.fail("read an oversized file"))
    with pytest.raises(IngestError, match="too large"):
        ingest.read_article(path, max_bytes=100)
    (item,) = ingest.read_sources([path], max_bytes=100)
    assert isinstance(item, Skipped) and "too large" in item.reason


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("标题\n正文。\n", encoding="utf-8")
    path.chmod(0)
    try:
        (item,) = ingest.read_sources([path])
    finally:
        path.chmod(0o644)
    assert item == Skipped(str(path), "permission denied")


def test_permission_error_is_reported_even_as_root(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("标题\n正文。\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ingest.os, "open", refuse)
    (item,) = ingest.read_sources([path])
    assert item == Skipped(str(path), "permission denied")


def test_fifo_is_skipped_without_opening(tmp_path, alarm):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (item,) = ingest.read_sources([fifo])
    assert item == Skipped(str(fifo), "not a regular file (a FIFO)")
    (item,) = ingest.read_sources([tmp_path])  # found by walking, too
    assert item.reason == "not a regular file (a FIFO)"


def test_socket_and_device_are_skipped(tmp_path, alarm):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        (item,) = ingest.read_sources([path])
        assert item.reason == "not a regular file (a socket)"
    finally:
        server.close()
    (item,) = ingest.read_sources(["/dev/null"])
    assert item.reason == "not a regular file (a device)"
    (item,) = ingest.read_sources([tmp_path])
    assert item.reason == "not a regular file (a socket)"


def test_symlink_loops_end(tmp_path, alarm):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "x.txt").write_text("标题\n正文。\n", encoding="utf-8")
    (folder / "loop").symlink_to(folder)
    (tmp_path / "l1.txt").symlink_to(tmp_path / "l2.txt")
    (tmp_path / "l2.txt").symlink_to(tmp_path / "l1.txt")
    items = list(ingest.read_sources([tmp_path]))
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Skipped"]
    assert items[1].reason.startswith("symlink loop")


# --- robustness --------------------------------------------------------------------------


def _parses_or_raises_ingest_error(data: bytes, name: str) -> None:
    try:
        article = ingest.parse_article(data, name)
    except IngestError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    assert isinstance(article, Article)
    assert article.title and article.paragraphs
    assert all(p and clean.has_text(p) for p in article.paragraphs)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.md", "a.html", "a"]))
def test_random_bytes_never_crash(data, name):
    _parses_or_raises_ingest_error(data, name)


_PIECES = st.sampled_from(
    ["---\n", "title: x\n", "date: 2024-13-45\n", "<p>", "</p>", "<div>", "<script>", "</script>", "<style>",
     "<!--", "-->", "<!--1709386743000-->", "<img src=x>", "<small>", "<br>", "```", "\n", "\n\n", "> ", "# ",
     "**", "[t](http://a.b/c)", "------\n", "文 | ", "作者：", "发表回复", "感谢阅读", "1月16日消息,", "。 ",
     "中美人工智能", "AI", ",", "(", ")", "：", "\ufeff", "\u200b", "\x0c", "&amp;", "&#0;", "<iframe>", "]", "[",
     "<h1>", "</h1>", "<meta property='og:url' content='http://'>", "Sat, 02 Mar 2024 13:00:00 GMT", "    "]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=60), st.sampled_from(["a.txt", "a.md", "a.html"]))
def test_random_markup_never_crashes(pieces, name):
    _parses_or_raises_ingest_error("".join(pieces).encode("utf-8", "surrogatepass"), name)


def test_deeply_nested_markup_does_not_recurse():
    _parses_or_raises_ingest_error(("<div>" * 50_000 + "正文。" + "</div>" * 50_000).encode(), "deep.html")
    _parses_or_raises_ingest_error((">" * 5_000 + " 正文。").encode(), "deep.md")
    _parses_or_raises_ingest_error(("---\ntitle: " + "[" * 5_000 + "\n---\n正文。").encode(), "deep.md")


def test_huge_metadata_is_cut_with_a_problem_line():
    # A 1 MB front-matter title once took a minute and 320 pages to lay out.
    data = ("---\ntitle: " + "长" * 1_000_000 + "\n---\n美国发布了新的出口管制规则。\n").encode()
    article = ingest.parse_article(data, "big.md")
    assert len(article.title) <= ingest.METADATA_LIMITS["title"]
    assert any(p.startswith("title cut to") for p in article.problems)
    assert article.paragraphs == ["美国发布了新的出口管制规则。"]
