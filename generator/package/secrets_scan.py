"""The last guard before packaging: no configured secret and nothing shaped like a credential may
reach a rendered file. Findings show only a masked value."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from generator.findings import Finding

# Shorter configured values would match ordinary text everywhere; they are not worth a finding.
MIN_SECRET_LENGTH = 6
MIN_TOKEN_LENGTH = 16
MIN_TOKEN_ENTROPY = 3.5  # bits per character; random base64 or hex tokens sit well above it

_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_AWS_PREFIXES = (b"AKIA", b"ASIA", b"AGPA", b"AIDA", b"AROA")
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_KEYWORDS = ("key", "secret", "password", "passwd", "pwd", "token")
_ASSIGNED_TOKEN = re.compile(
    r"(?i)(?:key|secret|password|passwd|pwd|token)[A-Za-z0-9_-]*[\"']?\s*[:=]\s*[\"']?"
    r"([A-Za-z0-9+/_.~-]{" + str(MIN_TOKEN_LENGTH) + r",}={0,2})"
)
# Environment variable names and similar identifiers are references to secrets, not secrets.
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_WORDS = re.compile(r"[A-Za-z]+(?:[._-][A-Za-z]+)*")


Reference = Mapping[str, Any]


class ProjectSecrets:
    """Every district's resolved secret values, gathered on first use.

    Each district is scanned for all of them, not only its own: a template that all districts
    share could carry one district's secret into every other district's files. What is handed
    around (to worker processes too) are the references; values are resolved where they are used.
    """

    def __init__(
        self, references: Iterable[Reference], resolve: Callable[[Reference], str | None]
    ) -> None:
        self._references = list(references)
        self._resolve = resolve
        self._values: list[str] | None = None

    def values(self) -> list[str]:
        if self._values is None:
            found = set()
            for reference in self._references:
                value = self._resolve(reference)
                if value and len(value) >= MIN_SECRET_LENGTH:
                    found.add(value)
            # Longest first, so that a value inside a longer one is reported as the longer one.
            self._values = sorted(found, key=lambda value: (-len(value), value))
        return self._values


def unique_references(references: Iterable[Reference]) -> list[dict[str, Any]]:
    """The references without repeats (a thousand districts may read the same secrets file)."""
    seen: dict[str, dict[str, Any]] = {}
    for reference in references:
        seen.setdefault(json.dumps(reference, sort_keys=True, default=str), dict(reference))
    return list(seen.values())


def mask(value: str) -> str:
    """Enough of a value to recognise it, never enough to use it."""
    if len(value) < 10:
        return "****"
    return value[:2] + "****"


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _looks_random(token: str) -> bool:
    if _ENV_NAME.fullmatch(token) or _WORDS.fullmatch(token):
        return False
    has_digit = any(c.isdigit() for c in token)
    has_letter = any(c.isalpha() for c in token)
    return has_digit and has_letter and shannon_entropy(token) >= MIN_TOKEN_ENTROPY


def _assigned_tokens(text: str) -> Iterable[re.Match[str]]:
    if not text.isascii():
        yield from _ASSIGNED_TOKEN.finditer(text)
        return
    # Trying the pattern only where a keyword starts is many times faster than letting it scan
    # every position; lower() keeps offsets of ASCII text unchanged.
    lowered = text.lower()
    starts = set()
    for word in _KEYWORDS:
        position = lowered.find(word)
        while position >= 0:
            starts.add(position)
            position = lowered.find(word, position + 1)
    for start in sorted(starts):
        if match := _ASSIGNED_TOKEN.match(text, start):
            yield match


def _credential_shapes(text: str, content: bytes) -> Iterable[tuple[str, int, str]]:
    """(what, offset, matched text) for every credential-shaped string in `text`."""
    if b"PRIVATE KEY" in content:
        for match in _PRIVATE_KEY.finditer(text):
            yield "a private key block", match.start(), match.group(0)
    if any(prefix in content for prefix in _AWS_PREFIXES):
        for match in _AWS_KEY_ID.finditer(text):
            yield "an AWS-style access key id", match.start(), match.group(0)
    if b"eyJ" in content:
        for match in _JWT.finditer(text):
            yield "a JWT", match.start(), match.group(0)
    for match in _assigned_tokens(text):
        token = match.group(1)
        if _looks_random(token):
            what = "a high-entropy token after a key/secret/password/token word"
            yield what, match.start(1), token


def scan_text(display: str, content: bytes, secrets: Sequence[str]) -> list[Finding]:
    """Findings for configured secret values and credential-shaped strings in one file."""
    values = [value for value in secrets if len(value) >= MIN_SECRET_LENGTH]
    present = [value for value in values if value.encode("utf-8") in content]
    if not present and not _maybe_credential(content):
        return []

    text = content.decode("utf-8", errors="replace")
    findings = []
    for value in present:
        for match in re.finditer(re.escape(value), text):
            message = (
                f"the configured secret value {mask(value)} is in a rendered file; "
                "refer to secrets by name and never put their values in templates or project data"
            )
            findings.append(_finding(display, text, match.start(), "secret-value", message))
    for what, offset, matched in _credential_shapes(text, content):
        if any(value in matched for value in present):
            continue  # already reported as the configured secret it is
        message = (
            f"{what} ({mask(matched)}) is in a rendered file; remove it, or keep it in the "
            "environment or a secrets file and refer to it by name"
        )
        findings.append(_finding(display, text, offset, "secret-credential-shape", message))
    return sorted(findings)


def _finding(display: str, text: str, offset: int, rule: str, message: str) -> Finding:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding(display, line, column, rule, message)


def _maybe_credential(content: bytes) -> bool:
    # A cheap byte-level test first: most files hold none of these words, and running every
    # pattern over them would be wasted work.
    lowered = content.lower()
    return any(word.encode() in lowered for word in _KEYWORDS) or any(
        word in content for word in (b"PRIVATE KEY", b"eyJ", *_AWS_PREFIXES)
    )
