"""dist/.build-index.json: the size and modification time of every file the last complete build
read and wrote, so that a build in which nothing changed can tell so from file metadata alone,
without reading the project.

The index is a shortcut, never the record: each district's own state stays the authority, and
anything that does not match exactly (a file touched, added or removed, another tool version or
SOURCE_DATE_EPOCH) sends the build down its ordinary path, which checks content digests. Inputs
are stamped before they are read, so that a file changed while a build runs never looks current
afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from generator import __version__
from generator.log import get_log
from generator.package.atomic import write_atomic
from generator.stamps import Stamp

log = get_log(__name__)

INDEX_NAME = ".build-index.json"
INDEX_FORMAT = 2


# A file changed this close to the moment it was stamped could change again within the same
# tick of the file system's clock, keeping its size and time: such stamps prove nothing.
RACY_NS = 2_000_000_000


class IndexKey(NamedTuple):
    """What else the outputs depend on besides the files (where they come from and go, the tool
    and the options that change them), and when this build started."""

    fields: dict[str, Any]
    started_ns: int


def index_key(
    project: Path, out_dir: Path, options: Mapping[str, object], started_ns: int
) -> IndexKey:
    fields = {
        "format": INDEX_FORMAT,
        "tool": __version__,
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "project": str(project.resolve()),
        "out": str(out_dir.resolve()),
        "options": {key: value for key, value in sorted(options.items())},
    }
    return IndexKey(fields, started_ns)


class BuildIndex(NamedTuple):
    key: dict[str, Any]
    districts: tuple[str, ...]
    # Absolute paths of the inputs, None for one that did not exist (a templates/ folder).
    inputs: Mapping[str, Stamp | None]
    # Paths in the output folder: every artifact, the manifest and the checksums. (A district's
    # state only matters to a build that goes by content.)
    outputs: Mapping[str, Stamp]
    # How many artifacts the manifest lists, for a summary that needs no more than the count.
    manifest_artifacts: int


def write_index(out_dir: Path, index: BuildIndex, started_ns: int, mode: int) -> bool:
    """Write the index, unless an input was changed so shortly before the build started that
    its stamp cannot be trusted (the next build then goes by content); True when written."""
    for stamp in index.inputs.values():
        if stamp is not None and stamp[1] > started_ns - RACY_NS:
            return False
    document = {
        "key": index.key,
        "districts": list(index.districts),
        "inputs": {path: stamp for path, stamp in sorted(index.inputs.items())},
        "outputs": {path: stamp for path, stamp in sorted(index.outputs.items())},
        "manifest_artifacts": index.manifest_artifacts,
    }
    data = json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"
    write_atomic(out_dir / INDEX_NAME, data.encode("utf-8"), mode)
    return True


def remove_index(out_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (out_dir / INDEX_NAME).unlink()


def current_index(out_dir: Path, key: IndexKey) -> BuildIndex | None:
    """The index, when it was written for this key and every file it lists still has the size
    and modification time it records; None otherwise."""
    index = _read_index(out_dir)
    if index is None or index.key != key.fields:
        return None
    prefix = f"{out_dir}/"
    for path in _changed(index.inputs.items(), "", may_be_absent=True):
        log.debug("build index: %s changed", path)
        return None
    for name in _changed(index.outputs.items(), prefix, may_be_absent=False):
        log.debug("build index: %s%s changed", prefix, name)
        return None
    return index


def _changed(
    stamps: Iterable[tuple[str, Any]], prefix: str, *, may_be_absent: bool
) -> Iterator[str]:
    """The paths whose size and modification time are not those recorded, or that exist where
    None was recorded (written out rather than through file_stamp: a thousand districts make
    thousands of these)."""
    stat = os.stat
    for path, stamp in stamps:
        try:
            found = stat(prefix + path)
        except OSError:
            if stamp is not None or not may_be_absent:
                yield path
            continue
        try:
            same = stamp is not None and (found.st_size, found.st_mtime_ns) == tuple(stamp)
        except TypeError:
            same = False
        if not same:
            yield path


def _read_index(out_dir: Path) -> BuildIndex | None:
    # The stamps are left as the JSON lists they are read as: a malformed one just never matches.
    try:
        document = json.loads((out_dir / INDEX_NAME).read_bytes())
        inputs, outputs = document["inputs"], document["outputs"]
        # JSON objects: their keys, the paths, can only be strings.
        if not isinstance(inputs, dict) or not isinstance(outputs, dict):
            raise TypeError("inputs and outputs are not mappings")
        return BuildIndex(
            key=dict(document["key"]),
            districts=tuple(str(name) for name in document["districts"]),
            inputs=inputs,
            outputs=outputs,
            manifest_artifacts=int(document["manifest_artifacts"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.info("ignoring an unreadable build index in %s: %s", out_dir, error)
        return None
