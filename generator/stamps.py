"""A file's size and modification time: enough to tell, without reading it, that it was not
touched since it was last looked at."""

from __future__ import annotations

import os

Stamp = tuple[int, int]


def file_stamp(path: str | os.PathLike[str]) -> Stamp | None:
    """The size and modification time (ns) of a file or folder, or None when there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns
