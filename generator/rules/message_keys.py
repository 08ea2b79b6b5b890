"""Message keys: MessageKeys/<name>.<COUNTRY>_<lang>.properties files of key=value lines."""

from __future__ import annotations

import re

from generator.findings import Severity
from generator.rules.registry import define_rule
from generator.rules.scan import Scan

FILE_NAME = define_rule(
    "message-keys.file-name",
    "A message keys file is named <name>.<COUNTRY>_<lang>.properties, such as "
    "Backpack.US_en.properties.",
)
SYNTAX = define_rule(
    "message-keys.syntax",
    "Every line of a message keys file is a key=value pair, a comment or blank.",
)
DUPLICATE = define_rule(
    "message-keys.duplicate",
    "A message keys file defines each key once; later definitions silently win.",
    Severity.WARNING,
)

MESSAGE_KEYS = "MessageKeys"
_FILE_NAME = re.compile(r"^(?P<name>[^/]+)\.(?P<country>[A-Z]{2})_(?P<lang>[a-z]{2})\.properties$")
# The first '=' or ':' not escaped with a backslash separates key and value.
_SEPARATOR = re.compile(r"(?<!\\)(?:\\\\)*[=:]")


def check_message_keys(scan: Scan) -> None:
    """Check the name and the lines of every file in MessageKeys."""
    for path in scan.under(MESSAGE_KEYS):
        filename = path.rsplit("/", 1)[-1]
        if not _FILE_NAME.match(filename):
            scan.report(
                FILE_NAME,
                path,
                f"{filename} is not named <name>.<COUNTRY>_<lang>.properties (e.g. "
                "Backpack.US_en.properties); PowerSchool does not load it for any locale",
            )
            continue
        _check_lines(scan, path)


def _check_lines(scan: Scan, path: str) -> None:
    data = scan.tree.files[path]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Java has long read .properties files as ISO 8859-1; both are accepted.
        text = data.decode("latin-1")

    seen: dict[str, int] = {}
    for line_number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "!")):
            continue
        separator = _SEPARATOR.search(stripped)
        key = stripped[: separator.end() - 1].strip() if separator else ""
        if not key:
            scan.report(
                SYNTAX,
                path,
                f"line {line_number} is not key=value: {stripped[:60]!r}; write it as "
                "some.key=Some text, or start it with # to make it a comment",
                line=line_number,
            )
            continue
        if key in seen:
            scan.report(
                DUPLICATE,
                path,
                f"the key {key} is already defined on line {seen[key]}; remove one",
                line=line_number,
            )
        seen.setdefault(key, line_number)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines joined where one ends in an odd number of backslashes (a continuation)."""
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        start, joined = pending if pending else (number, "")
        body = raw.lstrip() if pending else raw
        trailing = len(body) - len(body.rstrip("\\"))
        if trailing % 2 == 1:
            pending = (start, joined + body[:-1])
            continue
        lines.append((start, joined + body))
        pending = None
    if pending:
        lines.append(pending)
    return lines
