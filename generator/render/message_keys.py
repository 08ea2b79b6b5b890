"""Message key files (`MessageKeys/NAME.US_en.properties`) in Java properties syntax."""

from __future__ import annotations

import re

_SPECIAL = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.\-]+")
# Printable ASCII but the backslash, and not starting with a space, `#` or `!`. (Written as what
# is allowed: a class that excludes everything above 0x7e takes milliseconds to compile.)
_PLAIN_VALUE = re.compile(r'["$-\[\]-~][ -\[\]-~]*')


def _escape(text: str, *, key: bool) -> str:
    if (_PLAIN_KEY if key else _PLAIN_VALUE).fullmatch(text):
        return text
    out = []
    for i, char in enumerate(text):
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif (key and char in "=: #!") or (not key and i == 0 and char in " #!"):
            out.append("\\" + char)
        elif ord(char) > 0x7E or ord(char) < 0x20:
            # Properties files are read as ISO-8859-1 by the Java runtime: anything else is escaped.
            out.extend(f"\\u{unit:04x}" for unit in _utf16_units(char))
        else:
            out.append(char)
    return "".join(out)


def _utf16_units(char: str) -> list[int]:
    encoded = char.encode("utf-16-be")
    return [int.from_bytes(encoded[i : i + 2], "big") for i in range(0, len(encoded), 2)]


def render_properties(keys: dict[str, str]) -> bytes:
    lines = [
        f"{_escape(k, key=True)}={_escape(str(v), key=False)}" for k, v in sorted(keys.items())
    ]
    return ("\n".join(lines) + "\n").encode("ascii")
