"""JSON written for people, fast: the exact text of json.dumps(value, indent=2, sort_keys=True).

The standard library writes indented JSON with its pure-Python encoder, several times slower
than its C encoder, which a build pays on every district's data-exchange.json. This writer
walks the value once and leaves strings to the C string encoder; the parts that documents share
as the very same objects can be kept as text and written again without a walk.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import Any

from generator.cache import Bounded

_CONSTANTS = {True: "true", False: "false"}


class SharedTexts:
    """The text of lists and mappings that several documents hold as the very same objects,
    which their owners never change once written: what the merge shares between districts."""

    def __init__(self, limit: int = 256) -> None:
        # By identity and indentation; each entry holds its object, so that no other can take
        # its id while the text is kept.
        self._texts: Bounded[tuple[object, str]] = Bounded(limit)

    def get(self, value: object, newline: str) -> str | None:
        entry = self._texts.get((id(value), newline))
        return entry[1] if entry is not None and entry[0] is value else None

    def put(self, value: object, newline: str, text: str) -> None:
        self._texts.put((id(value), newline), (value, text))


def pretty(value: Any, shared: SharedTexts | None = None) -> str:
    """The same text as json.dumps(value, indent=2, sort_keys=True). With `shared`, the text of
    each list and mapping directly inside `value` is kept there and written again wherever the
    same object appears."""
    parts: list[str] = []
    try:
        if type(value) is dict or type(value) is list:
            _write_container(value, type(value) is dict, parts, "\n", shared)
        else:
            _write(value, parts, "\n", None)
    except _Unusual:
        return json.dumps(value, indent=2, sort_keys=True)
    return "".join(parts)


class _Unusual(Exception):
    """A value this writer leaves to the standard library (non-string keys, floats, other
    types), so that the text stays exactly the standard one."""


def _write(value: Any, parts: list[str], newline: str, shared: SharedTexts | None) -> None:
    kind = type(value)
    if kind is str:
        parts.append(encode_basestring_ascii(value))
    elif kind is bool:
        parts.append(_CONSTANTS[value])
    elif value is None:
        parts.append("null")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is dict or kind is list or kind is tuple:
        if shared is None or kind is tuple:
            _write_container(value, kind is dict, parts, newline, shared)
            return
        text = shared.get(value, newline)
        if text is None:
            start = len(parts)
            _write_container(value, kind is dict, parts, newline, None)
            text = "".join(parts[start:])
            del parts[start:]
            shared.put(value, newline, text)
        parts.append(text)
    else:
        raise _Unusual


def _write_container(
    value: Any, mapping: bool, parts: list[str], newline: str, shared: SharedTexts | None
) -> None:
    if not value:
        parts.append("{}" if mapping else "[]")
        return
    inner = newline + "  "
    if mapping:
        separator = "{" + inner
        for key in sorted(value):
            if type(key) is not str:
                raise _Unusual
            parts.append(separator)
            parts.append(encode_basestring_ascii(key))
            parts.append(": ")
            _write(value[key], parts, inner, shared)
            separator = "," + inner
        parts.append(newline + "}")
        return
    separator = "[" + inner
    for item in value:
        parts.append(separator)
        _write(item, parts, inner, shared)
        separator = "," + inner
    parts.append(newline + "]")
