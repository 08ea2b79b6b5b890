"""Rendering one district's plugin tree from its merged document."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import jinja2

from generator.cache import Bounded
from generator.findings import Finding
from generator.project.layout import fragment_path
from generator.project.merge import shared_parts
from generator.project.model import Project
from generator.render.data_exchange import data_exchange_profile
from generator.render.environment import make_environment, referenced_names, render_template
from generator.render.memo import RenderMemo
from generator.render.message_keys import render_properties
from generator.rules import CheckContext, check_tree
from generator.tree import PluginTree

_OPTIONAL_SECTIONS = (
    "autoinstall",
    "identity_attribute",
    "registration",
    "oauth",
    "openid",
    "saml",
    "access_request",
)


@dataclass
class RenderedDistrict:
    district: str
    display_name: str
    plugin_name: str
    plugin_slug: str
    plugin_version: str
    tree: PluginTree
    data_exchange: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)


def render_district(project: Project, district: str) -> RenderedDistrict:
    """Render the district's plugin and run the rule engine over it; nothing is written."""
    document = project.merged(district)
    environment = make_environment(tuple(project.template_dirs()), project.templates_fingerprint())
    context = CheckContext(custom_insertion_points=frozenset(document.get("insertion_points", [])))
    files, findings = _plugin_files(environment, document, district, context)
    tree = PluginTree(files, origin=district)

    plugin = document["plugin"]
    section = document.get("district") or {}
    return RenderedDistrict(
        district=district,
        display_name=section.get("display_name", district),
        plugin_name=plugin["name"],
        plugin_slug=plugin.get("slug") or _slug(plugin["name"]),
        plugin_version=plugin["version"],
        tree=tree,
        data_exchange=data_exchange_profile(document, district),
        findings=[f._replace(file=tree.display(f.file)) for f in findings],
    )


def _plugin_files(
    environment: jinja2.Environment,
    document: dict[str, Any],
    district: str,
    context: CheckContext,
) -> tuple[dict[str, bytes], list[Finding]]:
    """The plugin's files and the rule engine's findings on them (named by path alone).

    Most districts share every part of their merged document but their own `district` section
    with the district before them. When none of the plugin's templates read that section, the
    plugin is the same for every district sharing those parts, and is reused whole; a template
    that reads it makes the plugin its district's own.
    """
    shared = shared_parts(document)
    key = (id(environment), shared.key)
    found = _PLUGINS.get(key)
    if found is not None:
        return dict(found[1]), found[2]

    tree = PluginTree()
    renderer = _Renderer(environment, document, district, tree)
    renderer.render_all()
    findings = checked_findings(tree, context)
    if renderer.shared_only:
        _PLUGINS.put(key, ((environment, shared), dict(tree.files), findings))
    return tree.files, findings


def checked_findings(tree: PluginTree, context: CheckContext) -> list[Finding]:
    """The rule engine's findings for the tree, named as the tree names its files. Districts
    often render identical trees, so the findings of a tree's exact bytes are remembered and
    only relabelled."""
    digest = hashlib.sha256()
    for path in sorted(tree.files):
        content = tree.files[path]
        digest.update(b"%d:%s\0%d:" % (len(path), path.encode(), len(content)))
        digest.update(content)
    key = (
        digest.hexdigest(),
        tuple(sorted(context.custom_insertion_points)),
        tuple(sorted(context.ignore)),
        tuple(sorted(context.other_query_names.items())),
    )
    findings = _CHECKED.get_or_make(key, lambda: check_tree(PluginTree(files=tree.files), context))
    return [f._replace(file=tree.display(f.file)) for f in findings]


_CHECKED: Bounded[list[Finding]] = Bounded(64)
_PLUGINS: Bounded[tuple[object, dict[str, bytes], list[Finding]]] = Bounded(16)
_MEMO = RenderMemo()
# One empty sequence for every absent list, so that absence has one identity in the memo.
_NOTHING: tuple[()] = ()


def _slug(name: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name)
    return "-".join(part for part in cleaned.split("-") if part) or "plugin"


