"""Atomic writes and the output folder's lock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.package.atomic import (
    TEMP_PREFIX,
    BuildLocked,
    build_lock,
    remove_temporaries,
    write_atomic,
)


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "alpine.zip"
    target.write_bytes(b"old")

    write_atomic(target, b"new", 0o640)

    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["alpine.zip"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "alpine.zip"
    target.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")

    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["alpine.zip"]


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
