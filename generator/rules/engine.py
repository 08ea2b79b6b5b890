"""The one entry point: every rule over one plugin tree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.entry_names import is_junk
from generator.findings import Finding, sort_findings
from generator.rules.context import CheckContext
from generator.rules.fragments import check_fragments
from generator.rules.layout import check_layout
from generator.rules.message_keys import check_message_keys
from generator.rules.page_catalog import check_page_catalog
from generator.rules.permissions import check_permission_mappings
from generator.rules.plugin_xml import check_plugin_xml
from generator.rules.queries import check_named_queries
from generator.rules.readers import ReadLimits, read_plugin
from generator.rules.scan import Scan
from generator.rules.user_schema import check_user_schema
from generator.tree import PluginTree

# Content checks, run on the plugin's root (the nested folder when the zip was made too deep).
CONTENT_CHECKS: tuple[Callable[[Scan], None], ...] = (
    check_plugin_xml,
    check_fragments,
    check_permission_mappings,
    check_named_queries,
    check_message_keys,
    check_page_catalog,
    check_user_schema,
)


def check_tree(tree: PluginTree, context: CheckContext | None = None) -> list[Finding]:
    """Check a plugin's files with every rule and return the findings, sorted by place."""
    context = context or CheckContext()
    scan = Scan(tree, context)
    root = check_layout(scan)
    content = scan.rerooted(root) if root else scan

    for check in CONTENT_CHECKS:
        check(content)
    # Every XML file must be well-formed, also those no content rule reads.
    for path in content.tree:
        if path.lower().endswith(".xml") and not is_junk(path):
            content.xml(path)

    scan.report_overflow()
    if content is not scan:
        content.report_overflow()
    return sort_findings(scan.findings)


def check_path(
    path: str | Path, context: CheckContext | None = None, limits: ReadLimits | None = None
) -> tuple[PluginTree, list[Finding]]:
    """Read a plugin folder, zip or bare plugin.xml and check it: what `lint` does per path.
    When the plugin could not be read completely, only the reading findings are returned."""
    result = read_plugin(path, limits)
    findings = list(result.findings)
    if result.complete:
        findings.extend(check_tree(result.tree, context))
    return result.tree, sort_findings(findings)
