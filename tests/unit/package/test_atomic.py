"""Atomic writes and the output folder's lock."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from generator.package import atomic
from generator.package.atomic import (
    TEMP_PREFIX,
    BuildLocked,
    build_lock,
    remove_temporaries,
    write_atomic,
    write_atomic_chunks,
)


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "alpine.zip"
    target.write_bytes(b"old")

    write_atomic(target, b"new", 0o640)

    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["alpine.zip"]


@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o077, 0o644), (0o022, 0o600), (0o000, 0o640)]
)
def test_written_files_get_the_mode_asked_for_whatever_the_umask(
    tmp_path: Path, umask: int, mode: int
) -> None:
    previous = os.umask(umask)
    try:
        size, mtime_ns = write_atomic(tmp_path / "one", b"data", mode)
        write_atomic_chunks(tmp_path / "two", [b"da", b"ta"], mode)
    finally:
        os.umask(previous)

    for name in ("one", "two"):
        assert (tmp_path / name).stat().st_mode & 0o7777 == mode
    stat = (tmp_path / "one").stat()
    assert (size, mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "alpine.zip"
    target.write_bytes(b"old")

    def full_disk(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")

    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["alpine.zip"]


def test_only_durable_writes_wait_for_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomic(tmp_path / "setup-sheet.md", b"sheet")
    assert synced == []

    write_atomic(tmp_path / "manifest.json", b"{}", durable=True)
    assert len(synced) == 2  # the file, then the folder that holds its new name
    assert (tmp_path / "manifest.json").read_bytes() == b"{}"


def test_a_temporary_left_under_the_same_name_is_stepped_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A killed process whose id came round again may have left the very name a new write picks.
    monkeypatch.setattr(atomic, "_sequence", itertools.count())
    stale = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-0-alpine.zip"
    stale.write_bytes(b"partial")

    write_atomic(tmp_path / "alpine.zip", b"whole")

    assert (tmp_path / "alpine.zip").read_bytes() == b"whole"
    assert stale.read_bytes() == b"partial"


def test_only_our_temporaries_are_removed(tmp_path: Path) -> None:
    (tmp_path / f"{TEMP_PREFIX}abc-alpine.zip").write_bytes(b"partial")
    (tmp_path / "alpine.zip").write_bytes(b"good")
    (tmp_path / ".build-state.json").write_bytes(b"{}")

    assert remove_temporaries(tmp_path) == 1
    assert sorted(os.listdir(tmp_path)) == [".build-state.json", "alpine.zip"]
    assert remove_temporaries(tmp_path / "missing") == 0


def test_a_second_build_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with (
        build_lock(tmp_path / "dist"),
        pytest.raises(BuildLocked, match=r"another build is writing to .*dist"),
        build_lock(tmp_path / "dist"),
    ):
        pass

    with build_lock(tmp_path / "dist"):
        pass  # released when the first build ended
