"""Skip districts whose inputs did not change: a digest of everything that feeds a district's
artifacts, kept beside them with the artifacts' own digests."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.log import get_log
from generator.package.atomic import write_atomic
from generator.package.manifest import Artifact, file_sha256
from generator.resources import templates_dir
from generator.stamps import Stamp, file_stamp

log = get_log(__name__)

STATE_NAME = ".build-state.json"
# Bump when the artifacts' layout changes without a change of the tool's version.
ARTIFACT_FORMAT = 1


class DigestCache:
    """Digests and labels of input files, computed once per process: most files feed every
    district."""

    def __init__(self, known: Mapping[Path, str] | None = None) -> None:
        # Files the project model has already read and hashed are not read again.
        self._digests: dict[Path, str] = dict(known or {})
        self._labels: dict[tuple[Path, Path], str] = {}
        # The digest of what every district shares, by those files and the build's options.
        self.shared: dict[tuple[object, ...], str] = {}

    def label(self, path: Path, root: Path) -> str:
        key = (path, root)
        cached = self._labels.get(key)
        if cached is None:
            cached = self._labels[key] = _label(path, root)
        return cached

    def digest(self, path: Path) -> str:
        cached = self._digests.get(path)
        if cached is None:
            try:
                cached = file_sha256(path)
            except FileNotFoundError:
                cached = "missing"
            self._digests[path] = cached
        return cached


def _label(path: Path, root: Path) -> str:
    # Labels relative to the project or the shipped templates keep the digest the same in any
    # checkout, so that shards built on different machines agree.
    text, start = str(path), len(str(root))
    # Inside the root as written: what PurePath.relative_to tells, without its parsing.
    inside = text.startswith(str(root)) and text[start : start + 1] == os.sep
    if inside and ".." not in text.split(os.sep):
        return text[start + 1 :].replace(os.sep, "/")
    resolved = path.resolve()
    for base, prefix in ((root, ""), (templates_dir(), "<templates>/")):
        try:
            return prefix + resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


@functools.lru_cache(maxsize=1)
def _sheet_templates() -> tuple[Path, ...]:
    return tuple(sorted((templates_dir() / "setup-sheet").glob("*.j2")))


def sheet_template_stamps() -> dict[str, Stamp | None]:
    """Size and modification time of the setup sheet templates, which feed every district."""
    return {str(path): file_stamp(path) for path in _sheet_templates()}


def inputs_digest(
    district: str,
    files: Iterable[Path],
    root: Path,
    cache: DigestCache,
    options: Mapping[str, object],
    shared_files: Sequence[Path] = (),
) -> str:
    """One sha256 over the tool, the district, the options that change output and every input
    file's bytes: `files` feed this district alone, `shared_files` every district, and their
    part of the digest is worked out once per build."""
    key = (tuple(shared_files), tuple(sorted(options.items(), key=str)))
    shared = cache.shared.get(key)
    if shared is None:
        labelled = {cache.label(path, root): cache.digest(path) for path in shared_files}
        labelled.update(
            (cache.label(path, root), cache.digest(path)) for path in _sheet_templates()
        )
        document = {
            "tool": __version__,
            "format": ARTIFACT_FORMAT,
            "zlib": zlib.ZLIB_RUNTIME_VERSION,
            "options": dict(options),
            "files": sorted(labelled.items()),
        }
        shared = cache.shared[key] = _sha256_of(document)
    own = sorted((cache.label(path, root), cache.digest(path)) for path in files)
    return _sha256_of({"shared": shared, "district": district, "files": own})


def _sha256_of(document: Mapping[str, object]) -> str:
    encoded = json.dumps(document, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class DistrictState:
    """What the last successful build of a district wrote, and from which inputs."""

    inputs: str
    artifacts: tuple[Artifact, ...]
    # file -> (size, modification time in ns) as written: an artifact that still shows both is
    # taken as intact without reading it again.
    stamps: Mapping[str, tuple[int, int]] = field(default_factory=dict, compare=False)


def read_state(folder: Path) -> DistrictState | None:
    """The recorded state, or None when there is none or it cannot be trusted."""
    try:
        document = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
        artifacts = tuple(Artifact.from_dict(entry) for entry in document["artifacts"])
        stamps = {
            str(name): (int(stamp[0]), int(stamp[1]))
            for name, stamp in document.get("stamps", {}).items()
        }
        return DistrictState(str(document["inputs"]), artifacts, stamps)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.info("ignoring unreadable build state in %s: %s", folder, error)
        return None


def write_state(folder: Path, state: DistrictState, mode: int = 0o644) -> None:
    document = {
        "inputs": state.inputs,
        "artifacts": [artifact.as_dict() for artifact in sorted(state.artifacts)],
        "stamps": {name: list(stamp) for name, stamp in sorted(state.stamps.items())},
    }
    # Read only by psplugin: compact, which the fast encoder writes.
    data = (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    write_atomic(folder / STATE_NAME, data, mode)


def artifacts_intact(
    out_dir: Path,
    artifacts: Iterable[Artifact],
    stamps: Mapping[str, tuple[int, int]] | None = None,
    seen: dict[str, Stamp] | None = None,
) -> bool:
    """True when every recorded artifact is on disk with its recorded size and digest. One whose
    size and modification time are still those recorded in `stamps` is not read again. `seen`
    receives each artifact's size and modification time as found."""
    for artifact in artifacts:
        path = out_dir / artifact.file
        try:
            stat = path.stat()
            if seen is not None:
                seen[artifact.file] = (stat.st_size, stat.st_mtime_ns)
            if stat.st_size != artifact.size:
                return False
            if (stamps or {}).get(artifact.file) == (stat.st_size, stat.st_mtime_ns):
                continue
            if file_sha256(path) != artifact.sha256:
                return False
        except OSError:
            return False
    return True
