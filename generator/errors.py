"""The exceptions psplugin raises for bad input; the CLI turns them into one message and exit 1."""

from __future__ import annotations

from pathlib import Path


class PspluginError(Exception):
    """A problem the user can fix, located as precisely as the input allows."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
        key_path: str | None = None,
        tip: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.col = col
        self.key_path = key_path
        self.tip = tip

    def location(self) -> str:
        parts = [self.file or ""]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        key = f"{self.key_path}: " if self.key_path else ""
        return f"{where}: {key}{self.message}" if where else f"{key}{self.message}"


class InputError(PspluginError):
    """A project, plugin or data file that cannot be read or understood."""


class ConfigError(PspluginError):
    """Settings that contradict each other or name something that does not exist."""
