"""Fetch: a real HTTP server on loopback serves hand-written feeds and pages.

Every fetch runs under a watchdog (:func:`bounded`), so a hang fails the test
instead of the suite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import http.server
import ipaddress
import re
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest
from conftest import bounded
import yaml

from briefing import fetch as fetch_module
from briefing.errors import BriefingError
from briefing.fetch import FetchError, FetchReport, FetchSettings, fetch

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fetch"
# The test servers are on loopback, which fetch refuses unless allowed.
TEST_SETTINGS = FetchSettings(timeout=1.0, max_bytes=300_000, allow_hosts=["127.0.0.1"])
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

# A feed from an allowed host whose item points at a host that is not allowed.
LEAKY_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>泄露测试</title>
<item><title>内部页面</title><link>{{SECRET}}/admin</link><description>订阅源自己的摘要。</description></item>
</channel></rss>
"""
SECRET_TEXT = "ADMIN-SECRET 内部密码 hunter2"


# --- the server -----------------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()
    secret = "http://127.0.0.2:9"  # the secret server's base URL, set by its fixture
    extra_feeds: dict[str, tuple[bytes, str]] = {}  # path -> (body with {{BASE}}, content type)
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
        if path == "/drip-headers":
            # The status line and headers a byte at a time: every read is quick, the whole is not.
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 200 + b"\r\n\r\n"
            for byte in head:
                if not self.write(bytes([byte])):
                    return
                time.sleep(0.05)
            return
        match = re.fullmatch(r"/slow-hops/(\d+)", path)
        if match:
            time.sleep(0.3)
            left = int(match.group(1))
            return self.redirect(f"/slow-hops/{left - 1}" if left else "/articles/standalone.html")
        if path == "/to-secret":
            return self.redirect(f"{Handler.secret}/admin")
        if path == "/leaky.xml":
            feed = LEAKY_FEED.replace("{{SECRET}}", Handler.secret)
            return self.send(200, feed.encode("utf-8"), "application/rss+xml")
        if path in Handler.extra_feeds:
            body, content_type = Handler.extra_feeds[path]
            return self.send(200, body.replace(b"{{BASE}}", base.encode()), content_type)
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


class SecretHandler(http.server.BaseHTTPRequestHandler):
    """What an attacker wants fetched: a page on another loopback address (127.0.0.2)."""

    hits: Counter[str] = Counter()

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        SecretHandler.hits[self.path] += 1
        body = f"<html><body><article><h1>管理页面</h1><p>{SECRET_TEXT}</p><p>{SECRET_TEXT}</p></article></body></html>"
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def secret_server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.2", 0), SecretHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    Handler.secret = f"http://127.0.0.2:{httpd.server_address[1]}"
    yield Handler.secret
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Loopback requests must not go through a proxy from the environment."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    Handler.hits.clear()
    SecretHandler.hits.clear()


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


# --- one deadline for the whole request ------------------------------------------------------


def test_headers_dripped_a_byte_at_a_time_end_at_the_deadline(server, tmp_path):
    """Each byte comes well within the limit; the headers as a whole take 10 s."""
    started = time.monotonic()
    report = run([f"{server}/drip-headers"], tmp_path, seconds=10, timeout=0.5)
    elapsed = time.monotonic() - started
    ((_, why),) = report.failed
    assert why.startswith("timed out after 0.5 s"), why  # the limit that really held
    assert elapsed < 1.5, elapsed


def test_the_deadline_covers_every_redirect(server, tmp_path):
    """Four hops of 0.3 s each: every hop is quick, the request is not."""
    started = time.monotonic()
    report = run([f"{server}/slow-hops/4"], tmp_path, seconds=10, timeout=1.0)
    elapsed = time.monotonic() - started
    ((_, why),) = report.failed
    assert "timed out after 1 s" in why
    assert elapsed < 2.0, elapsed
    assert Handler.hits["/articles/standalone.html"] == 0


def test_a_slow_resolver_ends_at_the_deadline(server, tmp_path, monkeypatch):
    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):
        if host == "slow-dns.test":
            time.sleep(3)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    report = run(["http://slow-dns.test/feed.xml"], tmp_path, seconds=10, timeout=0.5)
    ((_, why),) = report.failed
    assert "timed out after 0.5 s" in why
    assert time.monotonic() - started < 1.5


