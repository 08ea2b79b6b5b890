"""The last guard before packaging: no configured secret and nothing shaped like a credential may
reach a rendered file. Findings show only a masked value."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from generator.findings import Finding

# Shorter configured values would match ordinary text everywhere; they are not worth a finding.
MIN_SECRET_LENGTH = 6
MIN_TOKEN_LENGTH = 16
MIN_TOKEN_ENTROPY = 3.5  # bits per character; random base64 or hex tokens sit well above it

_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_ASSIGNED_TOKEN = re.compile(
    r"(?i)(?:key|secret|password|passwd|pwd|token)[A-Za-z0-9_-]*[\"']?\s*[:=]\s*[\"']?"
    r"([A-Za-z0-9+/_.~-]{" + str(MIN_TOKEN_LENGTH) + r",}={0,2})"
)
# Environment variable names and similar identifiers are references to secrets, not secrets.
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_WORDS = re.compile(r"[A-Za-z]+(?:[._-][A-Za-z]+)*")


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


def _credential_shapes(line: str) -> Iterable[tuple[str, str]]:
    """(what, matched text) for every credential-shaped string in one line."""
    if match := _PRIVATE_KEY.search(line):
        yield "a private key block", match.group(0)
    for match in _AWS_KEY_ID.finditer(line):
        yield "an AWS-style access key id", match.group(0)
    for match in _JWT.finditer(line):
        yield "a JWT", match.group(0)
    for match in _ASSIGNED_TOKEN.finditer(line):
        token = match.group(1)
        if _looks_random(token):
            yield "a high-entropy token after a key/secret/password/token word", token


def scan_text(display: str, content: bytes, secrets: Sequence[str]) -> list[Finding]:
    """Findings for configured secret values and credential-shaped strings in one file."""
    findings: list[Finding] = []
    values = [value for value in secrets if len(value) >= MIN_SECRET_LENGTH]
    raw = [(value, value.encode("utf-8")) for value in values]
    if any(encoded in content for _, encoded in raw) or _maybe_credential(content):
        text = content.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            findings.extend(_scan_line(display, number, line, values))
    return findings


def _maybe_credential(content: bytes) -> bool:
    # A cheap byte-level test first: most files hold none of these words, and decoding and
    # scanning them line by line would be wasted work.
    lowered = content.lower()
    return any(
        word in lowered
        for word in (b"key", b"secret", b"pass", b"pwd", b"token", b"eyj", b"akia", b"asia")
    ) or any(word in content for word in (b"AGPA", b"AIDA", b"AROA"))


def _scan_line(display: str, number: int, line: str, values: Sequence[str]) -> list[Finding]:
    findings = []
    for value in values:
        column = line.find(value)
        if column >= 0:
            message = (
                f"the configured secret value {mask(value)} is in a rendered file; "
                "refer to secrets by name and never put their values in templates or project data"
            )
            findings.append(Finding(display, number, column + 1, "secret-value", message))
    for what, text in _credential_shapes(line):
        column = line.find(text)
        message = (
            f"{what} ({mask(text)}) is in a rendered file; remove it, or keep it in the "
            "environment or a secrets file and refer to it by name"
        )
        findings.append(Finding(display, number, column + 1, "secret-credential-shape", message))
    return findings
