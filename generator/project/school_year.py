"""PowerSchool school years (`25-26`) and the Ed-Fi school year that names them (2026)."""

from __future__ import annotations

import re

_FORM = re.compile(r"^(\d{2})-(\d{2})$")


def parse_school_year(text: str) -> int:
    """The Ed-Fi school year (the ending year) of a PowerSchool `YY-YY` year; ValueError if bad."""
    match = _FORM.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a school year like 25-26")
    start, end = int(match.group(1)), int(match.group(2))
    if (start + 1) % 100 != end:
        raise ValueError(f"'{text}' does not span two consecutive years (like 25-26)")
    return 2000 + end


def format_school_year(edfi_year: int) -> str:
    return f"{(edfi_year - 1) % 100:02d}-{edfi_year % 100:02d}"
