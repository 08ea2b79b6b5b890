"""Where files sit in the plugin: root, known folders, safe and distinct names, no junk."""

from __future__ import annotations

from collections import defaultdict

from generator.entry_names import is_junk, path_problem
from generator.findings import Severity
from generator.rules.registry import define_rule
from generator.rules.scan import Scan

NO_PLUGIN_XML = define_rule(
    "layout.no-plugin-xml",
    "plugin.xml sits at the root of the plugin, named exactly so.",
)
NESTED_ROOT = define_rule(
    "layout.nested-root",
    "The zip holds the plugin's files, not a folder that holds them (zipped one level too deep).",
)
UNSAFE_PATH = define_rule(
    "layout.unsafe-path",
    "Entry names are relative, use '/', and never climb out with '..' or name a drive.",
)
IGNORED_ENTRY = define_rule(
    "layout.ignored-entry",
    "Top-level entries are plugin.xml and the folders the installer reads; others are ignored.",
    Severity.WARNING,
)
SUBFOLDER = define_rule(
    "layout.subfolder",
    "Files in queries_root, permissions_root and MessageKeys sit directly in the folder.",
)
FILE_NAME = define_rule(
    "layout.file-name",
    "Files in queries_root, permissions_root, user_schema_root and pagecataloging have the "
    "names the installer looks for.",
    Severity.WARNING,
)
JUNK = define_rule(
    "layout.junk",
    "No operating-system or editor leftovers (__MACOSX/, .DS_Store, backups, dotfiles).",
    Severity.WARNING,
)
CASE_COLLISION = define_rule(
    "layout.case-collision",
    "No two entries differ only in letter case; they collide on Windows and macOS servers.",
)

WEB_ROOTS = ("web_root", "WEB_ROOT")
KNOWN_FOLDERS = (
    *WEB_ROOTS,
    "queries_root",
    "permissions_root",
    "user_schema_root",
    "MessageKeys",
    "pagecataloging",
    "data_change_configuration_root",
)
FLAT_FOLDERS = ("queries_root", "permissions_root", "MessageKeys")

# folder -> (what a file's name must end with, how to say it)
_EXPECTED_NAMES = {
    "queries_root": (".named_queries.xml", "<unique name>.named_queries.xml"),
    "permissions_root": (".permission_mappings.xml", "<unique name>.permission_mappings.xml"),
    "user_schema_root": (".xml", "<name>.xml"),
    "pagecataloging": (".json", "<name>.json"),
}


def check_layout(scan: Scan) -> str | None:
    """Check the tree's layout and return the folder prefix that holds plugin.xml ('' for the
    root), or None when there is no plugin.xml to anchor the content checks."""
    for path in scan.tree:
        _check_name(scan, path)
    _check_case_collisions(scan)

    root = "" if "plugin.xml" in scan.tree.files else _find_root(scan)
    if root is not None:
        _check_top_level(scan, root)
    return root


def _check_name(scan: Scan, path: str) -> None:
    problem = path_problem(path)
    if problem is not None:
        scan.report(UNSAFE_PATH, path, f"{problem.message}: rename the entry")
        return
    if is_junk(path):
        scan.report(
            JUNK,
            path,
            "this looks like an operating-system or editor leftover; the installer does not "
            "need it: leave it out of the zip",
        )


def _check_case_collisions(scan: Scan) -> None:
    by_folded: dict[str, list[str]] = defaultdict(list)
    for path in scan.tree:
        by_folded[path.casefold()].append(path)
    for paths in by_folded.values():
        for other in paths[1:]:
            scan.report(
                CASE_COLLISION,
                other,
                f"differs from {paths[0]} only in letter case; the two overwrite each other "
                "on a case-insensitive server: rename or remove one",
            )


def _find_root(scan: Scan) -> str | None:
    tops = {path.split("/", 1)[0] for path in scan.tree if not is_junk(path)}
    nested = [f"{top}/" for top in tops if f"{top}/plugin.xml" in scan.tree.files]
    if len(tops) == 1 and nested:
        folder = nested[0]
        scan.report(
            NESTED_ROOT,
            f"{folder}plugin.xml",
            f"plugin.xml is inside the folder {folder} instead of at the root: the zip was "
            f"made one level too deep; zip the contents of {folder}, not the folder itself",
        )
        return folder

    near = [path for path in scan.tree if path.rsplit("/", 1)[-1].lower() == "plugin.xml"]
    hint = f" (found {near[0]}: it must be named plugin.xml and sit at the root)" if near else ""
    scan.report(
        NO_PLUGIN_XML,
        near[0] if near else "plugin.xml",
        f"the plugin has no plugin.xml at its root{hint}; PowerSchool refuses to install it",
    )
    return None


def _check_top_level(scan: Scan, root: str) -> None:
    reported: set[str] = set()
    for path in scan.tree:
        if not path.startswith(root) or is_junk(path) or path_problem(path):
            continue
        inner = path[len(root) :]
        top, _, rest = inner.partition("/")
        if not rest:
            if inner != "plugin.xml" and inner not in reported:
                reported.add(inner)
                scan.report(IGNORED_ENTRY, path, _ignored_message(inner, is_folder=False))
            continue
        if top not in KNOWN_FOLDERS:
            if top not in reported:
                reported.add(top)
                scan.report(IGNORED_ENTRY, path, _ignored_message(top, is_folder=True))
            continue
        _check_folder_entry(scan, path, top, rest)


def _ignored_message(name: str, *, is_folder: bool) -> str:
    kind = "folder" if is_folder else "file"
    close = [known for known in KNOWN_FOLDERS if known.lower() == name.lower()]
    hint = f": did you mean {close[0]}?" if close else ""
    return (
        f"the installer ignores the top-level {kind} {name}; it reads plugin.xml and the "
        f"folders {', '.join(KNOWN_FOLDERS)}{hint}"
    )


def _check_folder_entry(scan: Scan, path: str, top: str, rest: str) -> None:
    if top in FLAT_FOLDERS and "/" in rest:
        scan.report(
            SUBFOLDER,
            path,
            f"files in {top} must sit directly in it; the installer does not look into "
            f"subfolders: move it to {top}/{rest.rsplit('/', 1)[-1]}",
        )
        return
    expected = _EXPECTED_NAMES.get(top)
    if expected and not rest.endswith(expected[0]):
        scan.report(
            FILE_NAME,
            path,
            f"the installer only reads files named {expected[1]} in {top}; this one is ignored",
        )
