"""A plugin's files in memory: what rendering makes, packaging writes and the rules check."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class PluginTree:
    """Files of one plugin, keyed by their forward-slash path relative to the plugin root.

    `origin` names the tree in findings: a folder, a zip file, or a district's name. Paths inside a
    zip are shown as `origin!path`, paths inside a folder as `origin/path`.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    origin: str = ""
    separator: str = "/"

    def display(self, path: str) -> str:
        if not self.origin:
            return path
        return f"{self.origin}{self.separator}{path}"

    def add(self, path: str, content: bytes) -> None:
        self.files[path] = content

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.files))

    def __len__(self) -> int:
        return len(self.files)
