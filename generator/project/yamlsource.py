"""Reading YAML project files safely, keeping the line and column of every key and value.

PyYAML's composer gives nodes with marks; we build plain Python values from them ourselves so that
duplicate keys, alias bombs and over-deep nesting become located errors instead of silent surprises.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

import yaml

from generator.errors import InputError

MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

KeyPath = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalar_constructor = yaml.constructor.SafeConstructor()


class YamlError(InputError):
    """A file that is not a readable YAML document; `rule` names what is wrong."""

    def __init__(self, message: str, *, rule: str, file: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message, file=file, line=line, col=col)
        self.rule = rule


@dataclass
class SourceDoc:
    """One YAML file's data, with the position of every value and every mapping key."""

    display: str
    path: Path | None
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    # The source text of plain scalars that YAML read as something other than a string (`01`, `no`),
    # so that messages can say "put it in quotes".
    plain_text: dict[KeyPath, str] = field(default_factory=dict)
    # The file's bytes' sha256, for build's record of what fed each district.
    sha256: str = ""
    # The file's size and modification time (ns), taken before it was read.
    stamp: tuple[int, int] | None = None

    def position(self, path: KeyPath) -> tuple[int, int] | None:
        return self.positions.get(path)

    def nearest(self, path: KeyPath) -> tuple[KeyPath, tuple[int, int]]:
        """The position of `path`, or of its longest prefix present in this file."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return path[:end], found
        return (), (1, 1)


def read_text(path: Path, display: str) -> str:
    """The file's text, refusing oversized files and bytes that are not UTF-8."""
    return _decode(_read_bytes(path, display)[0], display)


def _read_bytes(path: Path, display: str) -> tuple[bytes, tuple[int, int]]:
    try:
        # The size is checked before reading, so that a huge file is never loaded, and after,
        # in case it grew in between. The stamp is taken from the open file, before it is read.
        # Non-blocking, so that a named pipe in place of a file cannot hang the read.
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        try:
            stat = os.fstat(fd)
            if not S_ISREG(stat.st_mode):
                raise YamlError("not a regular file", rule="yaml.unreadable", file=display)
            size = stat.st_size
            raw = _read_up_to(fd, MAX_FILE_BYTES + 1, size + 1) if size <= MAX_FILE_BYTES else b""
        finally:
            os.close(fd)
        size = max(size, len(raw))
    except OSError as error:
        message = f"cannot read: {error.strerror}"
        raise YamlError(message, rule="yaml.unreadable", file=display) from None
    if size > MAX_FILE_BYTES:
        raise YamlError(
            f"file is {size / 1_048_576:.1f} MiB; project files are limited to 1 MiB",
            rule="yaml.too-large",
            file=display,
        )
    return raw, (stat.st_size, stat.st_mtime_ns)


def _read_up_to(fd: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes: the `expected` size in one read, then whatever the file grew by."""
    chunks = []
    want = min(expected, limit)
    while limit > 0:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
        want = min(limit, 65536)
    return b"".join(chunks)


def _decode(raw: bytes, display: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise YamlError(
            f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8",
            rule="yaml.encoding",
            file=display,
            line=line,
            col=col,
        ) from None


def load_yaml(path: Path, display: str) -> SourceDoc:
    """Parse one YAML file into a SourceDoc, or raise YamlError with its place."""
    raw, stamp = _read_bytes(path, display)
    doc = parse_yaml(_decode(raw, display), display, path)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    doc.stamp = stamp
    return doc


def parse_yaml(text: str, display: str, path: Path | None = None) -> SourceDoc:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "a tab character; YAML indents with spaces only"
        raise YamlError(problem, rule="yaml.syntax", file=display, line=line, col=col) from None
    except yaml.YAMLError as error:
        raise YamlError(str(error), rule="yaml.syntax", file=display) from None
    except RecursionError:
        raise YamlError("nested too deeply", rule="yaml.too-deep", file=display) from None

    doc = SourceDoc(display=display, path=path, data=None)
    if node is None:
        doc.data = {}
        return doc
    builder = _Builder(doc)
    doc.data = builder.build(node, (), 0)
    return doc


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.split("\n")
    if line < len(lines) and col < len(lines[line]):
        return lines[line][col]
    return ""


class _Builder:
    def __init__(self, doc: SourceDoc) -> None:
        self.doc = doc
        self.count = 0

    def fail(self, message: str, rule: str, node: yaml.Node) -> YamlError:
        mark = node.start_mark
        return YamlError(
            message, rule=rule, file=self.doc.display, line=mark.line + 1, col=mark.column + 1
        )

    def build(self, node: yaml.Node, path: KeyPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                f"more than {MAX_NODES} values once aliases are expanded (an alias bomb?)",
                "yaml.too-large",
                node,
            )
        if depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep", "yaml.too-deep", node)
        self.doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)

        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.build_scalar(node, path)

    def build_mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail("merge keys (<<) are not supported", "yaml.merge-key", key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("a mapping key must be a plain name", "yaml.key", key_node)
            key = str(key_node.value)
            if key in result:
                first = self.doc.key_positions[(*path, key)]
                raise self.fail(
                    f"duplicate key '{key}' (first at line {first[0]})",
                    "yaml.duplicate-key",
                    key_node,
                )
            self.doc.key_positions[(*path, key)] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def build_scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return node.value
        if tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return str(node.value)
        try:
            value = _scalar_constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            raise self.fail(f"unreadable value: {error}", "yaml.syntax", node) from None
        if isinstance(node, yaml.ScalarNode) and not node.style and value is not None:
            self.doc.plain_text[path] = str(node.value)
        if isinstance(value, float) and value != value:
            return str(node.value)
        return value
