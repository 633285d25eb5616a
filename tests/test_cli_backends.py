"""Every translator, chosen from the command line and from the config file, end to end
through `briefing build`; and `briefing send` against a real SMTP server on loopback."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest

from backend_fixtures import ChatServer, build_argos_package
from test_cli import SEEDS, invoke
from test_deliver import smtp_server


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    # No user config, cache or key from the machine running the tests.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    for name in ("BRIEFING_OPENAI_API_KEY", "OPENAI_API_KEY", "BRIEFING_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def build_json(*args: str) -> dict:
    result = invoke("build", str(SEEDS), "--today", "2024-06-01", "--format", "json", "-o", "brief.json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(Path("brief.json").read_text(encoding="utf-8"))


def modes(brief: dict) -> set[str]:
    return {p["translation_mode"] for s in brief["sections"] for p in s["points"]}


def english(brief: dict) -> list[str]:
    return [p["en"] for s in brief["sections"] for p in s["points"]]


def test_gist_is_the_default_and_none_drops_the_english():
    assert modes(build_json()) == {"gist"}
    brief = build_json("--translator", "none")
    assert modes(brief) == {"none"}
    assert all(text == "" for text in english(brief))


def test_openai_from_the_config_file_with_key_from_the_environment(tmp_path, monkeypatch):
    chat = ChatServer(api_key="sk-env").start()
    try:
        Path("briefing.toml").write_text(
            f'[translate]\nbackend = "openai"\nopenai_base_url = "{chat.base_url}"\nopenai_model = "tiny"\n'
            f'openai_timeout = 5\ncache_path = "{tmp_path / "cache.sqlite3"}"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("BRIEFING_OPENAI_API_KEY", "sk-env")
        brief = build_json()
        assert modes(brief) == {"openai:tiny"}
        assert all(text.startswith("EN<") for text in english(brief))
        assert chat.requests and all(r["model"] == "tiny" for r in chat.requests)
        asked = len(chat.requests)
        build_json()  # the second run is served from the cache
        assert len(chat.requests) == asked
    finally:
        chat.stop()


@pytest.mark.slow
def test_unreachable_endpoint_falls_back_to_the_gist_visibly(tmp_path):
    Path("briefing.toml").write_text(
        '[translate]\nopenai_base_url = "http://127.0.0.1:9/v1"\nopenai_model = "tiny"\nopenai_timeout = 1\n'
        "openai_retries = 0\ncache = false\n",
        encoding="utf-8",
    )
    brief = build_json("--translator", "openai")
    assert modes(brief) == {"gist"}
    assert any("fell back to the word-by-word gist" in note for note in brief["coverage"]["notes"])
    strict = invoke("build", str(SEEDS), "--today", "2024-06-01", "--format", "json", "-o", "strict.json",
                    "--translator", "openai", "--strict")
    assert strict.exit_code == 1
    assert not Path("strict.json").exists()


def test_argos_with_a_tiny_model_from_the_config_file(tmp_path):
    package = build_argos_package(tmp_path / "models")
    Path("briefing.toml").write_text(
        f'[translate]\nbackend = "argos"\nargos_model = "{package}"\ncache = false\n', encoding="utf-8"
    )
    brief = build_json()
    assert modes(brief) == {"argos"}
    assert all(isinstance(text, str) for text in english(brief))


def test_corrections_mark_reviewed_lines(tmp_path):
    first = build_json()
    sentence = first["sections"][0]["points"][0]["zh"]
    (tmp_path / "corrections.tsv").write_text(f"# reviewed by an analyst\n{sentence}\tA reviewed line.\n",
                                              encoding="utf-8")
    Path("briefing.toml").write_text('[translate]\ncorrections = "corrections.tsv"\n', encoding="utf-8")
    brief = build_json()
    point = brief["sections"][0]["points"][0]
    assert (point["zh"], point["en"], point["translation_mode"]) == (sentence, "A reviewed line.", "reviewed")


def test_send_mails_the_pdf_byte_for_byte(tmp_path):
    pdf = tmp_path / "中美简报.pdf"
    result = invoke("build", str(SEEDS), "--today", "2024-06-01", "-o", str(pdf), "--quiet")
    assert result.exit_code == 0, result.output
    with smtp_server() as (received, port):
        Path("briefing.toml").write_text(
            f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "plain"\nsender = "brief@example.org"\n',
            encoding="utf-8",
        )
        sent = invoke("send", str(pdf), "--to", "analyst@example.org", "--cc", "desk@example.org",
                      "--subject", "Brief {date}", "--today", "2024-06-01")
        assert sent.exit_code == 0, sent.output
        (envelope,) = received.envelopes
        assert sorted(envelope.rcpt_tos) == ["analyst@example.org", "desk@example.org"]
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert message["Subject"] == "Brief 2024-06-01"
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == "中美简报.pdf"
        assert attachment.get_content() == pdf.read_bytes()


def test_send_errors_are_clear(tmp_path):
    Path("briefing.toml").write_text('[mail]\nhost = "127.0.0.1"\nport = 9\nsecurity = "plain"\n'
                                     'sender = "brief@example.org"\ntimeout = 2\n', encoding="utf-8")
    missing = invoke("send", "nope.pdf", "--to", "a@example.org")
    assert missing.exit_code == 1 and "nope.pdf" in missing.output
    no_recipient = invoke("send", "nope.pdf")
    assert no_recipient.exit_code == 2 and "no recipient" in no_recipient.output
    injected = invoke("send", "nope.pdf", "--to", "a@example.org", "--subject", "x\nBcc: evil@example.org")
    assert injected.exit_code != 0 and "Traceback" not in injected.output


def test_translate_command_with_openai_against_a_loopback_server(tmp_path, monkeypatch):
    # `briefing translate --translator openai`: one labelled English line per input line, in order,
    # and the policy glossary terms of the batch in the prompt the server received.
    chat = ChatServer(api_key="sk-env").start()
    try:
        Path("briefing.toml").write_text(
            f'[translate]\nopenai_base_url = "{chat.base_url}"\nopenai_model = "tiny"\nopenai_timeout = 5\n'
            "cache = false\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("BRIEFING_OPENAI_API_KEY", "sk-env")
        result = invoke("translate", "--translator", "openai", "--json", "--strict",
                        input="英伟达芯片受出口管制\n\n拜登政府发布新规\n")
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 3
        assert [line["mode"] for line in lines if line["en"]] == ["openai:tiny", "openai:tiny"]
        assert lines[0]["en"].startswith("EN<") and lines[1]["en"] == ""
        prompt = json.dumps(chat.requests, ensure_ascii=False)
        assert "出口管制 = export controls" in prompt and "英伟达 = Nvidia" in prompt
    finally:
        chat.stop()
