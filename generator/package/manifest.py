"""dist/manifest.json and dist/SHA256SUMS: what the output folder holds, with sizes and digests."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any, NamedTuple

from generator import __version__
from generator.package.atomic import write_atomic_chunks

MANIFEST_NAME = "manifest.json"
SUMS_NAME = "SHA256SUMS"
MANIFEST_FORMAT = 1


class Artifact(NamedTuple):
    """One file `build` wrote, by its forward-slash path relative to the output folder."""

    file: str
    district: str
    plugin: str
    version: str
    size: int
    sha256: str

    @classmethod
    def from_dict(cls, entry: Mapping[str, Any]) -> Artifact:
        # Interned, because a thousand districts repeat the same plugin name and version.
        return cls(
            file=str(entry["file"]),
            district=sys.intern(str(entry["district"])),
            plugin=sys.intern(str(entry["plugin"])),
            version=sys.intern(str(entry["version"])),
            size=int(entry["size"]),
            sha256=str(entry["sha256"]),
        )

    def as_dict(self) -> dict[str, object]:
        # Keys in sorted order, as the manifest and the build states write them.
        return {
            "district": self.district,
            "file": self.file,
            "plugin": self.plugin,
            "sha256": self.sha256,
            "size": self.size,
            "version": self.version,
        }


def read_manifest(out_dir: Path) -> list[Artifact] | None:
    """The artifacts manifest.json lists, or None when it is missing or unreadable."""
    try:
        document = json.loads((out_dir / MANIFEST_NAME).read_bytes())
        return [
            Artifact(e["file"], e["district"], e["plugin"], e["version"], e["size"], e["sha256"])
            for e in document["artifacts"]
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def file_sha256(path: Path) -> str:
    import hashlib  # see write_atomic_chunks

    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def manifest_chunks(artifacts: Sequence[Artifact]) -> Iterator[bytes]:
    """The manifest, one artifact per line, sorted by file; nothing in it changes from run to
    run."""
    yield b'{\n  "artifacts": [\n'
    last = len(artifacts) - 1
    for position, artifact in enumerate(artifacts):
        yield f"    {_manifest_line(artifact)}{'' if position == last else ','}\n".encode()
    footer = f'  ],\n  "format": {MANIFEST_FORMAT},\n  "generator": "psplugin {__version__}"\n}}\n'
    yield footer.encode()


def _manifest_line(artifact: Artifact) -> str:
    # The text of json.dumps(artifact.as_dict(), sort_keys=True), spelled out: thousands of
    # lines are written on every build.
    quote = encode_basestring_ascii
    return (
        f'{{"district": {quote(artifact.district)}, "file": {quote(artifact.file)}, '
        f'"plugin": {quote(artifact.plugin)}, "sha256": {quote(artifact.sha256)}, '
        f'"size": {int(artifact.size)}, "version": {quote(artifact.version)}}}'
    )


def _sums_line(digest: str, name: str) -> str:
    # GNU sha256sum marks a name holding a backslash or newline with a leading backslash and
    # escapes those characters; any other name is written as it is.
    if "\\" in name or "\n" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n")
        return f"\\{digest}  {escaped}\n"
    return f"{digest}  {name}\n"


def sums_chunks(entries: Iterable[tuple[str, str]]) -> Iterator[bytes]:
    """SHA256SUMS for (file, sha256) pairs, in the text format `sha256sum -c` reads."""
    for name, digest in sorted(entries):
        yield _sums_line(digest, name).encode("utf-8")


def write_manifest(out_dir: Path, artifacts: Iterable[Artifact], mode: int = 0o644) -> int:
    """Write manifest.json, then SHA256SUMS covering the artifacts and the manifest itself;
    returns how many artifacts they list."""
    ordered = sorted(artifacts)
    manifest_path = out_dir / MANIFEST_NAME
    manifest_digest = _write_if_changed(manifest_path, lambda: manifest_chunks(ordered), mode)

    entries = [(artifact.file, artifact.sha256) for artifact in ordered]
    entries.append((MANIFEST_NAME, manifest_digest))
    _write_if_changed(out_dir / SUMS_NAME, lambda: sums_chunks(entries), mode)
    return len(ordered)


def _write_if_changed(path: Path, chunks: Callable[[], Iterable[bytes]], mode: int) -> str:
    """Write the file unless it already holds exactly these bytes; returns their sha256.

    A build that changed nothing thus leaves the files, and their modification times, alone.
    """
    import hashlib  # see write_atomic_chunks

    # One buffer, written in one call: thousands of lines written one by one cost a system
    # call each.
    content = b"".join(chunks())
    expected = hashlib.sha256(content).hexdigest()
    try:
        if path.stat().st_size == len(content) and file_sha256(path) == expected:
            return expected
    except OSError:
        pass
    return write_atomic_chunks(path, [content], mode, durable=True)