# --- public addresses only ------------------------------------------------------------------------


def test_loopback_is_refused_unless_allowed(server, tmp_path):
    report = run([f"{server}/articles/standalone.html"], tmp_path, allow_hosts=[])
    ((url, why),) = report.failed
    assert why.startswith("refused: 127.0.0.1 is a loopback address")
    assert "allow_hosts" in why
    assert report.saved == [] and list(tmp_path.iterdir()) == []
    assert sum(Handler.hits.values()) == 0  # refused before connecting


def test_redirect_from_an_allowed_host_to_another_is_refused(server, secret_server, tmp_path):
    report = run([f"{server}/to-secret"], tmp_path)  # allows 127.0.0.1 only
    ((url, why),) = report.failed
    assert url == f"{server}/to-secret"
    assert why.startswith(f"refused redirect to {secret_server}/admin: 127.0.0.2 is a loopback address")
    assert sum(SecretHandler.hits.values()) == 0
    assert report.saved == []


def test_the_secret_server_is_reachable_once_allowed(server, secret_server, tmp_path):
    """The refusal above is the policy's doing, not a server that was never there."""
    report = run([f"{server}/to-secret"], tmp_path, allow_hosts=["127.0.0.1", "127.0.0.2"])
    assert report.failed == []
    (path,) = report.saved
    assert "ADMIN-SECRET" in path.read_text(encoding="utf-8")
    # A network allows every address in it.
    report = run([f"{secret_server}/admin?net"], tmp_path / "net", allow_hosts=["127.0.0.0/8"])
    assert report.failed == [] and len(report.saved) == 1


def test_a_feed_item_pointing_at_a_forbidden_host_is_not_fetched(server, secret_server, tmp_path):
    report = run([f"{server}/leaky.xml"], tmp_path)
    ((url, why),) = report.fallbacks
    assert url == f"{secret_server}/admin"
    assert "refused" in why and "127.0.0.2 is a loopback address" in why
    assert sum(SecretHandler.hits.values()) == 0
    (path,) = report.saved
    text = path.read_text(encoding="utf-8")
    assert "订阅源自己的摘要" in text  # the feed's own summary
    assert "ADMIN-SECRET" not in text and "hunter2" not in text


def fake_dns(monkeypatch, answers: dict[str, list]):
    """Names resolve to scripted answers (a list per call; the last one repeats); others as usual."""
    real = socket.getaddrinfo
    calls: Counter[str] = Counter()

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        calls[host] += 1
        script = answers[host]
        addresses = script[min(calls[host], len(script)) - 1]
        if isinstance(addresses, BaseException):
            raise addresses
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


def test_dns_rebinding_cannot_switch_the_checked_address(server, secret_server, tmp_path, monkeypatch):
    """The first answer is checked and connected to; a second (127.0.0.2) is never asked for."""
    port = urlsplit(server).port
    calls = fake_dns(monkeypatch, {"rebind.test": [["127.0.0.1"], ["127.0.0.2"]]})
    report = run([f"http://rebind.test:{port}/articles/standalone.html"], tmp_path)
    assert report.failed == [] and len(report.saved) == 1
    assert calls["rebind.test"] == 1
    assert Handler.hits["/articles/standalone.html"] == 1
    assert sum(SecretHandler.hits.values()) == 0


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        (["10.0.0.5"], "intranet.test (10.0.0.5) is a private address"),
        (["93.184.216.34", "192.168.1.1"], "intranet.test (192.168.1.1) is a private address"),  # any, not one
        (["169.254.169.254"], "intranet.test (169.254.169.254) is a link-local address"),
        (["100.64.0.1"], "intranet.test (100.64.0.1) is a shared address"),
        (["::1"], "intranet.test (::1) is a loopback address"),
        (["fd00::1"], "intranet.test (fd00::1) is a private address"),
        # IPv4-mapped (written ::ffff:a00:1 by Python 3.11)
        (["::ffff:10.0.0.1"], f"intranet.test ({ipaddress.ip_address('::ffff:10.0.0.1')}) is a private address"),
    ],
)
def test_names_that_resolve_to_non_public_addresses_are_refused(tmp_path, monkeypatch, answer, refused):
    fake_dns(monkeypatch, {"intranet.test": [answer]})
    report = run(["http://intranet.test/feed.xml"], tmp_path, allow_hosts=[])
    ((_, why),) = report.failed
    assert why.startswith(f"refused: {refused}"), why


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost:9/",
        "http://0.0.0.0:9/",
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "https://192.168.0.1/",
        "http://2130706433/",  # 127.0.0.1 as one number
    ],
)
def test_non_public_urls_are_refused_by_default(tmp_path, url):
    report = bounded(5, fetch, [url], tmp_path)  # the default settings
    ((_, why),) = report.failed
    assert why.startswith("refused: ") and "address" in why, why


