"""Readers: folders, zips and bare plugin.xml files into trees, safely and without writing."""

from __future__ import annotations

import io
import os
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rules_helpers import PLUGINS, good_tree, rules_of

from generator.findings import Severity
from generator.rules import check_path
from generator.rules.readers import ReadLimits, read_folder, read_plugin, read_zip, read_zip_bytes


def zip_bytes(entries: dict[str, bytes], *, directories: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if directories:
            folders = {name.rsplit("/", 1)[0] + "/" for name in entries if "/" in name}
            for folder in sorted(folders):
                archive.writestr(folder, b"")
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_zip(path: Path, entries: dict[str, bytes], *, directories: bool = False) -> Path:
    path.write_bytes(zip_bytes(entries, directories=directories))
    return path


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def duplicate_zip(path: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("plugin.xml", good_tree().files["plugin.xml"])
            archive.writestr("plugin.xml", b"second")
    return path


def linked_folder(path: Path) -> Path:
    path.mkdir()
    (path / "plugin.xml").write_bytes(good_tree().files["plugin.xml"])
    (path / "README.link").symlink_to(path / "plugin.xml")
    return path


def good_zip(path: Path) -> Path:
    return write_zip(path / "backpack.zip", good_tree().files)


Make = Callable[[Path], Path]
SMALL = ReadLimits(max_total_bytes=1_000_000)

# Each case builds a plugin under a temporary folder and names the rule reading it must report.
FAILING: list[Any] = [
    pytest.param(
        lambda d: write_bytes(d / "p.zip", b"not a zip"), None, "archive.unreadable", id="not-a-zip"
    ),
    pytest.param(
        lambda d: write_zip(d / "p.zip", {"plugin.xml": b"\0" * 2_000_000}),
        SMALL,
        "archive.too-large",
        id="bomb",
    ),
    pytest.param(
        lambda d: duplicate_zip(d / "p.zip"), None, "archive.duplicate-entry", id="duplicate"
    ),
    pytest.param(
        lambda d: write_zip(d / "p.rar", good_tree().files), None, "archive.upload-name", id="rar"
    ),
    pytest.param(lambda d: linked_folder(d / "p"), None, "archive.skipped-entry", id="symlink"),
    pytest.param(
        lambda d: write_zip(d / "p.zip", {"../x": b"x"}), None, "layout.unsafe-path", id="parent"
    ),
]
PASSING: list[Any] = [
    pytest.param(good_zip, None, rule, id=rule)
    for rule in (
        "archive.unreadable",
        "archive.too-large",
        "archive.duplicate-entry",
        "archive.upload-name",
        "archive.skipped-entry",
    )
]


@pytest.mark.parametrize(("make", "limits", "rule"), FAILING)
def test_reading_rule_fires(
    tmp_path: Path, make: Make, limits: ReadLimits | None, rule: str
) -> None:
    _, findings = check_path(make(tmp_path), limits=limits)
    assert rule in rules_of(findings)


@pytest.mark.parametrize(("make", "limits", "rule"), PASSING)
def test_reading_rule_passes(
    tmp_path: Path, make: Make, limits: ReadLimits | None, rule: str
) -> None:
    _, findings = check_path(make(tmp_path), limits=limits)
    assert rule not in rules_of(findings)


def test_good_folder_reads_completely() -> None:
    result = read_folder(PLUGINS / "good")
    assert result.complete
    assert result.findings == []
    assert "plugin.xml" in result.tree.files
    assert result.tree.display("plugin.xml") == f"{PLUGINS / 'good'}/plugin.xml"


@pytest.mark.parametrize("directories", [False, True], ids=["no-directory-entries", "with"])
def test_good_zip_passes_with_or_without_directory_entries(
    tmp_path: Path, directories: bool
) -> None:
    path = write_zip(tmp_path / "backpack.zip", good_tree().files, directories=directories)
    tree, findings = check_path(path)
    assert findings == []
    assert tree.files == good_tree().files
    assert tree.display("plugin.xml") == f"{path}!plugin.xml"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("../../etc/cron.d/evil", id="parent"),
        pytest.param("/etc/evil", id="absolute"),
        pytest.param("C:/Windows/evil.dll", id="drive"),
        pytest.param("web_root\\..\\..\\evil", id="backslash-parent"),
    ],
)
def test_hostile_zip_names_become_findings_not_files(tmp_path: Path, name: str) -> None:
    entries = {**good_tree().files, name: b"payload"}
    path = write_zip(tmp_path / "hostile.zip", entries)
    before = sorted(os.listdir(tmp_path))

    started = time.monotonic()
    tree, findings = check_path(path)
    assert time.monotonic() - started < 1.0

    assert rules_of(findings) == ["layout.unsafe-path"]
    assert findings[0].file == f"{path}!{name}"
    assert "not extracted" in findings[0].message
    assert name not in tree.files
    assert sorted(os.listdir(tmp_path)) == before


