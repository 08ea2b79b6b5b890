"""Which entry names are safe to install, and which are junk: the one place where the readers,
the layout rules and the zip writer agree."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", ".git", ".svn", ".idea", ".vscode"}
_BACKUP = re.compile(r"(~|\.bak|\.orig|\.rej|\.swp|\.swo|\.tmp)$|^#.*#$", re.IGNORECASE)


@dataclass(frozen=True)
class PathProblem:
    """Why a name is unsafe; hostile names are never extracted, the others are only reported."""

    message: str
    hostile: bool


# Both answers depend on the name alone, and a build asks about the same few names for every
# district: they are remembered, within a bound that a hostile archive's names cannot exceed.
@functools.lru_cache(maxsize=4096)
def path_problem(name: str) -> PathProblem | None:
    """The first problem with an entry name, or None when it is a plain relative path."""
    if not name:
        return PathProblem("the entry has an empty name", hostile=True)
    if _CONTROL.search(name):
        return PathProblem("the name contains control characters", hostile=True)
    if name.startswith(("/", "\\")):
        return PathProblem("the name is an absolute path", hostile=True)
    if _DRIVE.match(name):
        return PathProblem("the name starts with a drive letter", hostile=True)

    # Windows extractors split on backslashes too, so "..\\" climbs out just like "../".
    segments = re.split(r"[/\\]", name)
    if ".." in segments:
        return PathProblem("the name climbs out of the plugin with '..'", hostile=True)
    if "\\" in name:
        return PathProblem(
            "the name uses backslashes; zip entry names must use '/' between folders",
            hostile=False,
        )
    if any(segment in ("", ".") for segment in segments[:-1]) or segments[-1] == ".":
        return PathProblem("the name has an empty or '.' folder", hostile=False)
    return None


@functools.lru_cache(maxsize=4096)
def is_junk(path: str) -> bool:
    """Whether an entry is an operating-system or editor leftover nobody meant to ship."""
    segments = path.split("/")
    if "__MACOSX" in segments:
        return True
    name = segments[-1]
    if name in _JUNK_NAMES or any(segment in _JUNK_NAMES for segment in segments[:-1]):
        return True
    if name.startswith("._") or _BACKUP.search(name):
        return True
    return any(segment.startswith(".") and segment not in (".", "..") for segment in segments)
