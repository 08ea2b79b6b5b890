"""Secret references: where a district's key and secret come from, never the values themselves."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def describe_reference(reference: dict[str, Any]) -> str:
    if "env" in reference:
        return f"environment variable {reference['env']}"
    return f"{reference.get('name')} in {reference.get('secrets_file')}"


def read_secrets_file(path: Path) -> dict[str, str]:
    """A dotenv-style file: `NAME=value` lines, `#` comments, optional `export` and quotes."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.lstrip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        # Only surrounding quotes are removed: whitespace is kept, so that a secret pasted with a
        # trailing space is caught by the checks instead of silently repaired here.
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def resolve(
    reference: dict[str, Any],
    project_root: Path,
    files: dict[Path, dict[str, str]] | None = None,
) -> str | None:
    """The value a reference points to, or None when it is not available here. `files` keeps
    secrets files already read, for callers that resolve many references."""
    if "env" in reference:
        return os.environ.get(str(reference["env"]))
    secrets_path = project_root / str(reference.get("secrets_file", ""))
    cache = {} if files is None else files
    if secrets_path not in cache:
        try:
            cache[secrets_path] = read_secrets_file(secrets_path)
        except (OSError, UnicodeDecodeError):
            cache[secrets_path] = {}
    return cache[secrets_path].get(str(reference.get("name")))
