"""Atomic writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import stat

import pytest

from briefing import fsutil


def test_replaces_content_with_normal_permissions(tmp_path):
    path = tmp_path / "brief.pdf"
    path.write_bytes(b"old")
    fsutil.write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_failure_keeps_old_file_and_removes_temporary(tmp_path, monkeypatch):
    path = tmp_path / "brief.pdf"
    path.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        fsutil.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]


def test_stale_temporaries_of_killed_runs_are_removed(tmp_path):
    (tmp_path / "brief-2024-06-01.pdf").write_bytes(b"%PDF old")
    stale = tmp_path / f".brief-2024-06-01.pdf.abc123{fsutil.TEMP_SUFFIX}"
    stale.write_bytes(b"%PDF half")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("mine")
    assert fsutil.remove_stale_temporaries(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.tmp", "brief-2024-06-01.pdf"]
