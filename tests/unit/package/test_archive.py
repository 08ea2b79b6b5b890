"""The zip an installer accepts: plugin.xml at the root, sorted entries, fixed metadata, no junk."""

from __future__ import annotations

import io
import zipfile

import pytest

from generator.findings import Severity
from generator.package.archive import (
    DEFAULT_EPOCH,
    is_junk,
    select_entries,
    zip_bytes,
    zip_date_time,
)
from generator.tree import PluginTree


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        pytest.param(None, (1980, 1, 1, 0, 0, 0), id="default-is-the-zip-epoch"),
        pytest.param(1700000000, (2023, 11, 14, 22, 13, 20), id="source-date-epoch-in-utc"),
        pytest.param(0, (1980, 1, 1, 0, 0, 0), id="clamped-to-1980"),
        pytest.param(-5, (1980, 1, 1, 0, 0, 0), id="negative-clamped"),
        pytest.param(10**11, (2107, 12, 31, 23, 59, 58), id="clamped-to-2107"),
    ],
)
def test_timestamp_comes_from_source_date_epoch_within_the_zip_range(
    epoch: int | None, expected: tuple[int, ...]
) -> None:
    assert zip_date_time(epoch) == expected
    assert DEFAULT_EPOCH == 315532800


@pytest.mark.parametrize(
    ("path", "junk"),
    [
        pytest.param("plugin.xml", False, id="plugin-xml"),
        pytest.param("web_root/admin/home.backpack.content.footer.txt", False, id="fragment"),
        pytest.param("WEB_ROOT/images/logo.png", False, id="upper-case-web-root"),
        pytest.param(".DS_Store", True, id="ds-store"),
        pytest.param("web_root/.DS_Store", True, id="nested-ds-store"),
        pytest.param("__MACOSX/plugin.xml", True, id="macosx-folder"),
        pytest.param("web_root/.git/config", True, id="dot-folder"),
        pytest.param("web_root/page.html~", True, id="tilde-backup"),
        pytest.param("web_root/page.html.bak", True, id="bak"),
        pytest.param("web_root/.page.html.swp", True, id="vim-swap"),
        pytest.param("web_root/#page.html#", True, id="emacs-autosave"),
        pytest.param("web_root/Thumbs.db", True, id="thumbs-db"),
    ],
)
def test_junk_is_recognised(path: str, junk: bool) -> None:
    assert is_junk(path) is junk


def _tree(*paths: str) -> PluginTree:
    tree = PluginTree(origin="alpine")
    for path in paths:
        tree.add(path, f"content of {path}".encode())
    return tree


def test_junk_is_dropped_with_a_warning() -> None:
    entries, findings = select_entries(_tree("plugin.xml", "web_root/.DS_Store", "a.txt~"))

    assert [name for name, _ in entries] == ["plugin.xml"]
    assert {f.file for f in findings} == {"alpine/web_root/.DS_Store", "alpine/a.txt~"}
    assert all(f.severity is Severity.WARNING and f.rule == "package-junk" for f in findings)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("web_root\\page.html", id="backslash"),
        pytest.param("/etc/passwd", id="absolute"),
        pytest.param("web_root/../../x", id="dot-dot"),
        pytest.param("web_root//x", id="empty-segment"),
        pytest.param("C:/x", id="drive-letter"),
    ],
)
def test_unsafe_entry_names_are_errors(path: str) -> None:
    entries, findings = select_entries(_tree("plugin.xml", path))

    assert [name for name, _ in entries] == ["plugin.xml"]
    assert [f.rule for f in findings] == ["package-entry-name"]
    assert findings[0].is_error


def test_a_tree_without_plugin_xml_at_the_root_is_an_error() -> None:
    _, findings = select_entries(_tree("plugin/plugin.xml", "web_root/x.html"))

    assert [f.rule for f in findings] == ["package-no-plugin-xml"]
    assert findings[0].is_error


def test_zip_has_sorted_deflated_entries_with_fixed_metadata() -> None:
    entries = [
        ("web_root/b.html", b"b" * 300),
        ("plugin.xml", b"<plugin/>"),
        ("MessageKeys/a", b""),
    ]

    data = zip_bytes(entries, 1700000000)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["MessageKeys/a", "plugin.xml", "web_root/b.html"]
        for info in infos:
            assert info.date_time == (2023, 11, 14, 22, 13, 20)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr == 0o100644 << 16
            assert info.create_system == 3
            assert not info.is_dir()
        assert archive.read("web_root/b.html") == b"b" * 300


def test_the_same_entries_give_the_same_bytes_in_any_order() -> None:
    entries = [("plugin.xml", b"<plugin/>"), ("web_root/x.html", b"x")]

    assert zip_bytes(entries, None) == zip_bytes(list(reversed(entries)), None)
    assert zip_bytes(entries, None) != zip_bytes(entries, 1700000000)
