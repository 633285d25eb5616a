"""Hostile files and hostile content through the whole pipeline (the CLI, as cron runs it).

Each bad file must be skipped or read with a reason, never crash or hang the
run, and never cost the good article beside it its place in the brief.  The
ingest-level cases (one bad file at a time) live in tests/test_ingest.py, SMTP
failures in tests/test_deliver.py, XML bombs in tests/test_fetch.py; this file
runs them together, end to end, and adds what only shows end to end: time on
huge and deeply nested input, network and file access from article content
while the PDF is laid out, and file names steered by article text.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = [sys.executable, "-m", "briefing"]
GOOD_SEED = ROOT / "seeds" / "001_838fdacfc2a6527d.txt"  # Markdown with front matter, dated, 虎嗅APP
TODAY = "2024-06-01"


def run(args: list[str], *, cwd: Path, timeout: float = 150, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in a child process, bounded in time (a hang fails the test, not CI)."""
    # No settings from the developer's environment or config directory.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    environment.update(PYTHONHASHSEED="0", XDG_CONFIG_HOME=str(cwd / ".no-config"), **(env or {}))
    return subprocess.run(
        BRIEFING + args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment, check=False
    )


def assert_clean_failure_or_success(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def good_body() -> str:
    """The seed's text after its front matter: policy prose the brief will cite."""
    text = GOOD_SEED.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---") else text


def third_body() -> str:
    """A second seed's policy prose, for a file that must not be a copy of the good one."""
    return (ROOT / "seeds" / "002_08d335e269f9cf71.txt").read_text(encoding="utf-8").split("\n---\n", 1)[-1]


def with_front_matter(body: str, **fields: str) -> str:
    lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
    return f"---\n{lines}---\n{body}"


# --------------------------------------------------------------------------
# A folder of hostile files beside one good article
# --------------------------------------------------------------------------

POLICY_LINE = "美国商务部宣布新的人工智能芯片出口管制措施。中国外交部对此表示坚决反对。\n"


def write_hostile_folder(folder: Path) -> dict[str, str]:
    """Hostile files; returns {file name: what must happen ("skipped: reason part" or "read: problem part")}."""
    folder.mkdir(parents=True)
    (folder / "good.md").write_text(GOOD_SEED.read_text(encoding="utf-8"), encoding="utf-8")
    expect: dict[str, str] = {"good.md": "read:"}

    (folder / "empty.txt").write_bytes(b"")
    expect["empty.txt"] = "skipped:empty file"
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    expect["binary.txt"] = "skipped:binary"
    (folder / "png.html").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    expect["png.html"] = "skipped:binary file (a PNG image)"
    (folder / "nul.txt").write_bytes(POLICY_LINE.encode() * 5 + b"\x00" + POLICY_LINE.encode() * 5)
    expect["nul.txt"] = "skipped:NUL"
    # Valid UTF-8 but for five bytes in the middle: read, the damage reported.
    line = POLICY_LINE.encode()
    (folder / "bad-utf8.txt").write_bytes(line * 60 + b"\xff\xfe\xc0\x80\x81" + line * 60)
    expect["bad-utf8.txt"] = "read:decoded as utf-8 with replacement"
    # UTF-8, GBK and Big5 lines in one file: no single encoding reads it.
    (folder / "mixed.txt").write_bytes(
        "美国商务部宣布新的人工智能芯片出口管制措施。\n".encode() * 20
        + "中国外交部对此表示坚决反对。\n".encode("gbk") * 20
        + "臺灣半導體產業受到影響。\n".encode("big5") * 20
    )
    expect["mixed.txt"] = "either:"
    (folder / "deep.html").write_text("<div>" * 100_000 + f"<p>{POLICY_LINE}</p>" + "</div>" * 100_000)
    expect["deep.html"] = "read:nested deeper than"
    (folder / "deep-list.html").write_text("<ul><li>" * 50_000 + POLICY_LINE)
    expect["deep-list.html"] = "read:nested deeper than"
    (folder / "script.html").write_text(
        "<html><head><title>脚本页面</title><script>var secret = 'SCRIPTTEXT';</script>"
        "<style>body { background: url(http://127.0.0.1:9/style) } .STYLETEXT {}</style></head>"
        f"<body><p>{POLICY_LINE}</p><script>document.write('<p>SCRIPTTEXT</p>')</script>"
        "<noscript>NOSCRIPTTEXT</noscript></body></html>"
    )
    expect["script.html"] = "read:"
    (folder / "img.html").write_text(
        '<html><body><h1>图片页面</h1><p>美国商务部宣布新措施。<img src="file:///etc/passwd">'
        '<img src="http://example.invalid/x.png"></p><p>&lt;script&gt;alert(1)&lt;/script&gt;中国外交部回应。</p>'
        "</body></html>"
    )
    expect["img.html"] = "read:"
    (folder / "broken-front-matter.md").write_text(f"---\ntitle: [unclosed\ndate: : :\n---\n{POLICY_LINE}")
    expect["broken-front-matter.md"] = "read:broken front matter"
    (folder / "unclosed-front-matter.md").write_text(f"---\ntitle: 无结束\ndate: 2024-05-01\n{POLICY_LINE}")
    expect["unclosed-front-matter.md"] = "read:broken front matter: no closing ---"
    (folder / "yaml-tag.md").write_text(f"---\ntitle: !!python/object/apply:os.system ['touch PWNED']\n---\n{POLICY_LINE}")
    expect["yaml-tag.md"] = "read:broken front matter"
    (folder / "loop1.txt").symlink_to("loop2.txt")
    (folder / "loop2.txt").symlink_to("loop1.txt")
    expect["loop1.txt"] = expect["loop2.txt"] = "skipped:symlink loop"
    (folder / "sub").mkdir()
    (folder / "sub" / "back").symlink_to(folder)  # a folder loop: walked once
    os.mkfifo(folder / "fifo.txt")
    expect["fifo.txt"] = "skipped:not a regular file (a FIFO)"
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    expect["dangling.txt"] = "skipped:no such file"
    return expect


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    expect = write_hostile_folder(root / "in")
    started = time.monotonic()
    result = run(
        ["build", "in", "--format", "html,json,md", "--today", TODAY, "-o", "out/brief.pdf", "-j", "2"], cwd=root
    )
    elapsed = time.monotonic() - started
    listing = run(["articles", "--json", "in"], cwd=root, timeout=120)
    return root, expect, result, listing, elapsed


def test_hostile_folder_builds_without_crash_or_hang(hostile):
    root, _, result, _, elapsed = hostile
    assert_clean_failure_or_success(result)
    assert result.returncode == 0, result.stderr[-3000:]
    # 100,000 nested <div>s alone took 23 s before the nesting limit.
    assert elapsed < 30, f"hostile folder took {elapsed:.1f} s"
    assert {p.name for p in (root / "out").iterdir() if not p.name.startswith(".")} == {
        "brief.html", "brief.json", "brief.md"
    }  # fmt: skip
    assert not (root / "PWNED").exists() and not (root / "in" / "PWNED").exists()


def test_every_file_is_accounted_for_with_a_reason(hostile):
    root, expect, _, listing, _ = hostile
    assert listing.returncode == 0 and "Traceback" not in listing.stderr
    records = [json.loads(line) for line in listing.stdout.splitlines()]
    by_name = {Path(r["path"]).name: r for r in records}
    assert set(by_name) == set(expect), "a file was lost or listed twice"
    for name, rule in expect.items():
        record = by_name[name]
        kind, _, detail = rule.partition(":")
        if kind == "skipped":
            assert "skipped" in record, (name, record)
            assert detail.lower() in record["skipped"].lower(), (name, record)
        elif kind == "read":
            assert "skipped" not in record, (name, record)
            assert not detail or any(detail in p for p in record["problems"]), (name, record)
        else:
            assert record.get("skipped") or record.get("problems"), (name, record)

    # The brief's own coverage list names the same files with the same reasons.
    brief = json.loads((root / "out" / "brief.json").read_text(encoding="utf-8"))
    skipped = {Path(s["path"]).name: s["reason"] for s in brief["coverage"]["skipped"]}
    assert skipped == {name: r["skipped"] for name, r in by_name.items() if "skipped" in r}
    # Files holding the same text are one article (one source listing every copy).
    read = sum("skipped" not in r for r in records)
    assert brief["coverage"]["articles"] <= read
    copies = read - brief["coverage"]["articles"]
    assert not copies or any(f"{copies} files held an article already read" in n for n in brief["coverage"]["notes"])


def test_the_good_article_still_makes_the_brief(hostile):
    root, _, _, _, _ = hostile
    brief = json.loads((root / "out" / "brief.json").read_text(encoding="utf-8"))
    cited = {Path(s["path"]).name for s in brief["sources"]}
    assert "good.md" in cited
    assert "虎嗅APP" in brief["coverage"]["outlets"]
    good_points = [p for s in brief["sections"] for p in s["points"] if p["source"].endswith("good.md")]
    assert len(good_points) >= 3


def test_markup_never_becomes_content(hostile):
    root, _, _, _, _ = hostile
    html = (root / "out" / "brief.html").read_text(encoding="utf-8")
    body = html.split("</style>", 1)[1]
    for marker in ("SCRIPTTEXT", "STYLETEXT", "NOSCRIPTTEXT", "/etc/passwd", "example.invalid"):
        assert marker not in html, marker
    assert "<script" not in body.lower() and "<img" not in body.lower()
    assert not re.search(r"(?<!\\)<script", (root / "out" / "brief.md").read_text(encoding="utf-8"), re.IGNORECASE)


@pytest.mark.slow
def test_twenty_megabytes_on_one_line_finishes_in_bounded_time(tmp_path):
    # max_bytes raised so the file is read, not refused.  Before the fixes:
    # days in clean.normalize_display (a quadratic e-mail pattern) for Han text
    # without punctuation, and a 270 GB similarity matrix for 185,000 sentences.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD_SEED.read_text(encoding="utf-8"), encoding="utf-8")
    size = 20_000_000
    sentence = "美国商务部宣布新的人工智能芯片出口管制措施，中国外交部对此表示坚决反对。".encode()
    (folder / "sentences.txt").write_bytes(sentence * (size // len(sentence)))
    (folder / "han.txt").write_bytes("中".encode() * (size // 3))
    started = time.monotonic()
    result = run(
        ["build", "in", "--format", "json", "--today", TODAY, "-o", "out/brief.pdf", "-j", "2"],
        cwd=tmp_path,
        env={"BRIEFING_BUILD_MAX_BYTES": str(size + 1000)},
        timeout=240,
    )
    elapsed = time.monotonic() - started
    print(f"two 20 MB one-line files + one article: {elapsed:.1f} s")
    assert_clean_failure_or_success(result)
    assert result.returncode == 0, result.stderr[-2000:]
    assert elapsed < 150, f"{elapsed:.1f} s"
    assert "ranked 2000 of its" in result.stderr  # the cap is reported, not silent
    brief = json.loads((tmp_path / "out" / "brief.json").read_text(encoding="utf-8"))
    assert brief["coverage"]["articles"] == 3 and brief["coverage"]["skipped"] == []
    assert "good.md" in {Path(s["path"]).name for s in brief["sources"]}


def test_over_the_size_limit_is_skipped_with_a_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD_SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "big.txt").write_bytes(POLICY_LINE.encode() * 2000)
    result = run(
        ["build", "in", "--format", "json", "--today", TODAY, "-o", "out/b.pdf", "-j", "1"],
        cwd=tmp_path,
        env={"BRIEFING_BUILD_MAX_BYTES": "50000"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    brief = json.loads((tmp_path / "out" / "b.json").read_text(encoding="utf-8"))
    (skipped,) = brief["coverage"]["skipped"]
    assert skipped["path"].endswith("big.txt") and "too large" in skipped["reason"]


def test_a_typo_date_in_the_text_does_not_take_the_build_down(tmp_path):
    # "2024年13月" made the gist raise IndexError (_MONTHS[12]): the title gist
    # of the appendix and the English line of the point crashed the whole run.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "typo.md").write_text(
        with_front_matter(
            "2024年13月5日，美国商务部宣布新的人工智能芯片出口管制措施。\n\n" + good_body(),
            title="2024年13月美国扩大人工智能芯片出口管制",
        ),
        encoding="utf-8",
    )
    result = run(["build", "in", "--format", "json", "--today", TODAY, "-o", "out/b.pdf", "-j", "1"], cwd=tmp_path)
    assert_clean_failure_or_success(result)
    assert result.returncode == 0, result.stderr[-2000:]
    brief = json.loads((tmp_path / "out" / "b.json").read_text(encoding="utf-8"))
    (source,) = brief["sources"]
    assert source["title_gist"].startswith("2024年13月")


def test_a_source_url_cannot_smuggle_html_into_the_markdown_brief(tmp_path):
    # brief.md writes links as <URL>; "<" inside the URL ended the autolink
    # early and left <script> as raw HTML for whatever renders the Markdown.
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text(
        with_front_matter(good_body(), title="链接", url="http://a.example/<script>alert(1)</script><img/src=x>"),
        encoding="utf-8",
    )
    result = run(["build", "in", "--format", "md,html", "--today", TODAY, "-o", "out/b.pdf", "-j", "1"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    markdown = (tmp_path / "out" / "b.md").read_text(encoding="utf-8")
    assert "<http://a.example/%3Cscript%3Ealert(1)%3C/script%3E%3Cimg/src=x%3E>" in markdown
    assert not re.search(r"(?<!\\)<(script|img)", markdown, re.IGNORECASE)
    html = (tmp_path / "out" / "b.html").read_text(encoding="utf-8").split("</style>", 1)[1]
    assert "<script" not in html and "<img" not in html


# --------------------------------------------------------------------------
# Content that tries to reach the network or local files while rendering
# --------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    do_POST = do_HEAD = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def test_pdf_rendering_fetches_nothing_named_by_articles(tmp_path, recorder):
    base, requests = recorder
    folder = tmp_path / "in"
    folder.mkdir()
    body = good_body()
    (folder / "a.html").write_text(
        f'<html><head><link rel="stylesheet" href="{base}/head.css"><link rel="canonical" href="{base}/canonical">'
        f'<style>@import "{base}/import.css"; body {{ background: url({base}/bg.png) }}</style></head><body>'
        f'<h1>页面 <img src="{base}/h1.png"></h1>'
        + "".join(f"<p>{p}</p>" for p in body.split("\n\n")[:12])
        + f'<p>见 url({base}/inline.css) 与 <img src="file:///etc/passwd"> <object data="{base}/obj"></object>'
        f'<iframe src="{base}/frame"></iframe><svg><image href="{base}/svg.png"/></svg>'
        f'<video poster="{base}/poster.png"></video>美国商务部表示。</p></body></html>',
        encoding="utf-8",
    )
    (folder / "b.md").write_text(
        with_front_matter(
            f"![图片]({base}/md.png) ![本地](file:///etc/passwd)\n\n"
            f"<img src=\"{base}/md-html.png\"> <link rel=stylesheet href=\"{base}/md.css\">\n\n"
            f"[链接]({base}/link) <style>p {{ background: url({base}/md-style.png) }}</style>\n\n" + body
            + f"\n\n背景图片 url({base}/text.png) 与 file:///etc/passwd 在正文中出现。\n",
            title=f'标题 <img src="{base}/title.png"> url({base}/t.png)',
            url=f"{base}/source-url",
            author="<link href=file:///etc/passwd>",
        ),
        encoding="utf-8",
    )
    result = run(["build", "in", "--format", "pdf,html", "--today", TODAY, "-o", "out/brief.pdf", "-j", "1"],
                 cwd=tmp_path)  # fmt: skip
    assert_clean_failure_or_success(result)
    assert result.returncode == 0, result.stderr[-3000:]
    assert requests == []
    pdf = (tmp_path / "out" / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(tmp_path / "out" / "brief.pdf").pages)
    assert "root:x:0:0" not in text and "root:" not in text
    assert "/bin/bash" not in text and "nologin" not in text
    # The hostile articles did reach the brief (their URL is printed, not fetched).
    html = (tmp_path / "out" / "brief.html").read_text(encoding="utf-8")
    assert f"{base}/source-url" in html
    body_html = html.split("</style>", 1)[1]
    # The brief's own figure (issue 20) is inline SVG from our template: shapes and text, links to its own sections.
    figure = re.search(r'<figure class="chart">.*?</figure>', body_html, re.DOTALL)
    if figure:
        assert not re.search(r"<(image|use|foreignObject|script)\b", figure.group(), re.IGNORECASE)
        assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', figure.group()))
        body_html = body_html.replace(figure.group(), "")
    assert not re.search(r"<(img|link|object|iframe|video|image|svg)\b", body_html, re.IGNORECASE)
    assert "url(" not in re.sub(r"url\(http://127\.0\.0\.1:\d+/(inline\.css|text\.png|t\.png)\)", "", body_html)


# --------------------------------------------------------------------------
# File names come from --today and -o only
# --------------------------------------------------------------------------


def test_titles_and_dates_never_steer_where_files_are_written(tmp_path):
    work = tmp_path / "a" / "b"
    folder = work / "in"
    folder.mkdir(parents=True)
    body = good_body()
    # Three different articles: one body in three files would be one source (merged copies).
    (folder / "t1.md").write_text(with_front_matter(body, title="../../etc/x", date="2024/../../x"), encoding="utf-8")
    other = (ROOT / "seeds" / "004_d93f212733631062.txt").read_text(encoding="utf-8")
    (folder / "t2.md").write_text(
        with_front_matter(other, title="/tmp/evil", date="../../../../tmp/evil-{date}", outlet="../../o"),
        encoding="utf-8",
    )
    (folder / "t3.html").write_text(
        '<html><head><meta property="og:title" content="../../../x.pdf">'
        '<meta property="article:published_time" content="2024-05-01/../../../y"></head><body>'
        + "".join(f"<p>{p}</p>" for p in third_body().split("\n\n")[:10]) + "</body></html>",
        encoding="utf-8",
    )
    before = {p for p in tmp_path.rglob("*")}
    result = run(
        ["build", "in", "--format", "html,json,md", "--new-only", "--state-file", "out/.published.json",
         "--today", TODAY, "-o", "out/brief-{date}.pdf", "-j", "1"],
        cwd=work,
    )  # fmt: skip
    assert_clean_failure_or_success(result)
    assert result.returncode == 0, result.stderr[-2000:]
    created = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")} - {
        p.relative_to(tmp_path).as_posix() for p in before
    }
    assert created == {
        "a/b/out", "a/b/out/.briefing.lock", "a/b/out/.published.json",
        "a/b/out/brief-2024-06-01.html", "a/b/out/brief-2024-06-01.json", "a/b/out/brief-2024-06-01.md",
    }  # fmt: skip
    assert not Path("/tmp/evil").exists()
    brief = json.loads((work / "out" / "brief-2024-06-01.json").read_text(encoding="utf-8"))
    titles = {s["title"] for s in brief["sources"]}
    assert "../../etc/x" in titles  # shown as text, used for nothing else


@pytest.mark.parametrize("today", ["2024/../../x", "../../x", "2024-06-01/../../x", "2024-06-01\n"])
def test_today_with_a_path_in_it_is_a_usage_error(tmp_path, today):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(GOOD_SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = run(["build", "in", "--format", "json", "--today", today, "-o", "out/brief-{date}.pdf"],
                 cwd=tmp_path, timeout=60)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "--today" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


# --------------------------------------------------------------------------
# Mail headers through the CLI (compose-level cases: tests/test_deliver.py)
# --------------------------------------------------------------------------


@pytest.fixture
def smtp_listener():
    """A TCP listener that counts connections: header checks must refuse before connecting."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    connections: list[tuple] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, address = listener.accept()
            except OSError:
                continue
            connections.append(address)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.mark.parametrize(
    "extra",
    [
        ["--subject", "x\nBcc: evil@x.example"],
        ["--subject", "x\r\nBcc: evil@x.example"],
        ["--subject", "x\u2028Bcc: evil@x.example"],
        ["--to", "a@example.org\nBcc: evil@x.example"],
        ["--cc", "Evil\r\nBcc: evil@x.example <cc@example.org>"],
    ],
)
def test_send_refuses_header_injection_from_the_command_line(tmp_path, smtp_listener, extra):
    port, connections = smtp_listener
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    config = tmp_path / "briefing.toml"
    config.write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\nsender = "briefing@example.org"\n'
        'to = ["analyst@example.org"]\ntimeout = 5.0\n',
        encoding="utf-8",
    )
    args = ["send", str(pdf), "--config", str(config), "--today", TODAY, *extra]
    result = run(args, cwd=tmp_path, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert "line break or control character" in result.stderr
    time.sleep(0.3)
    assert connections == []  # refused before any connection


def test_send_subject_from_config_with_newline_is_refused(tmp_path, smtp_listener):
    port, connections = smtp_listener
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    config = tmp_path / "briefing.toml"
    config.write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\nsender = "briefing@example.org"\n'
        'to = ["analyst@example.org"]\nsubject = "Brief {date}\\nBcc: evil@x.example"\n',
        encoding="utf-8",
    )
    result = run(["send", str(pdf), "--config", str(config)], cwd=tmp_path, timeout=60)
    assert result.returncode == 1 and "line break" in result.stderr and "Traceback" not in result.stderr
    assert connections == []
