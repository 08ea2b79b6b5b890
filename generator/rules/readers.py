"""Read a plugin someone hands us (a folder, a zip, or a bare plugin.xml) into a PluginTree.

Nothing is ever extracted to disk. Hostile entry names become findings instead of files, and
limits on entry count and decompressed bytes, counted as the bytes arrive rather than trusted
from the zip's headers, stop zip bombs.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from generator.entry_names import path_problem
from generator.findings import Finding, Severity, sort_findings
from generator.log import get_log
from generator.rules.layout import UNSAFE_PATH
from generator.rules.registry import Rule, define_rule
from generator.tree import PluginTree

log = get_log(__name__)

UNREADABLE = define_rule(
    "archive.unreadable",
    "The plugin can be read: a valid, unencrypted zip, or a readable folder or file.",
)
TOO_LARGE = define_rule(
    "archive.too-large",
    "The plugin stays within the reader's limits on entries and bytes (a guard against zip bombs).",
)
DUPLICATE_ENTRY = define_rule(
    "archive.duplicate-entry",
    "A zip holds each entry name once; which copy an extractor keeps is undefined.",
)
UPLOAD_NAME = define_rule(
    "archive.upload-name",
    "The file to upload ends in .zip or .xml; PowerSchool accepts nothing else.",
)
SKIPPED_ENTRY = define_rule(
    "archive.skipped-entry",
    "A plugin folder holds regular files only; symbolic links and special files are not read.",
    Severity.WARNING,
)

# Folders of version control systems are never part of a plugin and can be huge.
_VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True)
class ReadLimits:
    """How much a reader accepts before it stops: plugins are kilobytes to a few megabytes."""

    max_entries: int = 10_000
    max_file_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024


@dataclass
class ReadResult:
    """The files that could be read safely, and findings about what could not."""

    tree: PluginTree
    findings: list[Finding] = field(default_factory=list)
    complete: bool = True


class _Reader:
    """Collects files and findings for one plugin, enforcing the limits as bytes arrive."""

    def __init__(self, tree: PluginTree, limits: ReadLimits) -> None:
        self.result = ReadResult(tree)
        self.limits = limits
        self.total = 0
        self.stopped = False

    def report(self, rule: Rule, file: str, message: str) -> None:
        finding = Finding(file, 1, 1, rule.id, message, severity=rule.severity)
        self.result.findings.append(finding)

    def admit(self, name: str) -> bool:
        """Whether an entry may be read: its name is safe and the count is within limits."""
        tree = self.result.tree
        problem = path_problem(name)
        if problem is not None and problem.hostile:
            self.report(UNSAFE_PATH, tree.display(name), f"{problem.message}: not extracted")
            return False
        if len(tree) >= self.limits.max_entries:
            self.stop(f"more than {self.limits.max_entries} files")
            return False
        return True

    def budget(self) -> int:
        return min(self.limits.max_file_bytes, self.limits.max_total_bytes - self.total)

    def add(self, name: str, data: bytes) -> None:
        self.total += len(data)
        self.result.tree.add(name, data)

    def stop(self, why: str) -> None:
        self.stopped = True
        self.result.complete = False
        origin = self.result.tree.origin
        self.report(
            TOO_LARGE,
            origin,
            f"the plugin has {why}; reading stopped there. Plugins are far smaller: check that "
            "this is the right file",
        )

    def finish(self) -> ReadResult:
        self.result.findings = sort_findings(self.result.findings)
        return self.result


def read_plugin(path: str | Path, limits: ReadLimits | None = None) -> ReadResult:
    """Read a folder, a .zip or a bare plugin .xml file into a tree, without writing anything."""
    path = Path(path)
    limits = limits or ReadLimits()
    if not path.exists():
        reader = _Reader(PluginTree(origin=str(path)), limits)
        reader.report(UNREADABLE, str(path), "no such file or folder")
        reader.result.complete = False
        return reader.finish()
    if path.is_dir():
        return read_folder(path, limits)
    if path.suffix.lower() == ".xml":
        return _read_bare_xml(path, limits)

    result = read_zip(path, limits)
    if path.suffix.lower() != ".zip":
        finding = Finding(
            str(path),
            1,
            1,
            UPLOAD_NAME.id,
            f"PowerSchool only accepts uploads ending in .zip or .xml; rename {path.name}",
            severity=UPLOAD_NAME.severity,
        )
        result.findings.insert(0, finding)
    return result


def read_zip(path: str | Path, limits: ReadLimits | None = None) -> ReadResult:
    """Read a zip file into a tree; entries are shown as `zip!entry` in findings."""
    path = Path(path)
    limits = limits or ReadLimits()
    reader = _Reader(PluginTree(origin=str(path), separator="!"), limits)
    try:
        size = path.stat().st_size
    except OSError as error:
        reader.report(UNREADABLE, str(path), f"cannot read the file: {error.strerror or error}")
        reader.result.complete = False
        return reader.finish()
    if size > limits.max_total_bytes:
        reader.stop(f"a {size}-byte archive")
        return reader.finish()
    _read_archive(reader, path)
    return reader.finish()


def read_zip_bytes(data: bytes, origin: str, limits: ReadLimits | None = None) -> ReadResult:
    """Read a zip held in memory; `origin` names it in findings."""
    reader = _Reader(PluginTree(origin=origin, separator="!"), limits or ReadLimits())
    _read_archive(reader, data)
    return reader.finish()


def _read_archive(reader: _Reader, source: Path | bytes) -> None:
    origin = reader.result.tree.origin
    try:
        opened = io.BytesIO(source) if isinstance(source, bytes) else source
        with zipfile.ZipFile(opened) as archive:
            entries = archive.infolist()
            if len(entries) > reader.limits.max_entries:
                reader.stop(f"{len(entries)} entries")
                return
            for info in entries:
                if reader.stopped:
                    return
                _read_entry(reader, archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        reader.result.complete = False
        reader.report(
            UNREADABLE,
            origin,
            f"this is not a readable zip file ({error}); rebuild it with a standard zip tool",
        )


def _read_entry(reader: _Reader, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    name = info.filename
    tree = reader.result.tree
    if name.endswith("/"):
        return
    if not reader.admit(name):
        return
    if name in tree.files:
        reader.report(
            DUPLICATE_ENTRY,
            tree.display(name),
            "the zip holds this name twice; only the first copy was read: rebuild the zip",
        )
        return
    if info.flag_bits & 0x1:
        reader.report(
            UNREADABLE,
            tree.display(name),
            "the entry is encrypted; PowerSchool cannot read it: zip without a password",
        )
        return

    budget = reader.budget()
    try:
        with archive.open(info) as stream:
            # Read one byte past the budget: headers can lie about sizes, the stream cannot.
            content = stream.read(budget + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as error:
        reader.report(UNREADABLE, tree.display(name), f"cannot decompress the entry ({error})")
        return
    if len(content) > budget:
        reader.stop(f"an entry ({name}) or a total that decompresses beyond the size limit")
        return
    reader.add(name, content)


def read_folder(path: str | Path, limits: ReadLimits | None = None) -> ReadResult:
    """Read a plugin folder into a tree; symbolic links are reported and never followed."""
    root = Path(path)
    reader = _Reader(PluginTree(origin=str(root), separator="/"), limits or ReadLimits())
    # os.walk lists links to folders among the folders but, without followlinks, never enters
    # them; they are read as entries so that they get reported.
    for directory, folders, files in os.walk(root, followlinks=False):
        folders[:] = sorted(name for name in folders if name not in _VCS_FOLDERS)
        for name in [*sorted(files), *folders]:
            full = Path(directory, name)
            relative = full.relative_to(root).as_posix()
            if not _read_folder_entry(reader, full, relative) or reader.stopped:
                return reader.finish()
    return reader.finish()


def _read_folder_entry(reader: _Reader, full: Path, relative: str) -> bool:
    """Read one folder entry if it is a regular file; False once reading must stop."""
    try:
        mode = full.lstat().st_mode
    except OSError as error:
        reader.report(UNREADABLE, str(full), f"cannot read: {error.strerror or error}")
        return True
    if stat.S_ISDIR(mode):
        return True
    if not stat.S_ISREG(mode):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        reader.report(SKIPPED_ENTRY, str(full), f"{kind}; it was not read and would not install")
        return True
    if not reader.admit(relative):
        return not reader.stopped

    budget = reader.budget()
    try:
        with full.open("rb") as stream:
            content = stream.read(budget + 1)
    except OSError as error:
        reader.report(UNREADABLE, str(full), f"cannot read: {error.strerror or error}")
        return True
    if len(content) > budget:
        reader.stop(f"a file ({relative}) or a total beyond the size limit")
        return False
    reader.add(relative, content)
    return True


def _read_bare_xml(path: Path, limits: ReadLimits) -> ReadResult:
    # A bare plugin.xml installs as the plugin's plugin.xml whatever the upload is called.
    if path.name == "plugin.xml":
        tree = PluginTree(origin=str(path.parent), separator="/")
    else:
        tree = PluginTree(origin=str(path), separator="!")
    reader = _Reader(tree, limits)
    try:
        with path.open("rb") as stream:
            content = stream.read(reader.budget() + 1)
    except OSError as error:
        reader.report(UNREADABLE, str(path), f"cannot read: {error.strerror or error}")
        return reader.finish()
    if len(content) > reader.budget():
        reader.stop("a plugin.xml beyond the size limit")
        return reader.finish()
    reader.add("plugin.xml", content)
    return reader.finish()
