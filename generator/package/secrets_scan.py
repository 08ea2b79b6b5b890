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
# The prefixes as one pattern: one pass over a file instead of five.
_AWS_PREFIX = re.compile(rb"A(?:KIA|SIA|GPA|IDA|ROA)")
_AWS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_ASSIGNED_TOKEN = re.compile(
    r"(?i)(?:key|secret|password|passwd|pwd|token)[A-Za-z0-9_-]*[\"']?\s*[:=]\s*[\"']?"
    r"([A-Za-z0-9+/_.~-]{" + str(MIN_TOKEN_LENGTH) + r",}={0,2})"
)
# Environment variable names and similar identifiers are references to secrets, not secrets.
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_WORDS = re.compile(r"[A-Za-z]+(?:[._-][A-Za-z]+)*")


Reference = Mapping[str, Any]


class SecretValues:
    """Configured secret values, indexed so that one pass over a file finds those it holds.

    A thousand districts bring two thousand values, and every file is searched for all of them:
    a search per value would make a build's scan grow with the square of its districts. Instead,
    each value is known by its longest run of ASCII letters and digits (its anchor), which must
    lie inside one run of letters and digits of any file that holds the value. A file's runs are
    found in one pass and looked up by their first characters, and only the values whose anchor
    is found there are searched for in full.
    """

    def __init__(self, values: Iterable[str]) -> None:
        # Longest first, so that a value inside a longer one is reported as the longer one.
        unique = {value for value in values if len(value) >= MIN_SECRET_LENGTH}
        self.values = sorted(unique, key=lambda value: (-len(value), value))
        self._loose: list[tuple[str, bytes]] = []
        anchored: list[tuple[bytes, str, bytes]] = []
        for value in self.values:
            data = value.encode("utf-8")
            anchor = max(data.translate(_RUNS_ONLY).split(), key=len, default=b"")
            if len(anchor) < _MIN_ANCHOR:
                self._loose.append((value, data))
            else:
                anchored.append((anchor, value, data))
        self._width = min((len(anchor) for anchor, _, _ in anchored), default=_MIN_ANCHOR)
        self._by_start: dict[bytes, list[tuple[bytes, str, bytes]]] = {}
        for entry in anchored:
            self._by_start.setdefault(entry[0][: self._width], []).append(entry)
        # What earlier files taught: the runs that hold no anchor, and the values whose anchor
        # lies in each of the others. The files of a thousand districts share most of their
        # words, so most runs of a file are known before it is read.
        self._clean: set[bytes] = set()
        self._hits: dict[bytes, list[tuple[str, bytes]]] = {}

    def __bool__(self) -> bool:
        return bool(self.values)

    def present_in(self, content: bytes) -> list[str]:
        """The values `content` holds, longest first."""
        found = {value for value, data in self._loose if data in content}
        if self._by_start:
            # Every byte but a letter or digit turned into a space, then split: several times
            # faster than a regular expression that finds the runs. The runs known to hold no
            # anchor are taken out as a set, without a look at each.
            runs = set(content.translate(_RUNS_ONLY).split())
            runs -= self._clean
            for run in runs:
                for value, data in self._anchored_in(run):
                    if data in content:
                        found.add(value)
        return [value for value in self.values if value in found] if found else []

    def _anchored_in(self, run: bytes) -> list[tuple[str, bytes]]:
        """The values whose anchor lies in `run`."""
        hits = self._hits.get(run)
        if hits is None:
            width, by_start = self._width, self._by_start
            hits = [
                (value, data)
                for start in range(len(run) - width + 1)
                for anchor, value, data in by_start.get(run[start : start + width], ())
                if run.startswith(anchor, start)
            ]
            if len(self._clean) + len(self._hits) >= _REMEMBERED_RUNS:
                self._clean.clear()
                self._hits.clear()
            if hits:
                self._hits[run] = hits
            else:
                self._clean.add(run)
        return hits


