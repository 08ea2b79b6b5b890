"""Shared helpers for the rule tests: the good sample plugin and small edits of it.

Imported by the test modules beside it (pytest puts this folder on sys.path)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from generator.findings import Finding
from generator.rules import CheckContext, check_tree
from generator.rules.readers import read_folder
from generator.tree import PluginTree

PLUGINS = Path(__file__).resolve().parents[2] / "data" / "plugins"

# A change to one file of the good plugin: new text, None to delete it, or (old, new) pairs that
# replace pieces of its text (each piece must be there, so a fixture edit cannot void a test).
Change = str | bytes | None | tuple[str, str] | list[tuple[str, str]]
Changes = Mapping[str, Change]


@functools.cache
def _good_files() -> Mapping[str, bytes]:
    result = read_folder(PLUGINS / "good")
    assert result.findings == []
    return MappingProxyType(dict(result.tree.files))


def good_tree() -> PluginTree:
    """A fresh copy of tests/data/plugins/good, which every rule accepts."""
    return PluginTree(dict(_good_files()), origin="good")


def edited(changes: Changes, base: PluginTree | None = None) -> PluginTree:
    tree = base or good_tree()
    files = dict(tree.files)
    for path, change in changes.items():
        if change is None:
            del files[path]
        elif isinstance(change, tuple | list):
            text = files[path].decode("utf-8")
            for old, new in [change] if isinstance(change, tuple) else change:
                assert old in text, f"{old!r} is not in {path}"
                text = text.replace(old, new)
            files[path] = text.encode("utf-8")
        else:
            files[path] = change.encode("utf-8") if isinstance(change, str) else change
    return PluginTree(files, origin=tree.origin, separator=tree.separator)


def rules_of(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def check(changes: Changes, context: CheckContext | None = None) -> list[Finding]:
    """Check the good plugin with some files changed."""
    return check_tree(edited(changes), context)


def findings_of(rule: str, findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]