def test_allow_hosts_by_name(server, tmp_path, monkeypatch):
    port = urlsplit(server).port
    fake_dns(monkeypatch, {"news.internal": [["127.0.0.1"]]})
    url = f"http://news.internal:{port}/articles/standalone.html"
    assert run([url], tmp_path, allow_hosts=["News.Internal."]).failed == []
    ((_, why),) = run([url], tmp_path / "b", allow_hosts=["other.internal"]).failed
    assert why.startswith("refused: news.internal (127.0.0.1) is a loopback address")


def test_allow_hosts_is_a_config_key(tmp_path):
    from briefing.config import load_settings

    config = tmp_path / "briefing.toml"
    config.write_text('[fetch]\nallow_hosts = ["127.0.0.1", "10.0.0.0/8"]\n', encoding="utf-8")
    assert load_settings(config, environ={}).fetch.allow_hosts == ["127.0.0.1", "10.0.0.0/8"]
    assert load_settings(config, environ={"BRIEFING_FETCH_ALLOW_HOSTS": "intranet.example"}).fetch.allow_hosts == [
        "intranet.example"
    ]
    assert FetchSettings().allow_hosts == []


def test_cli_refuses_loopback_until_the_config_allows_it(server, tmp_path):
    from click.testing import CliRunner

    from briefing.cli import main

    def invoke(*args: str):
        return CliRunner().invoke(click.Command("wrapper", callback=lambda: main(list(args))), [])

    url = f"{server}/articles/standalone.html"
    refused = bounded(20, invoke, "fetch", url, "--into", str(tmp_path / "a"), "--timeout", "1")
    assert refused.exit_code == 1
    assert "127.0.0.1 is a loopback address" in refused.output
    config = tmp_path / "briefing.toml"
    config.write_text('[fetch]\nallow_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    allowed = bounded(20, invoke, "fetch", url, "--into", str(tmp_path / "b"), "--config", str(config))
    assert allowed.exit_code == 0, allowed.output
    assert "1 saved" in allowed.output


# --- through a proxy ---------------------------------------------------------------------------------


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    """A forward proxy that answers every absolute-form GET itself."""

    seen: list[tuple[str, str | None]] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        ProxyHandler.seen.append((self.path, self.headers.get("Proxy-Authorization")))
        data = (FIXTURES / "articles" / "standalone.html").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_a_proxy_from_the_environment_is_used_and_targets_are_still_checked(tmp_path, monkeypatch):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ProxyHandler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    ProxyHandler.seen.clear()
    try:
        monkeypatch.setenv("http_proxy", f"http://user:p%40ss@127.0.0.1:{httpd.server_address[1]}")
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        # Only the proxy can resolve outside names here; the proxy itself may be on loopback.
        fake_dns(monkeypatch, {"news.example": [socket.gaierror(-2, "Name or service not known")]})
        report = run(
            ["http://news.example/a.html", "http://127.0.0.2:9/admin", "http://10.0.0.1/"], tmp_path, allow_hosts=[]
        )
        assert [front_matter(p)[0]["url"] for p in report.saved] == ["http://news.example/a.html"]
        expected_auth = "Basic " + __import__("base64").b64encode(b"user:p@ss").decode()
        assert ProxyHandler.seen == [("http://news.example/a.html", expected_auth)]  # the others never left
        assert [why.split(":")[0] for _, why in report.failed] == ["refused", "refused"]
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- HTTPS -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    import ssl

    ca = trustme.CA()
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", str(ca_file)
    httpd.shutdown()
    httpd.server_close()


def test_https_page_and_dripped_headers_over_tls(tls_server, tmp_path, monkeypatch):
    base, ca_file = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)  # read by ssl.create_default_context
    report = run([f"{base}/articles/standalone.html"], tmp_path)
    assert report.failed == [] and len(report.saved) == 1
    started = time.monotonic()
    report = run([f"{base}/drip-headers"], tmp_path / "drip", seconds=10, timeout=0.5)
    ((_, why),) = report.failed
    assert why.startswith("timed out after 0.5 s")
    assert time.monotonic() - started < 1.5


