"""Translation through any OpenAI-compatible chat-completions endpoint.

Works with a local server (Ollama: ``http://localhost:11434/v1``, vLLM,
llama.cpp's server) or a hosted one.  Several numbered sentences go in one
request and the model is asked for a JSON array of the same length; an answer
that cannot be read as such, or has the wrong count, is asked again one
sentence at a time.  Terms from the policy glossary (and the user's term
corrections) that occur in a batch are listed in the system prompt, so names
and terms come out the same way every time.

The HTTP client is the standard library's ``urllib``: one JSON POST with a
timeout is all this needs, so the backend adds no dependency.

The API key comes from the configuration or from the environment
(``BRIEFING_OPENAI_API_KEY``, then ``OPENAI_API_KEY``), never from the
command line, where other users could read it in the process list.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefing.backends import BATCH_SIZE, TranslationError
from briefing.models import Translation

log = logging.getLogger("briefing.translate")

API_KEY_VARIABLES = ("BRIEFING_OPENAI_API_KEY", "OPENAI_API_KEY")
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
MAX_GLOSSARY_TERMS = 80  # per request: the prompt stays small even for a long batch

SYSTEM_PROMPT = """\
You translate Chinese news sentences about US-China AI and technology policy into English for a policy brief.
Translate each numbered sentence faithfully and completely, in neutral, precise English. Do not summarise, explain or add anything.
Answer with only a JSON array of {count} strings: the English of sentence 1, sentence 2, ... in order, one string per sentence."""

GLOSSARY_PROMPT = "\nAlways render these terms exactly as given (Chinese = English):\n"


@dataclass(frozen=True, slots=True)
class OpenAISettings:
    """How to reach the chat-completions endpoint.

    base_url
        The API root, ending before ``/chat/completions``: ``http://localhost:11434/v1``
        (Ollama), ``http://localhost:8000/v1`` (vLLM), ``https://api.openai.com/v1``.
    model
        The model name the endpoint knows (``qwen2.5:7b``, ``gpt-4o-mini``, ...).
        Required; it is also part of each line's label ("openai:<model>").
    api_key
        From the configuration file; ``None`` reads ``BRIEFING_OPENAI_API_KEY``
        and then ``OPENAI_API_KEY``.  No key at all sends no Authorization
        header (fine for a local server).
    timeout
        Seconds for one request (connect and answer).
    retries
        Extra attempts after a timeout, a refused connection, HTTP 429 or 5xx.
        Authentication and other 4xx errors are never retried.
    backoff
        Seconds before the first retry; each later retry waits twice as long.
        A 429's ``Retry-After`` is honoured instead when it says more.
    max_backoff
        Upper bound for any single wait, ``Retry-After`` included.
    batch_size
        Sentences per request.
    max_tokens
        Upper bound on the answer's length, or ``None`` for the server's default.
    """

    base_url: str = "http://localhost:11434/v1"
    model: str = ""
    api_key: str | None = None
    timeout: float = 60.0
    retries: int = 2
    backoff: float = 1.0
    max_backoff: float = 30.0
    batch_size: int = BATCH_SIZE
    max_tokens: int | None = None


def resolve_api_key(configured: str | None, environ: Mapping[str, str] | None = None) -> str | None:
    """The configured key, else the first environment variable that is set."""
    if configured:
        return configured
    environ = os.environ if environ is None else environ
    for variable in API_KEY_VARIABLES:
        if environ.get(variable):
            return environ[variable]
    return None


class _Transient(Exception):
    """A failure worth retrying; ``wait`` is the server's Retry-After, if any."""

    def __init__(self, cause: str, wait: float | None = None):
        super().__init__(cause)
        self.wait = wait


