"""Crash-safe writes into dist/: temporary file, fsync, rename; and the lock one build holds."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from generator.errors import PspluginError

log = logging.getLogger(__name__)

# Every temporary file starts with this prefix, so that the next build can recognise and remove
# what a killed build left behind, and nothing else.
TEMP_PREFIX = ".psplugin-tmp-"
LOCK_NAME = ".lock"


class BuildLocked(PspluginError):
    """Another build holds the lock on the output folder."""


def file_mode() -> int:
    """The mode a newly created file gets under the current umask (mkstemp itself uses 0o600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    write_atomic_chunks(path, [data], mode)


def write_atomic_chunks(path: Path, chunks: Iterable[bytes], mode: int = 0o644) -> str:
    """Like write_atomic, for content made piece by piece; returns the sha256 of what it wrote."""
    digest = hashlib.sha256()
    fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=f"-{path.name}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            for chunk in chunks:
                digest.update(chunk)
                stream.write(chunk)
            stream.flush()
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return digest.hexdigest()


def fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable: a rename is only on disk once its folder is."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_temporaries(folder: Path) -> int:
    """Remove the temporary files a killed build left in `folder`; returns how many."""
    removed = 0
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in os.scandir(folder):
            if entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    if removed:
        log.info("removed %s temporary file(s) left in %s by an interrupted build", removed, folder)
    return removed


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock on `out_dir` for the whole build."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BuildLocked(
            f"another build is writing to {out_dir}",
            tip="wait for it to finish, or build into another folder with --out",
        ) from None
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