def test_https_certificate_is_verified(tls_server, tmp_path, monkeypatch):
    base, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    ((_, why),) = run([f"{base}/articles/standalone.html"], tmp_path).failed
    assert "CERTIFICATE_VERIFY_FAILED" in why


# --- feeds in other encodings -----------------------------------------------------------------------

# Nested entities: a few hundred bytes that expand to megabytes (Chinese text every encoding below has).
BOMB_FEED = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE rss [<!ENTITY a "中文中文中文中文中文">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
    '<rss version="2.0"><channel><title>中文</title><item><title>中文</title>'
    "<link>http://example.com/a</link><description>&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"
    "</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("encoding", "codec"),
    [
        ("utf-8", "utf-8"),
        ("gb2312", "gb2312"),
        ("GBK", "gbk"),
        ("gb18030", "gb18030"),
        ("big5", "big5"),
        ("shift_jis", "shift_jis"),
        ("euc-kr", "euc-kr"),
        ("UTF-16", "utf-16"),  # with a byte order mark
        ("UTF-16", "utf-16-le"),  # without one
        ("x-no-such-encoding", "utf-8"),
    ],
)
def test_entity_declarations_are_refused_whatever_the_encoding(encoding, codec):
    data = BOMB_FEED.replace("{encoding}", encoding).encode(codec)
    assert len(data) < 1000
    with pytest.raises(FetchError, match="refused feed: it declares XML entities"):
        bounded(5, fetch_module.parse_feed, data, url="http://example.com/feed", content_type="application/rss+xml")
    # Also when the document is broken after the declarations (no strict parser would get that far)
    broken = BOMB_FEED.replace("{encoding}", encoding).replace("</channel>", "<channel>").encode(codec)
    with pytest.raises(FetchError, match="refused feed"):
        bounded(5, fetch_module.parse_feed, broken, url="http://example.com/feed")


def test_both_entity_checks_refuse_a_transcoded_bomb_on_their_own():
    text = fetch_module.feed_text(BOMB_FEED.replace("{encoding}", "gb2312").encode("gb2312"))
    assert text.startswith('<?xml version="1.0" encoding="gb2312"?><!DOCTYPE rss')
    assert fetch_module.declares_entities(text)
    document = text.replace('encoding="gb2312"', 'encoding="utf-8"').encode("utf-8")
    with pytest.raises(FetchError, match="EntitiesForbidden"):
        fetch_module._refuse_entities(document, "http://example.com/feed")


@pytest.mark.parametrize(
    "prolog",
    [
        '<!-- <a> --><!DOCTYPE rss [<!ENTITY a "x">]>',  # a tag-like comment first
        '<!DOCTYPE rss [<!-- ]> <a --> <!ENTITY a "x">]>',  # a comment that looks like the subset's end
        '<!DOCTYPE rss [<!ENTITY b "<a>"><!ENTITY a "x">]>',  # a tag inside an entity value
        "<!DOCTYPE rss>\n<!ENTITY a 'x'>",  # outside any DOCTYPE, as feedparser collects them
        '<!doctype rss [<!entity a "x">]>',  # lower case, for lenient parsers
    ],
)
def test_entity_declarations_are_found_however_the_prolog_is_dressed(prolog):
    assert fetch_module.declares_entities(f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel/></rss>')


def test_entity_text_quoted_inside_an_item_is_not_a_declaration(server, tmp_path):
    """A security feed may quote an XXE payload in CDATA; only the prolog can declare entities."""
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>安全周刊</title>'
        "<item><title>XXE 漏洞分析</title><link>{{BASE}}/articles/compute.html</link>"
        '<description><![CDATA[<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]> 攻击者常用的载荷。]]>'
        "</description></item></channel></rss>"
    )
    Handler.extra_feeds["/security.xml"] = (feed.encode("utf-8"), "application/rss+xml")
    report = run([f"{server}/security.xml"], tmp_path)
    assert report.failed == [] and len(report.saved) == 1


