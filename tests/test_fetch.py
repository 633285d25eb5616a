"""Fetch: a real HTTP server on loopback serves hand-written feeds and pages.

Every fetch runs under a watchdog (:func:`bounded`), so a hang fails the test
instead of the suite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import http.server
import re
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from briefing import fetch as fetch_module
from briefing.errors import BriefingError
from briefing.fetch import FetchError, FetchReport, FetchSettings, fetch

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fetch"
TEST_SETTINGS = FetchSettings(timeout=1.0, max_bytes=300_000)
NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}|nodate)-[0-9a-f]{12}\.md$")
CHROME = ("首页", "广告", "热门推荐", "版权所有", "关于我们", "登录注册", "不应出现的脚本文字", "相关阅读", "ICP")

# Entries a feed should not make us follow or save twice.
ODD_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>奇怪的订阅源</title>
<item><title>脚本链接</title><link>javascript:alert(1)</link><description>不应保存。</description></item>
<item><title>本地文件</title><link>file:///etc/passwd</link><description>不应保存。</description></item>
<item><title>第一次</title><link>{{BASE}}/articles/compute.html#top</link></item>
<item><title>重复的链接</title><link>{{BASE}}/articles/compute.html</link></item>
<item><title>没有正文也没有页面</title><link>{{BASE}}/articles/none.html</link></item>
</channel></rss>
"""


# --- the server -----------------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()
    feed_types = {
        "/rss.xml": "text/xml; charset=utf-8",  # not a feed type: found by sniffing
        "/atom.xml": "application/atom+xml",
        "/bomb.xml": "application/rss+xml",
        "/bomb_inline.xml": "application/rss+xml",
        "/xxe.xml": "application/rss+xml",
        "/xxe_param.xml": "application/rss+xml",
        "/netscape.xml": "application/rss+xml",
    }

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:  # noqa: C901 - one route table
        path = unquote(urlsplit(self.path).path)
        Handler.hits[path] += 1
        base = f"http://{self.headers['Host']}"
        if path in self.feed_types:
            body = (FIXTURES / path.lstrip("/")).read_text(encoding="utf-8").replace("{{BASE}}", base)
            return self.send(200, body.encode("utf-8"), self.feed_types[path])
        if path == "/文章/第一篇 报道.html":
            return self.send(200, (FIXTURES / "articles" / "standalone.html").read_bytes(), "text/html; charset=utf-8")
        if path.startswith("/articles/"):
            page = FIXTURES / "articles" / Path(path).name
            if page.is_file():
                return self.send(200, page.read_bytes(), "text/html; charset=utf-8")
            return self.send(404, b"<html><body>not found</body></html>", "text/html")
        if path == "/slow":
            time.sleep(3)  # beyond TEST_SETTINGS.timeout
            return self.send(200, b"<html>late</html>", "text/html")
        if path == "/drip":
            # Each byte comes within the socket timeout, the whole far past it.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                if not self.write(b"<p>\xe6\x85\xa2</p>"):
                    return
                time.sleep(0.1)
            return
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")  # no Content-Length
            self.end_headers()
            chunk = b"<p>" + "大".encode() * 20_000 + b"</p>"
            for _ in range(2 * TEST_SETTINGS.max_bytes // len(chunk) + 2):  # bounded: twice the cap
                if not self.write(chunk):
                    return
            return
        if path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.write(b"<html>")
            return
        if path == "/to-file":
            return self.redirect("file:///etc/passwd")
        if path == "/to-ftp":
            return self.redirect("ftp://127.0.0.1/pub/x.html")
        if path == "/loop":
            return self.redirect("/loop")
        match = re.fullmatch(r"/hops/(\d+)", path)
        if match:
            left = int(match.group(1))
            return self.redirect(f"/hops/{left - 1}" if left else "/articles/standalone.html")
        if path == "/odd.xml":
            return self.send(200, ODD_FEED.replace("{{BASE}}", base).encode("utf-8"), "application/rss+xml")
        if path == "/image.png":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        return self.send(404, b"not found", "text/plain")

    def send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Loopback requests must not go through a proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    Handler.hits.clear()


def bounded(seconds: float, function, *args, **kwargs):
    """Run ``function`` in a thread; fail the test if it takes longer than ``seconds``."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"fetch did not finish within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    outcome["elapsed"] = time.monotonic() - started
    return outcome["value"]


def run(urls: list[str], into: Path, seconds: float = 30, **overrides) -> FetchReport:
    settings = dataclasses.replace(TEST_SETTINGS, **overrides)
    return bounded(seconds, fetch, urls, into, settings=settings)


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n\n(.*)\Z", text, re.DOTALL)
    assert match, text[:200]
    return yaml.safe_load(match.group(1)), match.group(2)


def saved_by_url(report: FetchReport) -> dict[str, Path]:
    return {front_matter(path)[0]["url"]: path for path in report.saved}


# --- feeds ---------------------------------------------------------------------------------


def test_rss_feed_saves_each_item_with_front_matter(server, tmp_path):
    report = run([f"{server}/rss.xml"], tmp_path)
    assert report.failed == []
    files = saved_by_url(report)
    assert set(files) == {f"{server}/articles/chips.html", f"{server}/articles/governance.html", f"{server}/articles/gone.html"}

    meta, body = front_matter(files[f"{server}/articles/chips.html"])
    assert meta["title"] == '美方"小院高墙"：芯片出口管制再加码'  # quotes and a colon survive YAML
    # The publisher's local date (Beijing time), not the UTC date (21 May).
    assert meta["date"] == dt.date(2024, 5, 22)
    assert meta["author"] == "李明"
    assert meta["outlet"] == "示例科技观察"
    assert list(meta)[:5] == ["title", "date", "author", "outlet", "url"]
    assert "note" not in meta


def test_extraction_keeps_the_article_body_and_drops_the_chrome(server, tmp_path):
    report = run([f"{server}/rss.xml"], tmp_path)
    for page in ("chips", "governance"):
        _, body = front_matter(saved_by_url(report)[f"{server}/articles/{page}.html"])
        for word in CHROME:
            assert word not in body, (page, word)
    _, chips = front_matter(saved_by_url(report)[f"{server}/articles/chips.html"])
    assert "美国商务部近日提出新一轮先进计算芯片出口管制措施" in chips
    assert "可能促使国内形成更加完整的算力产业链" in chips
    assert len(chips.split("\n\n")) >= 4  # paragraphs stay paragraphs
    _, governance = front_matter(saved_by_url(report)[f"{server}/articles/governance.html"])
    assert "双方同意在联合国框架下加强人工智能治理方面的交流与合作" in governance


def test_item_whose_page_fails_falls_back_to_the_feed_summary(server, tmp_path):
    report = run([f"{server}/rss.xml"], tmp_path)
    url = f"{server}/articles/gone.html"
    meta, body = front_matter(saved_by_url(report)[url])
    assert body.split("\n\n")[0] == "据测试社报道，有关方面正在讨论针对大模型权重的出口许可证制度。"
    assert "影响开源模型的跨境合作" in body
    assert meta["title"] == "大模型出口许可证制度的讨论"
    assert meta["date"] == dt.date(2024, 5, 6)
    assert "404" in meta["note"]
    assert [(u, "404" in why) for u, why in report.fallbacks] == [(url, True)]


def test_atom_feed_with_relative_links(server, tmp_path):
    report = run([f"{server}/atom.xml"], tmp_path)
    assert report.failed == []
    ((url, path),) = saved_by_url(report).items()
    assert url == f"{server}/articles/compute.html"  # resolved against the feed's URL
    meta, body = front_matter(path)
    assert meta == {
        "title": "算力合作与数据跨境：一周观察",
        "date": dt.date(2024, 6, 1),
        "author": "赵雷",
        "outlet": "测试智库周报",
        "url": url,
    }
    assert "上海临港新片区发布的一般数据清单" in body
    assert "隐私政策" not in body and "研究报告" not in body


def test_file_names_are_url_hashes_never_titles(server, tmp_path):
    report = run([f"{server}/rss.xml", f"{server}/atom.xml"], tmp_path)
    assert len(report.saved) == 4
    for path in report.saved:
        meta, _ = front_matter(path)
        assert path.parent == tmp_path
        assert NAME.match(path.name), path.name
        digest = hashlib.sha1(meta["url"].encode()).hexdigest()[:12]
        assert path.name == f"{meta['date'].isoformat()}-{digest}.md"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([p.name for p in report.saved] + [".fetched.tsv"])
    index = (tmp_path / ".fetched.tsv").read_text(encoding="utf-8").splitlines()
    assert index == sorted(f"{front_matter(p)[0]['url']}\t{p.name}" for p in report.saved)


def test_second_run_skips_what_is_there_without_fetching_pages(server, tmp_path):
    first = run([f"{server}/rss.xml", f"{server}/articles/standalone.html"], tmp_path)
    assert len(first.saved) == 4
    contents = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    Handler.hits.clear()
    second = run([f"{server}/rss.xml", f"{server}/articles/standalone.html"], tmp_path)
    assert second.saved == [] and second.failed == []
    assert sorted(second.skipped_existing) == sorted(saved_by_url(first))
    assert Handler.hits == Counter({"/rss.xml": 1})  # only the feed itself is downloaded again
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == contents


def test_same_feed_content_gives_the_same_files(server, tmp_path):
    run([f"{server}/rss.xml", f"{server}/atom.xml"], tmp_path / "a")
    run([f"{server}/atom.xml", f"{server}/rss.xml"], tmp_path / "b")
    files_a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    files_b = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert files_a == files_b


def test_max_items_limits_each_feed(server, tmp_path):
    report = run([f"{server}/rss.xml"], tmp_path, max_items=1)
    assert [front_matter(p)[0]["url"] for p in report.saved] == [f"{server}/articles/chips.html"]
    assert Handler.hits["/articles/governance.html"] == 0


def test_odd_entries_are_refused_or_deduplicated(server, tmp_path):
    report = run([f"{server}/odd.xml"], tmp_path)
    assert [front_matter(p)[0]["url"] for p in report.saved] == [f"{server}/articles/compute.html"]  # no #fragment
    assert report.skipped_existing == [f"{server}/articles/compute.html"]
    reasons = [why for _, why in report.failed]
    assert sum("without an http(s) link" in why for why in reasons) == 2
    assert any("HTTP 404" in why and "no summary to fall back on" in why for why in reasons)
    assert Handler.hits["/articles/compute.html"] == 1


# --- article pages ----------------------------------------------------------------------


def test_article_page_url(server, tmp_path):
    report = run([f"{server}/articles/standalone.html"], tmp_path)
    ((url, path),) = saved_by_url(report).items()
    meta, body = front_matter(path)
    assert meta["title"] == "单独网页：人工智能安全研究合作"
    assert meta["date"] == dt.date(2024, 4, 15)
    assert meta["outlet"] == "示例科技观察"
    assert path.name.startswith("2024-04-15-")
    assert "美国商务部近日提出新一轮先进计算芯片出口管制措施" in body
    assert not any(word in body for word in CHROME)


def test_chinese_urls_are_percent_encoded_but_kept_as_written(server, tmp_path):
    url = f"{server}/文章/第一篇 报道.html"
    report = run([url], tmp_path)
    assert report.failed == []
    assert [front_matter(p)[0]["url"] for p in report.saved] == [f"{server}/文章/第一篇%20报道.html"]


def test_redirects_are_followed_up_to_the_limit(server, tmp_path):
    report = run([f"{server}/hops/4", f"{server}/hops/5", f"{server}/loop"], tmp_path)
    assert [front_matter(p)[0]["url"] for p in report.saved] == [f"{server}/hops/4"]  # the URL asked for
    assert [(url, "too many redirects" in why) for url, why in report.failed] == [
        (f"{server}/hops/5", True),
        (f"{server}/loop", True),
    ]


# --- failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow", "timed out"),
        ("/drip", "timed out"),
        ("/huge", "too large"),
        ("/huge-declared", "too large"),
        ("/nothing-here", "HTTP 404"),
        ("/to-file", "refused redirect to a non-http(s) URL: file:///etc/passwd"),
        ("/to-ftp", "refused redirect"),
        ("/image.png", "not an HTML page or a feed"),
    ],
)
def test_failures_are_recorded_and_the_rest_goes_on(server, tmp_path, path, reason):
    good = f"{server}/articles/standalone.html"
    started = time.monotonic()
    report = run([f"{server}{path}", good], tmp_path, seconds=15)
    assert time.monotonic() - started < 8
    assert len(report.failed) == 1
    url, why = report.failed[0]
    assert url == f"{server}{path}"
    assert reason in why
    assert [front_matter(p)[0]["url"] for p in report.saved] == [good]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/html,<p>hi</p>", "/etc/passwd", "http:///nohost"]
)
def test_non_http_urls_are_refused_without_io(tmp_path, url):
    report = run([url], tmp_path, seconds=5)
    assert report.saved == []
    ((failed_url, why),) = report.failed
    assert failed_url == url
    assert "refused" in why or "no host" in why
    assert list(tmp_path.iterdir()) == []


def test_connection_refused(tmp_path):
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = run([f"http://127.0.0.1:{port}/feed.xml"], tmp_path, seconds=10)
    ((_, why),) = report.failed
    assert "connection refused" in why or "network error" in why


@pytest.mark.parametrize("feed", ["/bomb.xml", "/bomb_inline.xml", "/xxe.xml", "/xxe_param.xml"])
def test_entity_feeds_are_refused_quickly(server, tmp_path, feed):
    started = time.monotonic()
    report = run([f"{server}{feed}"], tmp_path, seconds=10)
    assert time.monotonic() - started < 5
    assert report.saved == []
    ((url, why),) = report.failed
    assert url == f"{server}{feed}"
    assert "refused feed" in why
    assert Handler.hits["/articles/chips.html"] == 0  # no item was followed
    assert Handler.hits["/evil.dtd"] == 0  # the external parameter entity was not loaded


def test_external_dtd_of_an_old_feed_is_not_loaded(server, tmp_path):
    report = run([f"{server}/netscape.xml"], tmp_path)
    assert report.failed == []
    assert [front_matter(p)[0]["outlet"] for p in report.saved] == ["老式订阅源"]
    assert Handler.hits["/rss-0.91.dtd"] == 0


def test_feedparser_alone_expands_no_entities():
    """Defence in depth: even without the defusedxml check, feedparser neither
    expands the bomb nor reads the external entity."""
    import feedparser

    for name in ("bomb.xml", "bomb_inline.xml", "xxe.xml", "xxe_param.xml"):
        data = (FIXTURES / name).read_bytes()
        parsed = bounded(10, feedparser.parse, __import__("io").BytesIO(data))
        text = repr(parsed)
        assert len(text) < 100_000, name
        assert "root:" not in text, name


def test_into_must_be_a_folder(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(FetchError) as info:
        fetch(["http://127.0.0.1:9/"], target)
    assert isinstance(info.value, BriefingError)
    assert "not a directory" in info.value.reason


# --- the Markdown written ---------------------------------------------------------------------


def test_markdown_survives_awkward_titles_and_paragraphs():
    item = fetch_module.Item(
        url="https://example.com/a?b=1&c=2",
        title='标题: "引号" 与 \'单引号\'\n第二行 --- #号',
        date=None,
        author=None,
        outlet="测试: 网",
        paragraphs=["# 不是标题", "1. 不是列表", "- 也不是", "[链接](http://x) 与 <b>标签</b> 和 *星号* 与 &amp;", "---"],
    )
    text = fetch_module.render_markdown(item)
    meta = yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n"))
    assert meta["title"] == item.title and meta["outlet"] == "测试: 网" and meta["date"] is None
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text.split("\n---\n", 1)[1])
    assert {t.type for t in tokens} <= {"paragraph_open", "paragraph_close", "inline"}
    inline = [t.content for t in tokens if t.type == "inline"]
    rendered = ["".join(c.content for c in t.children if c.type == "text") for t in tokens if t.type == "inline"]
    assert len(inline) == len(item.paragraphs)
    assert rendered == item.paragraphs


def test_fetched_files_are_read_back_by_ingestion(server, tmp_path):
    ingest = pytest.importorskip("briefing.ingest")
    report = run([f"{server}/rss.xml", f"{server}/atom.xml"], tmp_path)
    for path in report.saved:
        meta, _ = front_matter(path)
        article = ingest.read_article(path)
        assert article.url == meta["url"]
        assert article.date == meta["date"]
        assert article.outlet == meta["outlet"]
        assert article.paragraphs
        assert not any(word in "".join(article.paragraphs) for word in CHROME)
    chips = ingest.read_article(saved_by_url(report)[f"{server}/articles/chips.html"])
    assert "芯片出口管制再加码" in chips.title and "小院高墙" in chips.title
    assert chips.author == "李明"
    assert chips.paragraphs[0].startswith("据本站测试记者报道")
