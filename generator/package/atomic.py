"""Crash-safe writes into dist/: a temporary file renamed over the target; and the lock one build
holds.

A rename is atomic, so a reader, or a build killed at any moment, sees the old file or the new
one and never a part. Making the bytes durable against a power cut is a separate, costly step
(fsync): a build asks for it once, for everything it wrote, before its manifest (`flush_all`),
rather than once per file; the manifest and checksums themselves are written durably.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator.errors import PspluginError
from generator.log import get_log

log = get_log(__name__)

# Every temporary file starts with this prefix, so that the next build can recognise and remove
# what a killed build left behind, and nothing else.
TEMP_PREFIX = ".psplugin-tmp-"
LOCK_NAME = ".lock"

_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
_sequence = itertools.count()
# This process's id, for temporary names: asked once per process rather than once per file.
_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)


class BuildLocked(PspluginError):
    """Another build holds the lock on the output folder."""


def file_mode() -> int:
    """The mode a newly created file gets under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: Path | str, data: bytes, mode: int = 0o644, *, durable: bool = False
) -> tuple[int, int]:
    """Write `data` to `path` so that readers see the old file or the new one, never a part.
    With `durable`, the file and the rename are also on disk when this returns. Returns the
    file's size and modification time (ns) as written."""
    stamp: tuple[int, int] = (0, 0)

    def write(fd: int) -> None:
        nonlocal stamp
        _write_all(fd, data)
        stamp = _settle(fd, mode)

    _replace_with(str(path), write, mode, durable)
    return stamp


def write_atomic_chunks(
    path: Path | str, chunks: Iterable[bytes], mode: int = 0o644, *, durable: bool = False
) -> str:
    """Like write_atomic, for content made piece by piece; returns the sha256 of what it wrote."""
    # Imported here: loading OpenSSL's hashes takes milliseconds that a build in which nothing
    # changed, which never writes, need not spend.
    import hashlib

    digest = hashlib.sha256()

    def write(fd: int) -> None:
        for chunk in chunks:
            digest.update(chunk)
            _write_all(fd, chunk)
        _settle(fd, mode)

    _replace_with(str(path), write, mode, durable)
    return digest.hexdigest()


def _replace_with(path: str, write: Callable[[int], None], mode: int, durable: bool) -> None:
    folder, _, name = path.rpartition("/")
    fd, temporary = _create_temporary(folder or ".", name, mode)
    try:
        try:
            write(fd)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    if durable:
        fsync_folder(Path(folder or "."))


def _settle(fd: int, mode: int) -> tuple[int, int]:
    """Give the written file its mode, which the umask may have narrowed when it was created;
    returns its size and modification time (ns)."""
    stat = os.fstat(fd)
    if stat.st_mode & 0o7777 != mode:
        os.fchmod(fd, mode)
    return stat.st_size, stat.st_mtime_ns


def _create_temporary(folder: str, name: str, mode: int) -> tuple[int, str]:
    # The process id and a counter make the name unique among running builds (the lock allows
    # one per folder, and its workers differ by pid); one left by a killed process whose pid came
    # round again is stepped over.
    while True:
        temporary = f"{folder}/{TEMP_PREFIX}{_pid}-{next(_sequence)}-{name}"
        try:
            return os.open(temporary, _OPEN_FLAGS, mode), temporary
        except FileExistsError:
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written == 0:
            raise OSError(errno.EIO, "the file system accepted no bytes")
        view = view[written:]


def fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable: a rename is only on disk once its folder is."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def flush_all() -> None:
    """Put everything written so far on disk, in one pass instead of one fsync per file."""
    os.sync()


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
