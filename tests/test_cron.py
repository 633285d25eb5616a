"""The README's crontab line, run as cron would: fetch → build → mail, silent on success.

The line is read from the README itself, so the documented set-up is the
tested one.  A feed is served over HTTP and mail is received over SMTP, both
real servers on loopback started here.
"""

from __future__ import annotations

import email
import http.server
import re
import subprocess
import sys
import threading
from email import policy
from pathlib import Path

import pytest

from test_deliver import smtp_server

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>测试通讯社</title><link>http://127.0.0.1/</link>
<item><title>美国扩大对华芯片出口管制</title><link>{base}/a/1.html</link>
<pubDate>Wed, 22 May 2024 08:00:00 +0800</pubDate>
<description>美国商务部周三宣布扩大对华人工智能芯片出口管制，新增十二家中国企业进入实体清单。中国外交部发言人表示，中方坚决反对美方将经贸问题政治化。</description></item>
<item><title>中美举行人工智能政府间对话</title><link>{base}/a/2.html</link>
<pubDate>Tue, 14 May 2024 09:00:00 +0800</pubDate>
<description>中美两国代表在日内瓦举行人工智能政府间对话首次会议。双方就人工智能的风险与全球治理交换了意见。</description></item>
</channel></rss>
"""

PAGE = """<html><head><title>{title}</title></head><body><nav>首页 | 科技</nav>
<article><h1>{title}</h1>{body}</article><footer>版权所有</footer></body></html>"""

PAGES = {
    "/a/1.html": ("美国扩大对华芯片出口管制",
                  "<p>美国商务部周三宣布扩大对华人工智能芯片出口管制，新增十二家中国企业进入实体清单。</p>"
                  "<p>中国外交部发言人表示，中方坚决反对美方将经贸问题政治化，将采取必要措施维护中国企业的正当权益。</p>"
                  "<p>分析人士认为，新规将影响英伟达等美国芯片企业在华销售。</p>"),
    "/a/2.html": ("中美举行人工智能政府间对话",
                  "<p>中美两国代表在日内瓦举行人工智能政府间对话首次会议。</p>"
                  "<p>双方就人工智能的风险与全球治理交换了意见，同意保持沟通。</p>"),
}


def cron_line() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```crontab\n(.*?)```", readme, re.S)
    assert block, "the README shows its crontab in a ```crontab block"
    jobs = [line for line in block[1].splitlines() if re.match(r"^[\d*]", line)]
    assert len(jobs) == 1, jobs
    return jobs[0]


@pytest.fixture
def feed_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            base = f"http://127.0.0.1:{self.server.server_port}"
            if self.path == "/feed.xml":
                body, kind = FEED.format(base=base).encode(), "application/rss+xml"
            elif self.path in PAGES:
                title, text = PAGES[self.path]
                body, kind = PAGE.format(title=title, body=text).encode(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_crontab_schedule_is_valid():
    fields = cron_line().split()[:5]
    assert all(re.fullmatch(r"[\d*/,-]+", field) for field in fields), fields


@pytest.mark.slow
def test_crontab_line_fetches_builds_and_mails_silently(tmp_path, feed_server):
    line = cron_line()
    schedule_end = re.match(r"^(\S+\s+){5}", line).end()
    command = line[schedule_end:]
    # The documented paths and feed, pointed at this test's checkout and servers.
    command = command.replace("/srv/briefing", str(tmp_path)).replace(".venv/bin/", f"{BIN}/")
    command = re.sub(r"https?://\S+", f"{feed_server}/feed.xml", command, count=1)

    with smtp_server() as (received, port):
        # Room for every point, so that the second morning has nothing new.
        (tmp_path / "briefing.toml").write_text(
            "[build]\ntop = 100\nper_theme = 100\n\n"
            f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\n'
            'sender = "briefing@example.org"\n\n'
            '[fetch]\nallow_hosts = ["127.0.0.1"]\n',  # the feed server is on loopback
            encoding="utf-8",
        )
        first = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=180, check=False)
        assert first.returncode == 0, first.stderr
        assert first.stdout == "" and first.stderr == "", "cron mails any output; success must be silent"
        briefs = sorted((tmp_path / "out").glob("brief-*.pdf"))
        assert len(briefs) == 1
        assert len(received.envelopes) == 1
        message = email.message_from_bytes(received.envelopes[0].content, policy=policy.default)
        attachment = next(part for part in message.iter_attachments())
        assert attachment.get_content() == briefs[0].read_bytes()

        # Next morning with nothing new: exit 3, still silent, no mail.
        second = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=180, check=False)
        assert (second.returncode, second.stdout, second.stderr) == (3, "", "")
        assert len(received.envelopes) == 1
        assert "briefing" in (tmp_path / "out" / "briefing.log").read_text(encoding="utf-8")