class OpenAITranslator:
    """zh→en with a chat model behind an OpenAI-compatible endpoint."""

    name = "openai"

    def __init__(
        self,
        settings: OpenAISettings,
        *,
        glossary: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not settings.model:
            raise TranslationError(
                "the openai backend needs a model name: set [translate] openai_model "
                "(for example qwen2.5:7b for Ollama)"
            )
        if not re.match(r"^https?://", settings.base_url):
            raise TranslationError(f"openai_base_url {settings.base_url!r} is not an http(s) URL")
        self.settings = settings
        self.url = settings.base_url.rstrip("/") + "/chat/completions"
        self.mode = f"openai:{settings.model}"
        self.model_id = f"{settings.model}@{settings.base_url.rstrip('/')}"
        self.glossary = dict(glossary or {})
        self._api_key = resolve_api_key(settings.api_key)
        self._sleep = sleep
        self.requests = 0  # HTTP requests sent, retries included

    # -- the protocol --------------------------------------------------------

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        results = [Translation("", self.mode)] * len(batch)
        todo = [(i, text.strip()) for i, text in enumerate(batch) if text.strip()]
        size = max(1, self.settings.batch_size)
        for start in range(0, len(todo), size):
            chunk = todo[start : start + size]
            english = self._translate_chunk([text for _, text in chunk])
            for (index, _), text in zip(chunk, english, strict=True):
                results[index] = Translation(text, self.mode)
        return results

    # -- one batch -----------------------------------------------------------

    def _translate_chunk(self, sentences: list[str]) -> list[str]:
        content = self._complete(sentences)
        parsed = parse_array(content, len(sentences))
        if parsed is not None:
            return parsed
        if len(sentences) == 1:
            return [plain_answer(content)]
        log.debug("openai: answer for %d sentences was not a JSON array of that length; asking one by one", len(sentences))
        return [self._translate_single(sentence) for sentence in sentences]

    def _translate_single(self, sentence: str) -> str:
        content = self._complete([sentence])
        parsed = parse_array(content, 1)
        return parsed[0] if parsed is not None else plain_answer(content)

    def messages(self, sentences: list[str]) -> list[dict[str, str]]:
        """The chat messages for one batch: instructions and glossary, then the numbered sentences."""
        system = SYSTEM_PROMPT.format(count=len(sentences))
        terms = glossary_for(sentences, self.glossary)
        if terms:
            system += GLOSSARY_PROMPT + "\n".join(f"{zh} = {en}" for zh, en in terms)
        user = "\n".join(f"{number}. {sentence}" for number, sentence in enumerate(sentences, 1))
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _complete(self, sentences: list[str]) -> str:
        payload: dict[str, Any] = {
            "model": self.settings.model,
            "messages": self.messages(sentences),
            "temperature": 0,
        }
        if self.settings.max_tokens:
            payload["max_tokens"] = self.settings.max_tokens
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        delay = self.settings.backoff
        attempts = 1 + max(0, self.settings.retries)
        for attempt in range(1, attempts + 1):
            try:
                return self._post(body)
            except _Transient as failure:
                if attempt == attempts:
                    raise TranslationError(
                        f"openai endpoint {self.url} failed after {attempts} attempt(s): {failure}"
                    ) from None
                wait = min(max(delay, failure.wait or 0.0), self.settings.max_backoff)
                log.debug("openai: %s; retrying in %.2fs (attempt %d of %d)", failure, wait, attempt + 1, attempts)
                self._sleep(wait)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _post(self, body: bytes) -> str:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise self._http_error(error) from None
        except TimeoutError:
            raise _Transient(f"no answer within {self.settings.timeout:g}s (timeout)") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise _Transient(f"no answer within {self.settings.timeout:g}s (timeout)") from None
            raise _Transient(f"cannot reach {self.url} ({error.reason})") from None
        except (ConnectionError, OSError) as error:  # reset mid-answer, ...
            raise _Transient(f"connection to {self.url} failed ({error})") from None
        return completion_content(raw, self.url)

    def _http_error(self, error: urllib.error.HTTPError) -> Exception:
        detail = _error_detail(error)
        status = error.code
        if status in RETRYABLE_STATUS or status >= 500:
            return _Transient(f"HTTP {status}{detail}", retry_after(error.headers.get("Retry-After")))
        if status in (401, 403):
            return TranslationError(
                f"openai endpoint {self.url} refused the request (HTTP {status}{detail}): check the API key in "
                f"[translate] or {' / '.join(API_KEY_VARIABLES)}"
            )
        if status == 404:
            return TranslationError(
                f"openai endpoint {self.url} answered HTTP 404{detail}: check openai_base_url "
                f"(it ends before /chat/completions) and that model {self.settings.model!r} exists there"
            )
        return TranslationError(f"openai endpoint {self.url} rejected the request (HTTP {status}{detail})")


# --------------------------------------------------------------------------
# Helpers (pure, tested directly)
# --------------------------------------------------------------------------


def glossary_for(sentences: Sequence[str], glossary: Mapping[str, str]) -> list[tuple[str, str]]:
    """Glossary entries whose Chinese occurs in the batch, longest first, at most MAX_GLOSSARY_TERMS."""
    text = "\n".join(sentences)
    found = [(zh, en) for zh, en in glossary.items() if zh and zh in text]
    found.sort(key=lambda item: (-len(item[0]), item[0]))
    return found[:MAX_GLOSSARY_TERMS]


def completion_content(raw: bytes, url: str) -> str:
    """``choices[0].message.content`` of a chat-completions answer."""
    try:
        answer = json.loads(raw)
        content = answer["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        snippet = raw[:200].decode("utf-8", "replace")
        raise TranslationError(f"openai endpoint {url} did not answer in the chat-completions format: {snippet!r}") from None
    if not isinstance(content, str):
        raise TranslationError(f"openai endpoint {url} answered without message content")
    return content


_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)  # reasoning models' preamble


def parse_array(content: str, count: int) -> list[str] | None:
    """The answer as ``count`` strings, or None when it is not such a JSON array.

    Tolerates code fences, text around the array, a reasoning preamble and an
    object wrapping the array (``{"translations": [...]}``).
    """
    text = _FENCE.sub("", _THINK.sub("", content).strip()).strip()
    candidates = [text]
    start, end = text.find("["), text.rfind("]")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            arrays = [v for v in value.values() if isinstance(v, list)]
            value = arrays[0] if len(arrays) == 1 else None
        if isinstance(value, list) and len(value) == count and all(isinstance(v, str) for v in value):
            return [" ".join(v.split()) for v in value]
    return None


def plain_answer(content: str) -> str:
    """A single sentence's answer given as plain text rather than an array."""
    text = _FENCE.sub("", _THINK.sub("", content).strip()).strip()
    text = re.sub(r"^1\.\s+", "", text)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return " ".join(text.split())


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_detail(error: urllib.error.HTTPError) -> str:
    try:
        body = error.read()[:500]
        message = json.loads(body).get("error", {}).get("message")
    except (OSError, ValueError, AttributeError):  # the detail is a courtesy; the status says enough
        return ""
    return f": {message}" if message else ""
