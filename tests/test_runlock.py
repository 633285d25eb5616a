"""The run lock: a second run on the same output folder waits or stops clearly."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from briefing.runlock import LockBusyError, run_lock

HOLDER = """
import sys, time
from pathlib import Path
from briefing.runlock import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock_in_child(folder, seconds):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


def test_second_run_fails_fast_naming_the_holder(tmp_path):
    child = hold_lock_in_child(tmp_path, 5)
    try:
        with pytest.raises(LockBusyError) as info:
            with run_lock(tmp_path):
                pass
        assert f"pid {child.pid}" in str(info.value)
        assert info.value.exit_code == 75
    finally:
        child.kill()
        child.wait()


def test_second_run_waits_for_the_first(tmp_path):
    child = hold_lock_in_child(tmp_path, 0.5)
    start = time.monotonic()
    with run_lock(tmp_path, wait=10, poll=0.05):
        waited = time.monotonic() - start
    child.wait()
    assert 0.2 < waited < 9


def test_killed_holder_leaves_no_stale_lock(tmp_path):
    child = hold_lock_in_child(tmp_path, 30)
    child.kill()
    child.wait()
    with run_lock(tmp_path):
        pass


def test_lock_is_reentrant_across_sequential_runs(tmp_path):
    for _ in range(3):
        with run_lock(tmp_path / "out") as path:
            assert path.exists()