# Values whose longest run of letters and digits is shorter are searched for one by one: a short
# anchor would be looked up at nearly every position of every file.
_MIN_ANCHOR = 4
_REMEMBERED_RUNS = 50_000
# For bytes.translate: every byte but an ASCII letter or digit becomes a space, so that split()
# gives the runs of letters and digits.
_RUNS_ONLY = bytes(byte if bytes([byte]).isalnum() else 32 for byte in range(256))


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
        self._values: SecretValues | None = None

    def values(self) -> SecretValues:
        if self._values is None:
            resolved = (self._resolve(reference) for reference in self._references)
            self._values = SecretValues(value for value in resolved if value)
        return self._values


def unique_references(references: Iterable[Reference]) -> list[dict[str, Any]]:
    """The references without repeats (a thousand districts may read the same secrets file)."""
    seen: dict[object, dict[str, Any]] = {}
    for reference in references:
        try:
            key: object = tuple(sorted(reference.items()))
            hash(key)
        except TypeError:  # a value that is not hashable: its JSON text stands for it
            key = json.dumps(reference, sort_keys=True, default=str)
        seen.setdefault(key, dict(reference))
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


def _assigned_tokens(text: str, starts: Sequence[int]) -> Iterable[re.Match[str]]:
    """Matches of a keyword assigned a token, given where the text's keywords start."""
    if not text.isascii():
        yield from _ASSIGNED_TOKEN.finditer(text)
        return
    # Trying the pattern only where a keyword starts is many times faster than letting it scan
    # every position; in ASCII text, offsets in the bytes and in the text are the same.
    for start in starts:
        if match := _ASSIGNED_TOKEN.match(text, start):
            yield match


class _Clues:
    """What one cheap look at a file's bytes finds: where the keywords start (in any case) and
    which credential shapes could start in it. Most files hold none, and running every pattern
    over them would be wasted work."""

    def __init__(self, content: bytes) -> None:
        lowered = content.lower()
        starts = []
        for word in _KEYWORD_STARTS:
            position = lowered.find(word)
            while position >= 0:
                starts.append(position)
                position = lowered.find(word, position + 1)
        self.keyword_starts = sorted(starts)
        self.private_key = b"PRIVATE KEY" in content
        self.aws = _AWS_PREFIX.search(content) is not None
        self.jwt = b"eyJ" in content

    def __bool__(self) -> bool:
        return bool(self.keyword_starts) or self.private_key or self.aws or self.jwt


# How the keywords begin: `passw` for both password and passwd. No two start with the same
# letters, so no position is found twice.
_KEYWORD_STARTS = (b"key", b"secret", b"passw", b"pwd", b"token")


def _credential_shapes(text: str, clues: _Clues) -> Iterable[tuple[str, int, str]]:
    """(what, offset, matched text) for every credential-shaped string in `text`."""
    if clues.private_key:
        for match in _PRIVATE_KEY.finditer(text):
            yield "a private key block", match.start(), match.group(0)
    if clues.aws:
        for match in _AWS_KEY_ID.finditer(text):
            yield "an AWS-style access key id", match.start(), match.group(0)
    if clues.jwt:
        for match in _JWT.finditer(text):
            yield "a JWT", match.start(), match.group(0)
    for match in _assigned_tokens(text, clues.keyword_starts):
        token = match.group(1)
        if _looks_random(token):
            what = "a high-entropy token after a key/secret/password/token word"
            yield what, match.start(1), token


def scan_text(display: str, content: bytes, secrets: SecretValues | Sequence[str]) -> list[Finding]:
    """Findings for configured secret values and credential-shaped strings in one file."""
    if not isinstance(secrets, SecretValues):
        secrets = SecretValues(secrets)
    present = secrets.present_in(content) if secrets else []
    clues = _Clues(content)
    if not present and not clues:
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
    for what, offset, matched in _credential_shapes(text, clues):
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
