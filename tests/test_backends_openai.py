"""The openai backend against a chat-completions server on loopback, error paths included."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from backend_fixtures import ChatServer, FakeGist, completion

from briefing.backends import TranslationError
from briefing.backends.chain import TranslateSettings, build_translator
from briefing.backends.openai import (
    OpenAISettings,
    OpenAITranslator,
    glossary_for,
    parse_array,
    plain_answer,
    resolve_api_key,
    retry_after,
)

LINES = ["中美举行人工智能对话。", "美国商务部更新出口管制。", "国务院发布规划。"]
GLOSSARY = {"美国商务部": "US Department of Commerce", "出口管制": "export controls", "算力": "computing power"}


@pytest.fixture
def server() -> Iterator[ChatServer]:
    chat = ChatServer().start()
    yield chat
    chat.stop()


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFING_OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make(server: ChatServer, sleeps: Sleeps | None = None, **overrides: object) -> OpenAITranslator:
    options: dict[str, object] = {"base_url": server.base_url, "model": "test-model", "api_key": "sk-test", "timeout": 2.0, "retries": 2, "backoff": 0.01, "batch_size": 2}
    options.update(overrides)
    return OpenAITranslator(OpenAISettings(**options), glossary=GLOSSARY, sleep=sleeps if sleeps is not None else Sleeps())  # type: ignore[arg-type]


def test_batches_numbered_sentences_and_labels_the_model(server: ChatServer) -> None:
    translator = make(server)
    result = translator.translate([LINES[0], "", LINES[1], LINES[2]])
    assert [t.text for t in result] == [f"EN<{LINES[0]}>", "", f"EN<{LINES[1]}>", f"EN<{LINES[2]}>"]
    assert {t.mode for t in result} == {"openai:test-model"}
    assert len(server.requests) == 2  # three sentences, two per request
    first = server.requests[0]
    assert first["model"] == "test-model"
    assert first["temperature"] == 0
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    assert first["messages"][1]["content"] == f"1. {LINES[0]}\n2. {LINES[1]}"
    assert "JSON array of 2 strings" in first["messages"][0]["content"]
    assert server.headers[0]["Authorization"] == "Bearer sk-test"
    assert server.headers[0]["Content-Type"] == "application/json"


def test_only_glossary_terms_in_the_batch_go_in_the_prompt(server: ChatServer) -> None:
    make(server).translate(LINES[:2])
    system = server.requests[0]["messages"][0]["content"]
    assert "美国商务部 = US Department of Commerce" in system
    assert "出口管制 = export controls" in system
    assert "算力" not in system


def test_no_glossary_section_when_no_term_occurs(server: ChatServer) -> None:
    make(server).translate([LINES[2]])
    assert "Always render" not in server.requests[0]["messages"][0]["content"]


def test_api_key_comes_from_the_environment(server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-other")
    monkeypatch.setenv("BRIEFING_OPENAI_API_KEY", "sk-test")
    assert make(server, api_key=None).translate(LINES[:1])[0].text == f"EN<{LINES[0]}>"
    assert server.headers[0]["Authorization"] == "Bearer sk-test"
    assert resolve_api_key(None, {"OPENAI_API_KEY": "b"}) == "b"
    assert resolve_api_key("a", {"OPENAI_API_KEY": "b"}) == "a"
    assert resolve_api_key(None, {}) is None


def test_no_key_sends_no_authorization_header(monkeypatch: pytest.MonkeyPatch) -> None:
    chat = ChatServer(api_key=None).start()
    try:
        make(chat, api_key=None).translate(LINES[:1])
        assert "Authorization" not in chat.headers[0]
    finally:
        chat.stop()


# -- retries -------------------------------------------------------------------


def test_server_error_is_retried(server: ChatServer) -> None:
    server.script.append((500, {}, b'{"error": {"message": "overloaded"}}'))
    sleeps = Sleeps()
    result = make(server, sleeps).translate(LINES[:2])
    assert [t.text for t in result] == [f"EN<{LINES[0]}>", f"EN<{LINES[1]}>"]
    assert len(server.requests) == 2
    assert sleeps == [0.01]


def test_429_waits_as_long_as_retry_after_says(server: ChatServer) -> None:
    server.script.append((429, {"Retry-After": "0.5"}, b'{"error": {"message": "slow down"}}'))
    server.script.append((503, {}, b""))
    sleeps = Sleeps()
    make(server, sleeps).translate(LINES[:1])
    assert sleeps == [0.5, 0.02]  # Retry-After, then the doubled backoff
    assert len(server.requests) == 3


def test_retry_after_is_capped(server: ChatServer) -> None:
    server.script.append((429, {"Retry-After": "3600"}, b""))
    sleeps = Sleeps()
    make(server, sleeps, max_backoff=0.05).translate(LINES[:1])
    assert sleeps == [0.05]


def test_retries_are_bounded(server: ChatServer) -> None:
    server.script.extend([(502, {}, b"")] * 5)
    with pytest.raises(TranslationError, match=r"failed after 3 attempt\(s\): HTTP 502"):
        make(server, retries=2).translate(LINES[:1])
    assert len(server.requests) == 3


def test_401_is_not_retried_and_says_what_to_do(server: ChatServer) -> None:
    sleeps = Sleeps()
    with pytest.raises(TranslationError) as error:
        make(server, sleeps, api_key="sk-wrong").translate(LINES[:1])
    message = str(error.value)
    assert "HTTP 401" in message and "Incorrect API key provided" in message
    assert "BRIEFING_OPENAI_API_KEY" in message
    assert len(server.requests) == 1 and sleeps == []


def test_404_points_at_the_base_url(server: ChatServer) -> None:
    translator = make(server, base_url=server.base_url.removesuffix("/v1"))
    with pytest.raises(TranslationError, match="HTTP 404.*openai_base_url"):
        translator.translate(LINES[:1])


def test_an_answer_that_is_not_chat_completions(server: ChatServer) -> None:
    server.script.append((200, {}, b"<html>proxy login</html>"))
    with pytest.raises(TranslationError, match="chat-completions format"):
        make(server).translate(LINES[:1])


# -- answers that are not what was asked ---------------------------------------


def test_malformed_json_answer_is_asked_again_one_by_one(server: ChatServer) -> None:
    server.script.append("Sure! Here are the translations: 1) ... 2) ...")
    result = make(server).translate(LINES[:2])
    assert [t.text for t in result] == [f"EN<{LINES[0]}>", f"EN<{LINES[1]}>"]
    assert len(server.requests) == 3
    assert [numbered(r) for r in server.requests[1:]] == [[LINES[0]], [LINES[1]]]


def test_wrong_count_is_asked_again_one_by_one(server: ChatServer) -> None:
    server.script.append(json.dumps(["only one"]))
    result = make(server).translate(LINES[:2])
    assert [t.text for t in result] == [f"EN<{LINES[0]}>", f"EN<{LINES[1]}>"]
    assert len(server.requests) == 3


def test_single_sentence_answered_in_plain_text(server: ChatServer) -> None:
    server.script.append('"The State Council issued a plan."')
    assert make(server).translate([LINES[2]])[0].text == "The State Council issued a plan."


def test_fenced_and_wrapped_answers_are_read() -> None:
    assert parse_array('```json\n["a", "b"]\n```', 2) == ["a", "b"]
    assert parse_array('Here you go: ["a",  "b c"] Hope it helps', 2) == ["a", "b c"]
    assert parse_array('{"translations": ["a", "b"]}', 2) == ["a", "b"]
    assert parse_array('<think>hmm [1]</think>["a"]', 1) == ["a"]
    assert parse_array('["a"]', 2) is None
    assert parse_array("[1, 2]", 2) is None
    assert parse_array("no", 1) is None
    assert plain_answer("1. The plan.") == "The plan."


def test_glossary_selection_is_longest_first_and_bounded() -> None:
    assert glossary_for(["美国商务部和出口管制"], GLOSSARY) == [("美国商务部", "US Department of Commerce"), ("出口管制", "export controls")]
    many = {f"词{i:03d}": str(i) for i in range(200)}
    assert len(glossary_for(["".join(many)], many)) == 80


def test_retry_after_header_forms() -> None:
    assert retry_after("2") == 2.0
    assert retry_after(None) is None
    assert retry_after("soon") is None
    assert 0 <= retry_after(time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))) <= 31  # type: ignore[operator]


def test_settings_are_checked() -> None:
    with pytest.raises(TranslationError, match="openai_model"):
        OpenAITranslator(OpenAISettings(model=""))
    with pytest.raises(TranslationError, match="not an http"):
        OpenAITranslator(OpenAISettings(model="m", base_url="localhost:11434"))


# -- in the chain: failures become gist lines ----------------------------------


def chain_settings(tmp_path: Path, base_url: str, **overrides: object) -> TranslateSettings:
    options: dict[str, object] = {
        "openai_base_url": base_url,
        "openai_model": "test-model",
        "openai_api_key": "sk-test",
        "openai_timeout": 0.3,
        "openai_retries": 1,
        "batch_size": 2,
        "cache_path": tmp_path / "cache.sqlite3",
    }
    options.update(overrides)
    return TranslateSettings(**options)  # type: ignore[arg-type]


def test_timeout_falls_back_to_the_gist_with_one_warning(server: ChatServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server.sleep = 1.0
    chain = build_translator("openai", chain_settings(tmp_path, server.base_url), gist_factory=FakeGist, glossary=GLOSSARY)
    assert chain._fallback is not None
    chain._fallback.primary._sleep = lambda seconds: None  # no backoff wait in the test
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = chain.translate(LINES)
        again = chain.translate(["另一句话。"])
    elapsed = time.monotonic() - started
    assert [t.mode for t in result] == ["gist"] * 3
    assert again[0].mode == "gist"
    assert len(server.requests) == 2  # one attempt and one retry, then the backend is left alone
    assert elapsed < 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "timeout" in warnings[0]
    assert len(chain.fallbacks) == 1 and "timeout" in chain.fallbacks[0]


def test_unreachable_endpoint_falls_back(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:  # a port on loopback that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = chain_settings(tmp_path, f"http://127.0.0.1:{port}/v1", openai_retries=0)
    chain = build_translator("openai", settings, gist_factory=FakeGist, glossary={})
    with caplog.at_level(logging.WARNING, logger="briefing.translate"):
        result = chain.translate(LINES[:2])
    assert {t.mode for t in result} == {"gist"}
    assert "cannot reach" in chain.fallbacks[0]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_auth_error_falls_back_or_raises_when_strict(server: ChatServer, tmp_path: Path) -> None:
    settings = chain_settings(tmp_path, server.base_url, openai_api_key="sk-wrong")
    chain = build_translator("openai", settings, gist_factory=FakeGist, glossary={})
    assert {t.mode for t in chain.translate(LINES)} == {"gist"}
    assert "HTTP 401" in chain.fallbacks[0]
    strict = build_translator("openai", settings, gist_factory=FakeGist, glossary={}, strict=True)
    with pytest.raises(TranslationError, match="HTTP 401"):
        strict.translate(LINES)


def test_a_later_batch_failing_keeps_the_earlier_ones(server: ChatServer, tmp_path: Path) -> None:
    server.script.extend([json.dumps(["one", "two"]), (400, {}, b'{"error": {"message": "context too long"}}')])
    chain = build_translator("openai", chain_settings(tmp_path, server.base_url), gist_factory=FakeGist, glossary={})
    result = chain.translate(LINES)
    assert [t.mode for t in result] == ["openai:test-model", "openai:test-model", "gist"]
    assert [t.text for t in result[:2]] == ["one", "two"]
    assert "context too long" in chain.fallbacks[0]


def numbered(request: dict[str, object]) -> list[str]:
    from backend_fixtures import numbered_sentences

    return numbered_sentences(request)  # type: ignore[arg-type]


def test_completion_helper_matches_the_protocol() -> None:
    assert json.loads(completion("x"))["choices"][0]["message"]["content"] == "x"
