"""JSON written for people, fast: the exact text of json.dumps(value, indent=2, sort_keys=True).

The standard library writes indented JSON with its pure-Python encoder, several times slower
than its C encoder, which a build pays on every district's data-exchange.json. This writer
walks the value once and leaves strings to the C string encoder.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

_CONSTANTS = {True: "true", False: "false"}


def pretty(value: Any) -> str:
    """The same text as json.dumps(value, indent=2, sort_keys=True)."""
    parts: list[str] = []
    try:
        _write(value, parts, "\n")
    except _Unusual:
        return json.dumps(value, indent=2, sort_keys=True)
    return "".join(parts)


class _Unusual(Exception):
    """A value this writer leaves to the standard library (non-string keys, floats, other
    types), so that the text stays exactly the standard one."""


def _write(value: Any, parts: list[str], newline: str) -> None:
    kind = type(value)
    if kind is str:
        parts.append(encode_basestring_ascii(value))
    elif kind is bool:
        parts.append(_CONSTANTS[value])
    elif value is None:
        parts.append("null")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key in sorted(value):
            if type(key) is not str:
                raise _Unusual
            parts.append(separator)
            parts.append(encode_basestring_ascii(key))
            parts.append(": ")
            _write(value[key], parts, inner)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, parts, inner)
            separator = "," + inner
        parts.append(newline + "]")
    else:
        raise _Unusual
