"""File-system helpers shared by the stages that write."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


TEMP_SUFFIX = ".briefing-tmp"


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A file object whose content replaces ``path`` only if the block succeeds.

    The temporary file sits in the same directory (so ``os.replace`` is
    atomic) and is fsync'd before the swap: a reader, such as the mail job,
    sees the old file or the new one, never half of one.  On any failure the
    temporary file is removed and the old file stays as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    temp = Path(temp_name)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain
        # open() would, so a mail job running as another user can read it.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where possible
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as file:
        file.write(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary files that a killed run left in ``folder``; call only under the run lock."""
    removed = []
    if folder.is_dir():
        for path in sorted(folder.glob(f".*{TEMP_SUFFIX}")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed
