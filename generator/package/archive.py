"""Reproducible plugin zips: sorted entries, one fixed timestamp, normalised permissions, no junk.

Junk that editors and operating systems leave behind (dotfiles, `__MACOSX/`, backups and swap
files) is dropped from the zip with a warning rather than refusing the build: such files are never
meant for the installer, and a stray `.DS_Store` in a template folder should not block a release.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable

from generator.entry_names import is_junk, path_problem
from generator.findings import Finding, Severity
from generator.tree import PluginTree

# The zip format cannot store a date before 1980 or after 2107; the default is its first moment,
# so that a build without SOURCE_DATE_EPOCH is still the same on every machine.
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z
ZIP_EPOCH_MAX = 4354819198  # 2107-12-31T23:59:58Z
DEFAULT_EPOCH = ZIP_EPOCH_MIN

FILE_MODE = 0o644
_UNIX = 3  # "made by" system: Unix, so that readers honour the permission bits in external_attr
_S_IFREG = 0o100000
COMPRESS_LEVEL = 6


def zip_date_time(epoch: int | None) -> tuple[int, int, int, int, int, int]:
    """The entry timestamp for SOURCE_DATE_EPOCH (or the fixed default), in UTC, clamped to the
    range a zip can hold."""
    seconds = DEFAULT_EPOCH if epoch is None else min(max(epoch, ZIP_EPOCH_MIN), ZIP_EPOCH_MAX)
    stamp = time.gmtime(seconds)
    return (stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec)


def select_entries(tree: PluginTree) -> tuple[list[tuple[str, bytes]], list[Finding]]:
    """The tree's files that go into the zip, sorted by name, and findings for what is left out
    or cannot be packaged."""
    entries: list[tuple[str, bytes]] = []
    findings: list[Finding] = []
    for path in tree:
        problem = path_problem(path)
        if problem is not None:
            message = f"{problem.message}; it cannot go into the zip"
            findings.append(Finding(tree.display(path), 0, 0, "package-entry-name", message))
        elif is_junk(path):
            message = "junk file left out of the zip (dotfile, OS metadata or editor backup)"
            findings.append(
                Finding(tree.display(path), 0, 0, "package-junk", message, "", Severity.WARNING)
            )
        else:
            entries.append((path, tree.files[path]))

    if not any(path == "plugin.xml" for path, _ in entries):
        message = "no plugin.xml at the root of the plugin: the installer would refuse the zip"
        findings.append(Finding(tree.display("plugin.xml"), 0, 0, "package-no-plugin-xml", message))
    return entries, findings


def zip_bytes(entries: Iterable[tuple[str, bytes]], epoch: int | None) -> bytes:
    """The zip of the given entries, byte for byte the same for the same entries and epoch."""
    date_time = zip_date_time(epoch)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(entries, key=lambda entry: entry[0]):
            info = zipfile.ZipInfo(name, date_time)
            info.create_system = _UNIX
            info.external_attr = (_S_IFREG | FILE_MODE) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()