def test_a_gb2312_bomb_served_over_http_is_refused(server, tmp_path):
    Handler.extra_feeds["/gb-bomb.xml"] = (BOMB_FEED.replace("{encoding}", "gb2312").encode("gb2312"), "text/xml")
    started = time.monotonic()
    report = run([f"{server}/gb-bomb.xml"], tmp_path, seconds=10)
    assert time.monotonic() - started < 3
    ((_, why),) = report.failed
    assert why.startswith("refused feed")
    assert report.saved == [] and list(tmp_path.iterdir()) == []


# Like many Chinese portals' feeds: GB2312, blank lines and a stylesheet PI
# before the root, a local "YYYY-MM-DD HH:MM:SS" pubDate, no charset in HTTP.
GB2312_FEED = """<?xml version="1.0" encoding="gb2312"?>


<?xml-stylesheet type="text/xsl" href="/css/rss.css"?>

<rss version="2.0">
  <channel>
    <title>测试新闻国内</title>
    <link>{{BASE}}/</link>
    <item>
      <title>人工智能治理对话在京举行</title>
      <link>{{BASE}}/articles/governance.html</link>
      <pubDate>2024-05-22 14:38:10</pubDate>
      <description>双方同意加强交流。</description>
    </item>
    <item>
      <title>算力合作新进展</title>
      <link>{{BASE}}/articles/compute.html</link>
      <pubDate>2024-05-21 09:05:00</pubDate>
    </item>
  </channel>
</rss>
"""

# Like WeChat-to-RSS bridges: one line, titles only, a favicon as the channel link.
WECHAT_FEED = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
    "<channel><title>测试公众号 | bridge</title><link>http://favicon.example/favicon.ico</link>"
    "<item><title>公众号文章一</title><link>{{BASE}}/articles/chips.html</link><description></description>"
    "<content:encoded><![CDATA[公众号文章一]]></content:encoded><pubDate>Thu, 17 Jun 2021 11:42:35 +0800</pubDate></item>"
    "</channel></rss>"
)


def test_feeds_as_chinese_sites_publish_them_still_parse(server, tmp_path):
    Handler.extra_feeds["/gb2312.xml"] = (GB2312_FEED.encode("gb2312"), "text/xml")
    Handler.extra_feeds["/wechat.xml"] = (WECHAT_FEED.encode("utf-8"), "text/xml; charset=utf-8")
    report = run([f"{server}/gb2312.xml", f"{server}/wechat.xml"], tmp_path)
    assert report.failed == []
    saved = {front_matter(p)[0]["title"]: front_matter(p)[0] for p in report.saved}
    assert set(saved) == {"人工智能治理对话在京举行", "算力合作新进展", "公众号文章一"}
    assert saved["人工智能治理对话在京举行"]["date"] == dt.date(2024, 5, 22)
    assert saved["人工智能治理对话在京举行"]["outlet"] == "测试新闻国内"
    assert saved["公众号文章一"]["date"] == dt.date(2021, 6, 17)


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ("<?xml version='1.0' encoding='gb2312'?><r>中文</r>".encode("gb2312"), None, "中文"),
        ("<?xml version='1.0' encoding='gb2312'?><r>镕</r>".encode("gb18030"), None, "镕"),  # GBK-only character
        ("<?xml version='1.0' encoding='iso-8859-1'?><r>中文</r>".encode("utf-8"), "iso-8859-1", "中文"),  # mislabelled
        ("<?xml version='1.0' encoding='gb2312'?><r>中文</r>".encode("gb2312"), "iso-8859-1", "中文"),  # a server default
        ("<r>中文</r>".encode("big5"), "big5", "中文"),
        ("\ufeff<r>中文</r>".encode("utf-8"), None, "<r>中文"),
    ],
)
def test_feed_text_decoding(data, charset, expected):
    assert expected in fetch_module.feed_text(data, charset)
