"""The one reporting layer: findings as text, JSON or GitHub workflow annotations."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TextIO

from generator.findings import Finding, Severity

FORMATS = ("text", "json", "github")


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def format_text(finding: Finding, colour: bool = False) -> str:
    where = f"{finding.file}:{finding.line}:{finding.col}"
    key = f" {finding.key_path}" if finding.key_path else ""
    message = finding.message
    if finding.severity is Severity.WARNING:
        message = f"warning: {message}"
    rule = finding.rule
    if colour:
        code = "33" if finding.severity is Severity.WARNING else "31"
        rule = f"\x1b[{code}m{rule}\x1b[0m"
    return f"{where}: {rule}{key}: {message}"


def _escape_github(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(finding: Finding) -> str:
    level = "warning" if finding.severity is Severity.WARNING else "error"
    props = ",".join(
        [
            f"file={_escape_github(finding.file, prop=True)}",
            f"line={finding.line}",
            f"col={finding.col}",
            f"title={_escape_github(finding.rule, prop=True)}",
        ]
    )
    key = f"{finding.key_path}: " if finding.key_path else ""
    return f"::{level} {props}::{_escape_github(key + finding.message)}"


def summary(findings: Sequence[Finding], checked: int, noun: str = "file") -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    things = f"{checked} {noun}{'' if checked == 1 else 's'}"
    if not findings:
        return f"ok: {things} checked, no findings"
    return (
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'} in {things}"
    )


def write_findings(
    findings: Sequence[Finding],
    fmt: str,
    out: TextIO,
    *,
    checked: int,
    noun: str = "file",
    quiet: bool = False,
) -> None:
    """Write findings in the chosen format; text ends with a one-line summary unless quiet."""
    if fmt == "json":
        document = {
            "findings": [f.as_dict() for f in findings],
            "errors": sum(1 for f in findings if f.is_error),
            "warnings": sum(1 for f in findings if not f.is_error),
            "checked": checked,
        }
        out.write(json.dumps(document, indent=2) + "\n")
        return
    if fmt == "github":
        for finding in findings:
            out.write(format_github(finding) + "\n")
        return
    colour = use_colour(out)
    for finding in findings:
        out.write(format_text(finding, colour) + "\n")
    if not quiet:
        out.write(summary(findings, checked, noun) + "\n")
