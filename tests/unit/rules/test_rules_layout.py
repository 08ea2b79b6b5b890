"""Layout rules: where files sit, how entries are named, what the installer ignores."""

from __future__ import annotations

import pytest
from rules_helpers import Changes, check, findings_of, good_tree, rules_of

from generator.findings import Severity
from generator.rules import check_tree
from generator.tree import PluginTree

QUERIES = "queries_root/backpack.named_queries.xml"
# The good plugin moved into a folder, as when a folder is zipped instead of its contents.
NESTED: Changes = {path: None for path in good_tree().files} | {
    f"Backpack/{path}": data for path, data in good_tree().files.items()
}

FAILING = [
    pytest.param({"plugin.xml": None}, "layout.no-plugin-xml", id="no-plugin-xml"),
    pytest.param(NESTED, "layout.nested-root", id="nested-root"),
    pytest.param({"../evil.txt": "x"}, "layout.unsafe-path", id="parent-dir"),
    pytest.param({"/etc/cron.d/x": "x"}, "layout.unsafe-path", id="absolute"),
    pytest.param({"C:/temp/x.txt": "x"}, "layout.unsafe-path", id="drive-letter"),
    pytest.param({"web_root\\admin\\x.html": "x"}, "layout.unsafe-path", id="backslashes"),
    pytest.param({"web_root//x.html": "x"}, "layout.unsafe-path", id="empty-segment"),
    pytest.param({"docs/notes.md": "x"}, "layout.ignored-entry", id="unknown-folder"),
    pytest.param({"README.md": "x"}, "layout.ignored-entry", id="top-level-file"),
    pytest.param(
        {"Queries_Root/x.named_queries.xml": "<queries/>"}, "layout.ignored-entry", id="folder-case"
    ),
    pytest.param(
        {"queries_root/more/extra.named_queries.xml": "<queries/>"},
        "layout.subfolder",
        id="query-subfolder",
    ),
    pytest.param(
        {"permissions_root/a/b.permission_mappings.xml": "<permission_mappings/>"},
        "layout.subfolder",
        id="permission-subfolder",
    ),
    pytest.param(
        {"MessageKeys/en/Backpack.US_en.properties": "a=b"},
        "layout.subfolder",
        id="message-keys-subfolder",
    ),
    pytest.param({"queries_root/extra.xml": "<queries/>"}, "layout.file-name", id="query-file"),
    pytest.param(
        {"permissions_root/map.xml": "<permission_mappings/>"},
        "layout.file-name",
        id="permission-file",
    ),
    pytest.param({"pagecataloging/nav.txt": "x"}, "layout.file-name", id="catalog-file"),
    pytest.param({"__MACOSX/._plugin.xml": b"\x00\x05"}, "layout.junk", id="macosx"),
    pytest.param({"web_root/admin/.DS_Store": b"\x00"}, "layout.junk", id="ds-store"),
    pytest.param({"web_root/admin/home.html~": "x"}, "layout.junk", id="editor-backup"),
    pytest.param({"web_root/admin/page.html.bak": "x"}, "layout.junk", id="bak"),
    pytest.param({".gitignore": "dist/"}, "layout.junk", id="dotfile"),
    pytest.param(
        {"web_root/admin/backpack/STATUS.html": "x"}, "layout.case-collision", id="case-collision"
    ),
]

PASSING = [
    pytest.param({}, "layout.no-plugin-xml", id="plugin-xml-at-root"),
    pytest.param({}, "layout.nested-root", id="not-nested"),
    pytest.param({"web_root/admin/home.html": "x"}, "layout.unsafe-path", id="plain-path"),
    pytest.param(
        {"data_change_configuration_root/backpack.json": "{}"},
        "layout.ignored-entry",
        id="data-change-configuration",
    ),
    pytest.param({}, "layout.subfolder", id="flat-folders"),
    pytest.param(
        {"web_root/admin/a/b/c/page.html": "x"}, "layout.subfolder", id="web-root-subfolders"
    ),
    pytest.param(
        {"queries_root/more.named_queries.xml": "<queries/>"},
        "layout.file-name",
        id="named-queries-name",
    ),
    pytest.param({"web_root/images/logo.png": b"\x89PNG"}, "layout.junk", id="plain-file"),
    pytest.param(
        {"web_root/admin/backpack/other.html": "x"}, "layout.case-collision", id="distinct-names"
    ),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_layout_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_layout_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


def test_nested_root_is_named_and_the_plugin_is_still_checked() -> None:
    files = {f"Backpack/{path}": data for path, data in good_tree().files.items()}
    files["__MACOSX/Backpack/._plugin.xml"] = b"\x00"
    files["Backpack/queries_root/extra.xml"] = b"<queries/>"
    findings = check_tree(PluginTree(files, origin="backpack.zip", separator="!"))

    nested = findings_of("layout.nested-root", findings)
    assert [f.file for f in nested] == ["backpack.zip!Backpack/plugin.xml"]
    assert "one level too deep" in nested[0].message
    assert "layout.no-plugin-xml" not in rules_of(findings)
    # Content rules run on the inner folder, and name files by their place in the zip.
    assert [f.file for f in findings_of("layout.file-name", findings)] == [
        "backpack.zip!Backpack/queries_root/extra.xml"
    ]


def test_two_top_folders_are_not_a_nested_root() -> None:
    files = {f"Backpack/{path}": data for path, data in good_tree().files.items()}
    files["Other/readme.txt"] = b"x"
    rules = rules_of(check_tree(PluginTree(files)))
    assert "layout.no-plugin-xml" in rules
    assert "layout.nested-root" not in rules


def test_misnamed_plugin_xml_is_pointed_out() -> None:
    findings = check({"plugin.xml": None, "Plugin.XML": "<plugin/>"})
    [missing] = findings_of("layout.no-plugin-xml", findings)
    assert "Plugin.XML" in missing.message


def test_ignored_folder_with_wrong_case_suggests_the_known_name() -> None:
    findings = check({"Queries_Root/x.named_queries.xml": "<queries/>"})
    [ignored] = findings_of("layout.ignored-entry", findings)
    assert "did you mean queries_root?" in ignored.message
    assert ignored.severity is Severity.WARNING


def test_upper_case_web_root_is_accepted() -> None:
    files = {
        path.replace("web_root/", "WEB_ROOT/", 1): data for path, data in good_tree().files.items()
    }
    assert check_tree(PluginTree(files)) == []


def test_junk_is_only_a_warning() -> None:
    findings = check({"__MACOSX/._plugin.xml": b"\x00", "web_root/.DS_Store": b"\x00"})
    junk = findings_of("layout.junk", findings)
    assert len(junk) == 2
    assert all(f.severity is Severity.WARNING for f in junk)
    assert all(f.severity is Severity.WARNING for f in findings)
