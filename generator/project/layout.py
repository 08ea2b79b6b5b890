"""Where each part of a bundle document lands in the plugin tree.

Validation uses this to find two sources that would write the same file, before anything renders.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.project.yamlsource import KeyPath

WEB_ROOT = "web_root"


@dataclass(frozen=True)
class PlannedFile:
    path: str
    source: KeyPath
    kind: str


def fragment_path(fragment: dict[str, Any], suffix: str = ".txt") -> str:
    """`web_root/admin/home.NAME.POINT.txt` for a page, `web_root/wildcards/W.NAME.POINT.txt`."""
    stem = f"{fragment['name']}.{fragment['insertion_point']}{suffix}"
    if fragment.get("wildcard"):
        return f"{WEB_ROOT}/wildcards/{fragment['wildcard']}.{stem}"
    page = str(fragment.get("page", "")).lstrip("/")
    folder, name = posixpath.split(page)
    base = name.removesuffix(".html")
    return posixpath.join(WEB_ROOT, folder, f"{base}.{stem}")


def planned_files(document: dict[str, Any]) -> Iterator[PlannedFile]:
    """Every file the document renders, with the key path of the part that renders it."""
    yield PlannedFile("plugin.xml", ("plugin",), "plugin.xml")

    for i, fragment in enumerate(document.get("fragments") or []):
        yield PlannedFile(fragment_path(fragment), ("fragments", i), "fragment")
        if fragment.get("insertion_metadata"):
            path = fragment_path(fragment, ".xml")
            yield PlannedFile(path, ("fragments", i, "insertion_metadata"), "insertion_metadata")

    for i, page in enumerate(document.get("pages") or []):
        yield PlannedFile(f"{WEB_ROOT}/{page['path']}", ("pages", i), "page")

    queries = document.get("named_queries")
    if queries:
        path = f"queries_root/{queries['file']}.named_queries.xml"
        yield PlannedFile(path, ("named_queries",), "named_queries")

    mappings = document.get("permission_mappings")
    if mappings:
        path = f"permissions_root/{mappings['file']}.permission_mappings.xml"
        yield PlannedFile(path, ("permission_mappings",), "permission_mappings")

    keys = document.get("message_keys")
    if keys:
        for locale in sorted(keys.get("locales") or {}):
            path = f"MessageKeys/{keys['bundle']}.{locale}.properties"
            yield PlannedFile(path, ("message_keys", "locales", locale), "message_keys")

    catalog = document.get("page_cataloging")
    if catalog:
        yield PlannedFile(f"pagecataloging/{catalog['file']}.json", ("page_cataloging",), "catalog")

    for i, extension in enumerate(document.get("database_extensions") or []):
        path = f"user_schema_root/{extension['name']}.xml"
        yield PlannedFile(path, ("database_extensions", i), "database_extension")
