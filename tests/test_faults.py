"""Faults while writing: a build killed at random points, a full disk, an unusable output folder.

The promise (README, "Every file is written atomically"): a reader sees the
previous brief or the complete new one, never half of one; the --new-only
state is the old one or the complete new one; the next successful run leaves
no temporary files; a write failure is one clear line on stderr and exit 1.

Everything runs the CLI in a child process with a timeout.  Tests run as root
in CI, where chmod does not stop writes, so a full disk is simulated with
RLIMIT_FSIZE (writes past the limit fail with EFBIG, SIGXFSZ ignored), and an
unusable folder with a file standing where -o wants a folder.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from benchmarks.corpus import generate
from briefing.fsutil import TEMP_SUFFIX
from conftest import ROOT

TODAY = "2024-06-01"


def environment(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    env.update(PYTHONHASHSEED="0", XDG_CONFIG_HOME=str(cwd / ".no-config"))
    return env


def build_args(*sources: str, formats: str = "pdf,json") -> list[str]:
    return [
        sys.executable, "-m", "briefing", "build", *sources, "--format", formats, "--new-only",
        "--state-file", "out/.published.json", "--today", TODAY, "-o", "out/brief.pdf", "-j", "2", "--quiet",
    ]  # fmt: skip


def run_build(cwd: Path, *sources: str, timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        build_args(*sources), cwd=cwd, env=environment(cwd), capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and p.name != ".briefing.lock"}


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith(TEMP_SUFFIX))


def assert_complete_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), f"{path}: truncated PDF"
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) >= 2
    assert "简报" in (reader.pages[0].extract_text() or "") or reader.metadata is not None


def assert_old_or_complete_new(out: Path, old: dict[str, bytes]) -> str:
    """Each published file is byte-identical to before or a complete new one; returns which."""
    states = []
    pdf = out / "brief.pdf"
    if pdf.read_bytes() == old["brief.pdf"]:
        states.append("pdf:old")
    else:
        assert_complete_pdf(pdf)
        states.append("pdf:new")
    brief = out / "brief.json"
    if brief.read_bytes() != old["brief.json"]:
        json.loads(brief.read_text(encoding="utf-8"))  # complete, or this raises
        states.append("json:new")
    state = out / ".published.json"
    if state.read_bytes() == old[".published.json"]:
        states.append("state:old")
    else:
        data = json.loads(state.read_text(encoding="utf-8"))
        before = json.loads(old[".published.json"])
        assert data["version"] == 2 and set(before["articles"]) <= set(data["articles"])
        # The state is saved only after every format is on disk.
        assert pdf.read_bytes() != old["brief.pdf"], "state saved before the PDF"
        states.append("state:new")
    return ",".join(states)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    generate(30, root / "day1", seed=1)
    generate(30, root / "day2", seed=2)  # tomorrow's articles: new points to publish
    return root


@pytest.mark.slow
def test_killed_builds_leave_the_previous_brief_and_state_intact(corpora, tmp_path):
    work = tmp_path
    for day in ("day1", "day2"):
        os.symlink(corpora / day, work / day)
    started = time.monotonic()
    first = run_build(work, "day1")
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr[-2000:]
    out = work / "out"
    old = snapshot(out)
    assert {"brief.pdf", "brief.json", ".published.json"} <= set(old)
    assert_complete_pdf(out / "brief.pdf")

    # SIGKILL the second day's build at random points across its run: reading,
    # ranking, rendering, writing each format, saving the state.
    rng = random.Random(20240601)
    fractions = [0.05, 0.2, 0.4, 0.6, 0.75, 0.85, 0.95, 1.05]
    outcomes = []
    for fraction in fractions:
        delay = duration * fraction * rng.uniform(0.9, 1.1)
        child = subprocess.Popen(
            build_args("day1", "day2"), cwd=work, env=environment(work), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the build and its pool workers
        child.wait(timeout=30)
        outcome = assert_old_or_complete_new(out, old)
        outcomes.append((round(delay, 2), child.returncode, outcome, len(temporaries(out))))
        if "state:new" in outcome:
            break  # published: later kills would only test an idle rerun
    print("kills (delay s, exit, files, temporaries left):", outcomes)
    assert any(code == -signal.SIGKILL for _, code, _, _ in outcomes), "no run was actually killed"

    # A run killed between mkstemp and rename leaves its temporary behind (the
    # random kills above may or may not hit that window): plant one to be sure.
    (out / f".brief.pdf.kill{TEMP_SUFFIX}").write_bytes(b"%PDF-1.7\nhalf a brie")
    final = run_build(work, "day1", "day2")
    assert final.returncode in (0, 3), final.stderr[-2000:]  # 3: a killed run had already published it all
    assert "Traceback" not in final.stderr
    assert temporaries(out) == []
    assert_complete_pdf(out / "brief.pdf")
    state = json.loads((out / ".published.json").read_text(encoding="utf-8"))
    assert set(json.loads(old[".published.json"])["articles"]) < set(state["articles"])


def _limit_file_size(limit: int):
    def apply() -> None:
        # Past the limit write() fails with EFBIG instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
def test_full_disk_is_a_clear_error_and_keeps_the_previous_brief(corpora, tmp_path):
    os.symlink(corpora / "day1", tmp_path / "day1")
    os.symlink(corpora / "day2", tmp_path / "day2")
    first = run_build(tmp_path, "day1")
    assert first.returncode == 0, first.stderr[-2000:]
    out = tmp_path / "out"
    old = snapshot(out)
    assert len(old["brief.pdf"]) > 60_000

    result = run_build(tmp_path, "day1", "day2", preexec_fn=_limit_file_size(50_000))
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("briefing: error: cannot write the brief to ")
    assert str(out) in message or "out" in message
    assert "File too large" in message and "previous brief" in message
    assert (out / "brief.pdf").read_bytes() == old["brief.pdf"]
    assert (out / ".published.json").read_bytes() == old[".published.json"]  # nothing recorded as published
    assert temporaries(out) == []  # the failed write removed its own temporary


def test_output_folder_that_cannot_be_created_is_a_clear_error(tmp_path):
    os.symlink(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / "out").write_text("a file where the output folder should be", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "build", "seeds", "--format", "json", "--today", TODAY,
         "-o", "out/brief.pdf", "-j", "1"],
        cwd=tmp_path, env=environment(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("briefing: error: cannot use the output folder out:")
    assert (tmp_path / "out").read_text(encoding="utf-8").startswith("a file")


@pytest.mark.slow
def test_state_file_that_cannot_be_written_is_a_clear_error(tmp_path):
    os.symlink(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / "blocker").write_text("not a folder", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "build", "seeds", "--format", "json", "--new-only",
         "--state-file", "blocker/state.json", "--today", TODAY, "-o", "out/brief.pdf", "-j", "1"],
        cwd=tmp_path, env=environment(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "cannot save the --new-only state to blocker/state.json" in result.stderr
    assert (tmp_path / "out" / "brief.json").is_file()  # the brief itself was written


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway (see the RLIMIT test)")
def test_read_only_output_folder_is_a_clear_error(tmp_path):
    os.symlink(ROOT / "seeds", tmp_path / "seeds")
    first = run_build(tmp_path, "seeds")
    assert first.returncode == 0, first.stderr
    out = tmp_path / "out"
    old = snapshot(out)
    out.chmod(0o555)
    try:
        (tmp_path / "more").mkdir()
        (tmp_path / "more" / "x.md").write_text("---\ntitle: 新\n---\n美国商务部宣布新的出口管制措施。\n", encoding="utf-8")
        result = run_build(tmp_path, "seeds", "more")
    finally:
        out.chmod(0o755)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Permission denied" in result.stderr and "out" in result.stderr
    assert snapshot(out) == old
