"""dist/manifest.json and dist/SHA256SUMS: what the output folder holds, with sizes and digests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.package.atomic import write_atomic

MANIFEST_NAME = "manifest.json"
SUMS_NAME = "SHA256SUMS"
MANIFEST_FORMAT = 1


@dataclass(frozen=True, order=True)
class Artifact:
    """One file `build` wrote, by its forward-slash path relative to the output folder."""

    file: str
    district: str
    plugin: str
    version: str
    size: int
    sha256: str

    def as_dict(self) -> dict[str, object]:
        # Spelled out rather than dataclasses.asdict, which deep-copies and is slow in bulk.
        return {
            "district": self.district,
            "file": self.file,
            "plugin": self.plugin,
            "sha256": self.sha256,
            "size": self.size,
            "version": self.version,
        }


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def manifest_bytes(artifacts: Iterable[Artifact]) -> bytes:
    """The manifest: artifacts sorted by file, and nothing that changes from run to run."""
    document = {
        "format": MANIFEST_FORMAT,
        "generator": f"psplugin {__version__}",
        "artifacts": [artifact.as_dict() for artifact in sorted(artifacts)],
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sums_line(digest: str, name: str) -> str:
    # GNU sha256sum marks a name holding a backslash or newline with a leading backslash and
    # escapes those characters; any other name is written as it is.
    if "\\" in name or "\n" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n")
        return f"\\{digest}  {escaped}\n"
    return f"{digest}  {name}\n"


def sums_bytes(entries: Iterable[tuple[str, str]]) -> bytes:
    """SHA256SUMS for (file, sha256) pairs, in the text format `sha256sum -c` reads."""
    lines = [_sums_line(digest, name) for name, digest in sorted(entries)]
    return "".join(lines).encode("utf-8")


def write_manifest(out_dir: Path, artifacts: Iterable[Artifact], mode: int = 0o644) -> int:
    """Write manifest.json, then SHA256SUMS covering the artifacts and the manifest itself;
    returns how many artifacts they list."""
    ordered = sorted(artifacts)
    manifest = manifest_bytes(ordered)
    _write_if_changed(out_dir / MANIFEST_NAME, manifest, mode)

    entries = [(artifact.file, artifact.sha256) for artifact in ordered]
    entries.append((MANIFEST_NAME, hashlib.sha256(manifest).hexdigest()))
    _write_if_changed(out_dir / SUMS_NAME, sums_bytes(entries), mode)
    return len(ordered)


def _write_if_changed(path: Path, data: bytes, mode: int) -> None:
    # A build that changed nothing leaves the files, and their modification times, alone.
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data, mode)
