"""Shared helpers for the backend tests: a tiny Argos package, a fake gist,
and a loopback chat-completions server.

Nothing here touches the network beyond 127.0.0.1, and nothing downloads a
model: the Argos package is built from scratch (a SentencePiece model trained
on a dozen lines, a random-weight Transformer written with CTranslate2's spec
API), so its output is nonsense but every step that runs it is real.
"""

from __future__ import annotations

import json
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

from briefing.models import Translation

TRAINING_LINES = [
    "美国商务部宣布对华人工智能芯片出口管制新规。",
    "中美两国在人工智能治理问题上展开对话。",
    "国务院发布新一代人工智能发展规划。",
    "工业和信息化部推动算力基础设施建设。",
    "美国国会讨论限制先进半导体技术出口。",
    "中国外交部回应美方的出口管制措施。",
    "The US Commerce Department announced new export controls on AI chips.",
    "China and the United States held a dialogue on AI governance.",
    "The State Council issued a development plan for artificial intelligence.",
    "Congress discussed restrictions on advanced semiconductor exports.",
    "The Ministry of Foreign Affairs responded to the export control measures.",
    "Computing infrastructure is a priority of industrial policy.",
]


# --------------------------------------------------------------------------
# A tiny Argos package
# --------------------------------------------------------------------------


def train_sentencepiece(directory: Path, vocab_size: int = 120) -> Path:
    import sentencepiece

    corpus = directory / "corpus.txt"
    corpus.write_text("\n".join(TRAINING_LINES * 3) + "\n", encoding="utf-8")
    prefix = directory / "sentencepiece"
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    corpus.unlink()
    Path(f"{prefix}.vocab").unlink()
    return Path(f"{prefix}.model")


def write_tiny_transformer(model_dir: Path, vocabulary: list[str], *, dim: int = 16, ffn: int = 32, seed: int = 0) -> None:
    """A one-layer, two-head Transformer with random weights, saved as a CTranslate2 model."""
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)

    def weights(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def linear(spec: Any, out_dim: int, in_dim: int) -> None:
        spec.weight = weights(out_dim, in_dim)
        spec.bias = weights(out_dim)

    def norm(spec: Any) -> None:
        spec.gamma = np.ones(dim, dtype=np.float32)
        spec.beta = np.zeros(dim, dtype=np.float32)

    def attention(spec: Any, *, self_attention: bool) -> None:
        norm(spec.layer_norm)
        if self_attention:  # fused query/key/value
            linear(spec.linear[0], 3 * dim, dim)
            linear(spec.linear[1], dim, dim)
        else:  # query, fused key/value, output
            linear(spec.linear[0], dim, dim)
            linear(spec.linear[1], 2 * dim, dim)
            linear(spec.linear[2], dim, dim)

    def feed_forward(spec: Any) -> None:
        norm(spec.layer_norm)
        linear(spec.linear_0, ffn, dim)
        linear(spec.linear_1, dim, ffn)

    size = len(vocabulary)
    spec = transformer_spec.TransformerSpec.from_config(num_layers=1, num_heads=2)
    spec.encoder.embeddings[0].weight = weights(size, dim)
    norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, self_attention=True)
        feed_forward(layer.ffn)
    spec.decoder.embeddings.weight = weights(size, dim)
    norm(spec.decoder.layer_norm)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, self_attention=True)
        attention(layer.attention, self_attention=False)
        feed_forward(layer.ffn)
    linear(spec.decoder.projection, size, dim)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=None)
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def build_argos_package(directory: Path, *, name: str = "translate-zh_en-0_1", from_code: str = "zh", to_code: str = "en") -> Path:
    """An unpacked Argos package folder at ``directory/name``."""
    import sentencepiece

    package = directory / name
    package.mkdir(parents=True)
    sp_model = train_sentencepiece(package)
    processor = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    write_tiny_transformer(package / "model", vocabulary)
    metadata = {
        "package_version": "0.1",
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": "Chinese",
        "to_code": to_code,
        "to_name": "English",
        "code": name,
    }
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return package


def zip_package(package: Path, archive: Path) -> Path:
    """The package folder zipped as Argos ships it: one top folder inside."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(package.rglob("*")):
            zipped.write(path, Path(package.name) / path.relative_to(package))
    return archive


# --------------------------------------------------------------------------
# A fake gist
# --------------------------------------------------------------------------


class FakeGist:
    """Stands in for the embedded gist so the tests do not load CC-CEDICT."""

    name = "gist"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate(self, batch: Sequence[str]) -> list[Translation]:
        self.calls.append(list(batch))
        return [Translation(f"gist({text})", "gist") for text in batch]


# --------------------------------------------------------------------------
# A loopback chat-completions server
# --------------------------------------------------------------------------

Responder = Callable[["ChatServer", dict[str, Any], list[str]], tuple[int, dict[str, str], bytes] | None]


@dataclass
class ChatServer:
    """An OpenAI-style ``POST /v1/chat/completions`` server on 127.0.0.1.

    By default it "translates" each numbered sentence as ``EN<sentence>`` and
    answers with a JSON array.  ``script`` is a queue of canned replies
    (status, headers, body) served first, one per request; ``respond`` can
    replace the default answer entirely.  Every request is recorded.
    """

    api_key: str | None = "sk-test"
    script: list[tuple[int, dict[str, str], bytes] | str] = field(default_factory=list)
    respond: Responder | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    sleep: float = 0.0

    def start(self) -> ChatServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    return self._send(404, {}, b'{"error": {"message": "not found"}}')
                try:
                    request = json.loads(body)
                except ValueError:
                    return self._send(400, {}, b'{"error": {"message": "bad json"}}')
                server.requests.append(request)
                if server.api_key is not None and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                    return self._send(401, {}, b'{"error": {"message": "Incorrect API key provided"}}')
                if server.sleep:
                    time.sleep(server.sleep)
                if server.script:
                    reply = server.script.pop(0)
                    if isinstance(reply, str):  # content only
                        return self._send(200, {}, completion(reply))
                    return self._send(*reply)
                sentences = numbered_sentences(request)
                if server.respond is not None:
                    answer = server.respond(server, request, sentences)
                    if answer is not None:
                        return self._send(*answer)
                content = json.dumps([f"EN<{s}>" for s in sentences], ensure_ascii=False)
                return self._send(200, {}, completion(content))

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out first
                    pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def completion(content: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def numbered_sentences(request: dict[str, Any]) -> list[str]:
    """The sentences of a request, read back from the numbered user message."""
    user = request["messages"][-1]["content"]
    sentences = []
    for line in user.splitlines():
        number, sep, text = line.partition(". ")
        if sep and number.isdigit():
            sentences.append(text)
    return sentences
