"""One run at a time per output folder.

Cron can start a run while yesterday's is still rendering (a slow disk, a
large corpus).  Two runs writing the same brief and state file would race,
so a run holds an exclusive fcntl lock on a file in the output folder; the
kernel drops it when the process dies, so a killed run never leaves a stale
lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefing.errors import BriefingError

LOCK_NAME = ".briefing.lock"


class LockBusyError(BriefingError):
    """Another run holds the lock (exit 75, EX_TEMPFAIL: try again later)."""

    exit_code = 75


@contextmanager
def run_lock(folder: Path, *, wait: float = 0.0, poll: float = 0.2) -> Iterator[Path]:
    """Hold the folder's lock; wait up to ``wait`` seconds for another run to finish."""
    path = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        # A read-only folder or a file in the way of -o used to end in a
        # traceback from here (cron mails it, nobody reads it): say what failed.
        raise BriefingError(
            f"cannot use the output folder {folder}: {exc.strerror or exc} ({exc.filename or path}); "
            "the previous brief, if any, is unchanged"
        ) from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                    raise LockBusyError(
                        f"another briefing run (pid {holder}) is writing to {folder}; "
                        f"not starting a second one (use --wait SECONDS to wait for it)"
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock
