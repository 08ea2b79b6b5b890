"""Permission mappings (permissions_root/*.permission_mappings.xml) and the PowerQueries that
pages call, which need one."""

from __future__ import annotations

import re

from generator.findings import Severity
from generator.rules.layout import WEB_ROOTS
from generator.rules.registry import define_rule
from generator.rules.scan import Element, LineIndex, Scan, local_name, namespace

STRUCTURE = define_rule(
    "permissions.structure",
    "A permission_mappings file has the root <permission_mappings>, <permission name=...> "
    "elements and <implies allow=...>resource</implies> inside them.",
)
PAGE_PATH = define_rule(
    "permissions.page-path",
    "A permission name is a portal page path such as /admin/students/edit.html.",
)
ALLOW = define_rule(
    "permissions.allow",
    "allow is get, post or put.",
)
ALLOW_UNCONFIRMED = define_rule(
    "permissions.allow-unconfirmed",
    'allow="delete" is not confirmed to work in PowerSchool.',
    Severity.WARNING,
)
RESOURCE = define_rule(
    "permissions.resource",
    "An implied resource is /ws/schema/query/<name>, /ws/schema/table/<TABLE> or "
    "/ws/schema/table/<TABLE>/#.",
    Severity.WARNING,
)
QUERY_ALLOW = define_rule(
    "permissions.query-allow",
    'A PowerQuery resource is implied with allow="post", the method that runs it.',
    Severity.WARNING,
)
QUERY_UNMAPPED = define_rule(
    "permissions.query-unmapped",
    "Every PowerQuery a page or fragment calls through /ws/schema/query/<name> has a "
    "permission mapping that implies it; without one the page gets 403.",
    Severity.WARNING,
)

PERMISSIONS_ROOT = "permissions_root"
MAPPINGS_SUFFIX = ".permission_mappings.xml"
ALLOW_VALUES = ("get", "post", "put")

QUERY_RESOURCE = re.compile(r"^/ws/schema/query/(?P<name>[^/\s]+)$")
_TABLE_RESOURCE = re.compile(r"^/ws/schema/table/[A-Za-z0-9_$#]+(?:/#)?$")
_QUERY_CALL = re.compile(r"/ws/schema/query/(?P<name>[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])")
_PAGE_SUFFIXES = (".html", ".htm", ".txt", ".js")


def check_permission_mappings(scan: Scan) -> None:
    """Check each mapping file, then that every PowerQuery the pages call is mapped."""
    mapped: set[str] = set()
    for path in scan.under(PERMISSIONS_ROOT):
        if path.endswith(MAPPINGS_SUFFIX):
            root = scan.xml(path)
            if root is not None:
                mapped |= _check_file(scan, path, root)
    _check_query_calls(scan, mapped)


def _check_file(scan: Scan, path: str, root: Element) -> set[str]:
    """Check one mapping file and return the PowerQuery names it implies."""
    if local_name(root) != "permission_mappings" or namespace(root):
        scan.report_at(
            STRUCTURE,
            path,
            root,
            f"the root element is {_describe(root)}; use <permission_mappings> without a namespace",
        )
        return set()

    mapped: set[str] = set()
    for permission in root:
        if not isinstance(permission.tag, str):
            continue
        if local_name(permission) != "permission":
            scan.report_at(
                STRUCTURE,
                path,
                permission,
                f"{_describe(permission)} is not expected here; "
                "<permission_mappings> holds <permission> elements",
            )
            continue
        _check_page_path(scan, path, permission)
        for implies in permission:
            if isinstance(implies.tag, str):
                mapped |= _check_implies(scan, path, implies)
    return mapped


def _describe(element: Element) -> str:
    ns = namespace(element)
    return f"<{local_name(element)}>" + (f" in the namespace {ns}" if ns else "")


def _check_page_path(scan: Scan, path: str, permission: Element) -> None:
    name = permission.get("name")
    if name is None or not name.strip():
        scan.report_at(
            STRUCTURE,
            path,
            permission,
            "<permission> needs a name: the portal page whose users get the implied rights",
            attribute="name",
        )
    elif not name.startswith("/") or re.search(r"\s", name):
        scan.report_at(
            PAGE_PATH,
            path,
            permission,
            f"permission name '{name}' is not a portal page path; use the page's path from the "
            "server root, e.g. /admin/students/edit.html",
            attribute="name",
        )


def _check_implies(scan: Scan, path: str, implies: Element) -> set[str]:
    if local_name(implies) != "implies":
        scan.report_at(
            STRUCTURE,
            path,
            implies,
            f"{_describe(implies)} is not expected inside <permission>; "
            'use <implies allow="post">/ws/schema/query/NAME</implies>',
        )
        return set()
    allow = implies.get("allow")
    _check_allow(scan, path, implies, allow)

    resource = (implies.text or "").strip()
    if not resource:
        scan.report_at(
            STRUCTURE,
            path,
            implies,
            "<implies> is empty; put the resource it grants inside, "
            "e.g. /ws/schema/query/org.example.product.area.name",
        )
        return set()
    query = QUERY_RESOURCE.match(resource)
    if query:
        if allow in ALLOW_VALUES and allow != "post":
            scan.report_at(
                QUERY_ALLOW,
                path,
                implies,
                f'PowerQueries run with POST, but this mapping allows {allow}: use allow="post"',
                attribute="allow",
            )
        return {query.group("name")}
    if not _TABLE_RESOURCE.match(resource):
        scan.report_at(
            RESOURCE,
            path,
            implies,
            f"'{resource}' is not a resource form PowerSchool is known to map: "
            "/ws/schema/query/<name>, /ws/schema/table/<TABLE> or /ws/schema/table/<TABLE>/#",
        )
    return set()


def _check_allow(scan: Scan, path: str, implies: Element, allow: str | None) -> None:
    if allow in ALLOW_VALUES:
        return
    if allow == "delete":
        scan.report_at(
            ALLOW_UNCONFIRMED,
            path,
            implies,
            'allow="delete" is not confirmed to work; test it on a server before relying on it',
            attribute="allow",
        )
        return
    found = f"is '{allow}'" if allow is not None else "is missing"
    scan.report_at(
        ALLOW,
        path,
        implies,
        f"allow of <implies> {found}; use get, post or put (lower case)",
        attribute="allow",
    )


def _check_query_calls(scan: Scan, mapped: set[str]) -> None:
    for path in scan.under(*WEB_ROOTS):
        if not path.lower().endswith(_PAGE_SUFFIXES):
            continue
        text = scan.text(path)
        lines = LineIndex(text)
        reported: set[str] = set()
        for match in _QUERY_CALL.finditer(text):
            name = match.group("name")
            if name in mapped or name in reported:
                continue
            reported.add(name)
            line, col = lines.position(match.start())
            scan.report(
                QUERY_UNMAPPED,
                path,
                f"this page calls the PowerQuery {name}, but no permission mapping implies "
                f"/ws/schema/query/{name}; portal users will get 403: add "
                f'<implies allow="post">/ws/schema/query/{name}</implies> to a '
                f"{PERMISSIONS_ROOT}/*{MAPPINGS_SUFFIX}",
                line=line,
                col=col,
            )