class _Renderer:
    def __init__(
        self,
        environment: jinja2.Environment,
        document: dict[str, Any],
        district: str,
        tree: PluginTree,
    ) -> None:
        self.environment = environment
        self.document = document
        self.tree = tree
        section = dict(document.get("district") or {})
        section.pop("credentials", None)
        section.setdefault("name", district)
        # What every fragment and page template sees, besides its own `item`.
        self.shared = {
            "plugin": document["plugin"],
            "district": section,
            "data_exchange": dict(document.get("data_exchange") or {}),
            "queries": (document.get("named_queries") or {}).get("queries", []),
        }
        # The objects each shared value is made from: the same objects, the same value.
        self.shared_sources: dict[str, object] = {
            "plugin": document["plugin"],
            "data_exchange": document.get("data_exchange"),
            "queries": document.get("named_queries"),
        }
        # Whether every file came from the document's shared parts alone: false once a template
        # reads the district's own values, or names that cannot be known from its source.
        self.shared_only = True

    def render(
        self,
        template: str,
        context: dict[str, Any],
        used_by: str,
        sources: dict[str, object] | None = None,
    ) -> bytes:
        """Render a template, or reuse the bytes of an earlier render from the same objects.
        `sources` names the objects each context value was made from (the values themselves
        when not given); a template that reads the district's own values is always rendered."""

        def make() -> bytes:
            return render_template(self.environment, template, context, used_by=used_by).encode()

        names = referenced_names(self.environment, template)
        sources = context if sources is None else sources
        if names is None or any(name not in sources for name in names & set(context)):
            self.shared_only = False
            return make()
        picked = tuple(sources.get(name) for name in sorted(names))
        return _MEMO.get_or_make(template, (self.environment, *picked), make)

    def render_all(self) -> None:
        document = self.document
        plugin_context = {key: document.get(key) for key in _OPTIONAL_SECTIONS}
        plugin_context.update(
            plugin=document["plugin"],
            links=document.get("links") or _NOTHING,
            cdn_request=document.get("cdn_request") or _NOTHING,
        )
        if plugin_context["access_request"] is None and plugin_context["cdn_request"]:
            plugin_context["access_request"] = _NOTHING
        self.tree.add("plugin.xml", self.render("plugin.xml.j2", plugin_context, "plugin"))
        self.fragments()
        self.pages()
        self.data_files()

    def fragments(self) -> None:
        for i, fragment in enumerate(self.document.get("fragments") or []):
            used_by = f"fragments[{i}]"
            self.tree.add(fragment_path(fragment), self.item(fragment, used_by))
            metadata = fragment.get("insertion_metadata")
            if metadata:
                content = self.render("insertion_metadata.xml.j2", {"metadata": metadata}, used_by)
                self.tree.add(fragment_path(fragment, ".xml"), content)

    def pages(self) -> None:
        for i, page in enumerate(self.document.get("pages") or []):
            self.tree.add(f"web_root/{page['path']}", self.item(page, f"pages[{i}]"))

    def item(self, item: dict[str, Any], used_by: str) -> bytes:
        if "content" in item:
            # Inline content is the author's own markup, written as given.
            return str(item["content"]).encode()
        context = {**self.shared, "item": {**item, "context": item.get("context", {})}}
        sources = {**self.shared_sources, "item": item}
        return self.render(str(item["template"]), context, used_by, sources)

    def data_files(self) -> None:
        document = self.document
        queries = document.get("named_queries")
        if queries:
            path = f"queries_root/{queries['file']}.named_queries.xml"
            context = {"queries": queries["queries"]}
            self.tree.add(path, self.render("named_queries.xml.j2", context, "named_queries"))
        mappings = document.get("permission_mappings")
        if mappings:
            path = f"permissions_root/{mappings['file']}.permission_mappings.xml"
            context = {"permissions": mappings["permissions"]}
            content = self.render("permission_mappings.xml.j2", context, "permission_mappings")
            self.tree.add(path, content)
        keys = document.get("message_keys")
        if keys:
            for locale, values in sorted(keys["locales"].items()):
                path = f"MessageKeys/{keys['bundle']}.{locale}.properties"
                content = _MEMO.get_or_make(
                    "properties", (values,), functools.partial(render_properties, values)
                )
                self.tree.add(path, content)
        catalog = document.get("page_cataloging")
        if catalog:
            self.tree.add(f"pagecataloging/{catalog['file']}.json", _catalog_json(catalog))
        for i, extension in enumerate(document.get("database_extensions") or []):
            path = f"user_schema_root/{extension['name']}.xml"
            content = self.render(
                "database_extension.xml.j2", {"extension": extension}, f"database_extensions[{i}]"
            )
            self.tree.add(path, content)


_CATALOG_KEYS = {
    "html_id": "htmlID",
    "title": "title",
    "page_url": "pageURL",
    "context_type": "contextType",
    "parent_html_id": "parentHTMLID",
    "sort_order": "sortOrder",
    "permission": "permission",
}


def _catalog_json(catalog: dict[str, Any]) -> bytes:
    pages = [
        {_CATALOG_KEYS[key]: value for key, value in page.items() if key in _CATALOG_KEYS}
        for page in catalog["pages"]
    ]
    return (json.dumps({"pages": pages}, indent=2, sort_keys=True) + "\n").encode()