def test_zip_bomb_stops_at_the_byte_limit(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "bomb.zip", {"plugin.xml": b"\0" * 5_000_000})
    assert path.stat().st_size < 20_000
    started = time.monotonic()
    tree, findings = check_path(path, limits=ReadLimits(max_total_bytes=1_000_000))
    assert time.monotonic() - started < 1.0
    assert rules_of(findings) == ["archive.too-large"]
    assert tree.files == {}


def test_default_limits_stop_a_real_bomb_quickly(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plugin.xml", b"<plugin/>")
        for index in range(6):
            archive.writestr(f"web_root/big{index}.txt", b"\0" * 60_000_000)
    started = time.monotonic()
    result = read_zip_bytes(buffer.getvalue(), "bomb.zip")
    assert time.monotonic() - started < 5.0
    assert not result.complete
    assert rules_of(result.findings) == ["archive.too-large"]


def test_too_many_entries_stop_reading() -> None:
    entries = {f"web_root/{index}.txt": b"x" for index in range(20)}
    result = read_zip_bytes(zip_bytes(entries), "many.zip", ReadLimits(max_entries=5))
    assert rules_of(result.findings) == ["archive.too-large"]
    assert not result.complete


def test_duplicate_entries_keep_the_first(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("plugin.xml", b"first")
            archive.writestr("plugin.xml", b"second")
    result = read_zip_bytes(buffer.getvalue(), "dup.zip")
    assert rules_of(result.findings) == ["archive.duplicate-entry"]
    assert result.tree.files["plugin.xml"] == b"first"


def test_encrypted_entry_is_reported() -> None:
    data = bytearray(zip_bytes({"plugin.xml": b"<plugin/>"}))
    # Set the "encrypted" flag in the local and the central header, as a password tool would.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + offset] |= 0x1
    result = read_zip_bytes(bytes(data), "locked.zip")
    assert rules_of(result.findings) == ["archive.unreadable"]
    assert "encrypted" in result.findings[0].message


def test_corrupt_entry_is_reported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("plugin.xml", b"<plugin>original</plugin>")
    data = buffer.getvalue().replace(b"original", b"tampered")
    result = read_zip_bytes(data, "corrupt.zip")
    assert rules_of(result.findings) == ["archive.unreadable"]


def test_not_a_zip_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "plugin.zip"
    path.write_bytes(b"this is not a zip")
    tree, findings = check_path(path)
    assert rules_of(findings) == ["archive.unreadable"]
    assert tree.files == {}


def test_upload_must_end_in_zip_or_xml(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "backpack.tar", good_tree().files)
    _, findings = check_path(path)
    assert rules_of(findings) == ["archive.upload-name"]
    assert findings[0].severity is Severity.ERROR


def test_passing_reader_rules_on_a_good_zip(tmp_path: Path) -> None:
    result = read_zip(write_zip(tmp_path / "good.zip", good_tree().files))
    assert result.complete
    assert result.findings == []


@pytest.mark.parametrize("name", ["plugin.xml", "sso-only.xml"])
def test_bare_plugin_xml_is_read_as_the_plugin(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(good_tree().files["plugin.xml"])
    tree, findings = check_path(path)
    assert list(tree.files) == ["plugin.xml"]
    # Without the queries file, nothing in this plugin needs a permission or an access request.
    assert findings == []


def test_missing_path_is_reported(tmp_path: Path) -> None:
    tree, findings = check_path(tmp_path / "nowhere.zip")
    assert rules_of(findings) == ["archive.unreadable"]
    assert tree.files == {}


def test_folder_symlinks_are_reported_and_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("district-secret-value")
    plugin = tmp_path / "plugin"
    plugin.mkdir()
    (plugin / "plugin.xml").write_bytes(good_tree().files["plugin.xml"])
    (plugin / "web_root").mkdir()
    (plugin / "web_root" / "linked.txt").symlink_to(outside / "secret.txt")
    (plugin / "web_root" / "linked_dir").symlink_to(outside, target_is_directory=True)

    result = read_folder(plugin)
    assert rules_of(result.findings) == ["archive.skipped-entry"] * 2
    assert list(result.tree.files) == ["plugin.xml"]
    assert all(f.severity is Severity.WARNING for f in result.findings)


def test_folder_reader_skips_version_control_folders(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("[core]")
    (tmp_path / "plugin.xml").write_bytes(good_tree().files["plugin.xml"])
    result = read_plugin(tmp_path)
    assert list(result.tree.files) == ["plugin.xml"]
    assert result.findings == []


def test_folder_size_limit(tmp_path: Path) -> None:
    (tmp_path / "plugin.xml").write_bytes(b"x" * 2_000)
    result = read_folder(tmp_path, ReadLimits(max_file_bytes=1_000))
    assert rules_of(result.findings) == ["archive.too-large"]
    assert not result.complete
