"""The cron path's promises (issue "Cron you can trust"), with a real SMTP server on loopback:

* --new-only advances only once the brief has reached its readers: a failed
  mail records nothing, and the next run sends the same articles again;
* unchanged input (or a copy of an article already reported) is "nothing
  new": exit 3, no brief, no mail;
* no article read (empty folder, every file skipped, a missing path) is an
  error of its own (exit 66), with or without --strict: no PDF, no mail.
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest

from briefing.cli import main
from test_deliver import smtp_server

ARTICLE_A = """---
title: 美国扩大对华芯片出口管制
date: 2024-05-22
outlet: 测试通讯社
---

美国商务部周三宣布扩大对华人工智能芯片出口管制，新增十二家中国企业进入实体清单。

中国外交部发言人表示，中方坚决反对美方将经贸问题政治化，将采取必要措施维护中国企业的正当权益。

分析人士认为，新规将影响英伟达等美国芯片企业在华销售。
"""

ARTICLE_B = """---
title: 中美举行人工智能政府间对话
date: 2024-05-14
outlet: 测试通讯社
---

中美两国代表在日内瓦举行人工智能政府间对话首次会议，双方就人工智能的风险与全球治理交换了意见。

美方代表表示，美国愿与中国保持沟通，中方代表强调人工智能治理应坚持以人为本。
"""


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".no-config"))
    for key in [k for k in __import__("os").environ if k.startswith("BRIEFING_")]:
        monkeypatch.delenv(key)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.md").write_text(ARTICLE_A, encoding="utf-8")
    return tmp_path


def config(path: Path, port: int) -> str:
    (path / "briefing.toml").write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\nsender = "briefing@example.org"\ntimeout = 5\n',
        encoding="utf-8",
    )
    return str(path / "briefing.toml")


def build(conf: str, *extra: str) -> int:
    return run("build", "in", "--config", conf, "--today", "2024-06-01", "--new-only", "-q",
               "--state-file", "out/.published.json", "-o", "out/brief-{date}.pdf", *extra)  # fmt: skip


def test_a_failed_mail_does_not_advance_the_state_and_the_next_run_resends(workdir):
    with smtp_server() as (received, port):
        conf = config(workdir, port)
    # The server is gone: the mail fails after the PDF was written.
    assert build(conf, "--mail-to", "desk@example.org") == 1
    assert (workdir / "out" / "brief-2024-06-01.pdf").exists()  # complete, on disk for `briefing send`
    assert not (workdir / "out" / ".published.json").exists()
    with smtp_server() as (received, port):
        conf = config(workdir, port)
        assert build(conf, "--mail-to", "desk@example.org") == 0
        assert len(received.envelopes) == 1  # the same article, sent this time
        state = json.loads((workdir / "out" / ".published.json").read_text(encoding="utf-8"))
        assert state["version"] == 2 and len(state["articles"]) == 1
        # Next morning, nothing changed: exit 3, no mail.
        assert build(conf, "--mail-to", "desk@example.org") == 3
        assert len(received.envelopes) == 1


def test_unchanged_input_is_nothing_new_and_a_new_article_is_reported_alone(workdir):
    with smtp_server() as (received, port):
        conf = config(workdir, port)
        assert build(conf, "--format", "json") == 0
        assert build(conf, "--format", "json") == 3
        # A copy of the same article in another encoding and script is not new either.
        traditional = opencc.OpenCC("s2tw").convert(ARTICLE_A)
        (workdir / "in" / "a-big5.md").write_bytes(traditional.encode("big5"))
        # ... nor a repost of it under another header.
        repost = ARTICLE_A.replace("outlet: 测试通讯社", "outlet: 转载号") + "\n本文转载自测试通讯社，欢迎分享给更多朋友阅读。\n"
        (workdir / "in" / "repost.md").write_text(repost, encoding="utf-8")
        assert build(conf, "--format", "json") == 3
        (workdir / "in" / "b.md").write_text(ARTICLE_B, encoding="utf-8")
        assert build(conf, "--format", "json") == 0
        brief = json.loads((workdir / "out" / "brief-2024-06-01.json").read_text(encoding="utf-8"))
        assert {Path(s["path"]).name for s in brief["sources"]} == {"b.md"}


@pytest.mark.parametrize("strict", [[], ["--strict"]])
@pytest.mark.parametrize("case", ["empty folder", "all skipped", "missing path"])
def test_no_article_read_is_an_error_with_no_brief_and_no_mail(workdir, capsys, case, strict):
    (workdir / "in" / "a.md").unlink()
    if case == "all skipped":
        (workdir / "in" / "empty.md").write_text("   \n", encoding="utf-8")
        (workdir / "in" / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    source = "nowhere" if case == "missing path" else "in"
    with smtp_server() as (received, port):
        conf = config(workdir, port)
        code = run("build", source, "--config", conf, "--today", "2024-06-01", "-o", "out/brief-{date}.pdf",
                   "--mail-to", "desk@example.org", *strict)  # fmt: skip
        assert code == 66
        assert received.envelopes == []
    assert not list(workdir.glob("out/*.pdf"))
    assert "no article read" in capsys.readouterr().err
