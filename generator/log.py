"""Log messages, with the `logging` package loaded only once a message is to be written.

Most runs of a command write no log message at all, and loading `logging` (with `traceback`,
`threading` and `string` behind it) is a good part of what a build in which nothing changed
spends. Each module takes a `Log` by its name; the command line says which level it shows
(`configure`). Until a message at that level or above comes, nothing is loaded; from then on, or
as soon as anything else has loaded `logging`, every message goes through `logging` as usual.
"""

from __future__ import annotations

import sys
from typing import Any

DEBUG = 10
INFO = 20
WARNING = 30
ERROR = 40

_FORMAT = "%(levelname)s %(name)s: %(message)s"
# The level the command line asked for; None when it asked for none (psplugin used as a library),
# in which case `logging` decides about every message.
_threshold: int | None = None
_configured = False


def configure(level: int) -> None:
    """Show messages from `level` up, on stderr, as `LEVEL name: message`."""
    global _threshold, _configured
    _threshold, _configured = level, False
    if "logging" in sys.modules:
        _logging()


def _logging() -> Any:
    """The `logging` package, given the configured level and format the first time."""
    global _configured
    import logging

    if _threshold is not None and not _configured:
        _configured = True
        logging.basicConfig(level=_threshold, format=_FORMAT, stream=sys.stderr)
    return logging


class Log:
    """A module's logger, standing in for `logging.getLogger(name)` until a message is written."""

    __slots__ = ("_logger", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._logger: Any = None

    def enabled(self, level: int) -> bool:
        """Whether a message at `level` would be written."""
        if self._skipped(level):
            return False
        return bool(self._real().isEnabledFor(level))

    def debug(self, message: str, *args: object, **options: Any) -> None:
        self._write(DEBUG, message, args, options)

    def info(self, message: str, *args: object, **options: Any) -> None:
        self._write(INFO, message, args, options)

    def warning(self, message: str, *args: object, **options: Any) -> None:
        self._write(WARNING, message, args, options)

    def error(self, message: str, *args: object, **options: Any) -> None:
        self._write(ERROR, message, args, options)

    def _write(
        self, level: int, message: str, args: tuple[object, ...], options: dict[str, Any]
    ) -> None:
        if not self._skipped(level):
            # The record names the caller of debug(), info()..., as logging's own methods do.
            options.setdefault("stacklevel", 3)
            self._real().log(level, message, *args, **options)

    @staticmethod
    def _skipped(level: int) -> bool:
        # Below the command line's level, and `logging` not loaded by anyone: nothing to write
        # and nothing that could want the message.
        return _threshold is not None and level < _threshold and "logging" not in sys.modules

    def _real(self) -> Any:
        if self._logger is None:
            self._logger = _logging().getLogger(self.name)
        return self._logger


def get_log(name: str) -> Log:
    return Log(name)
