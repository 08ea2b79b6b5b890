"""How district files overlay psplugin.yaml, and psplugin.yaml overlays its preset.

Mappings merge key by key, to any depth; any other value (a list, a string, a number) replaces the
one below it whole; `null` removes the key from the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.project.yamlsource import KeyPath, SourceDoc


def overlay(base: Any, top: Any) -> Any:
    """`top` laid over `base` by the rules above; neither argument is changed.

    Parts of `base` that `top` does not touch are shared with the result, not copied: a merged
    document is read, never changed in place.
    """
    if not isinstance(base, dict) or not isinstance(top, dict):
        return _copy(top)
    merged = dict(base)
    for key, value in top.items():
        if value is None:
            merged.pop(key, None)
        elif key in merged:
            merged[key] = overlay(merged[key], value)
        else:
            merged[key] = _copy(value)
    return merged


@dataclass(frozen=True)
class SharedParts:
    """The parts of a district's merged document other than its own `district` section.

    The merge shares what a district does not change, so districts that change nothing else
    hold the very same objects, and `key` stands for them by identity: what is worked out from
    these parts alone can be kept for the next district with the same key. Whoever keeps such a
    result keeps this object with it, so that no other object can take the parts' ids.
    """

    parts: tuple[tuple[str, Any], ...]
    key: tuple[tuple[str, int], ...]


def shared_parts(document: Mapping[str, Any]) -> SharedParts:
    parts = tuple(sorted((key, value) for key, value in document.items() if key != "district"))
    return SharedParts(parts, tuple((name, id(value)) for name, value in parts))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def merge_layers(layers: Sequence[SourceDoc]) -> Any:
    merged: Any = {}
    for layer in layers:
        merged = overlay(merged, layer.data)
    return merged


def locate(layers: Sequence[SourceDoc], path: KeyPath) -> tuple[SourceDoc, int, int]:
    """The file, line and column that gave `path` its value: the topmost layer that holds it, or
    else the topmost that holds its nearest parent."""
    for end in range(len(path), -1, -1):
        prefix = path[:end]
        for layer in reversed(layers):
            position = layer.positions.get(prefix)
            if position is not None and (end > 0 or layer is layers[-1]):
                return layer, position[0], position[1]
    return layers[-1], 1, 1
