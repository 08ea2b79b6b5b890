"""Findings: what validate, build and lint report, one per problem, each with its place."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Finding(NamedTuple):
    """One problem: where it is (file, line, column, key path), which rule, and what to do."""

    file: str
    line: int
    col: int
    rule: str
    message: str
    key_path: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "key_path": self.key_path,
            "severity": self.severity.value,
            "message": self.message,
        }


def format_key_path(path: Iterable[str | int]) -> str:
    """A key path as findings show it: `districts[0].schools[2].school_id`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.is_error for finding in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.col, f.rule, f.key_path, f.message))
