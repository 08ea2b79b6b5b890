"""Page fragments under web_root and their insertionMetadata companions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.findings import Severity
from generator.rules.layout import WEB_ROOTS
from generator.rules.registry import define_rule
from generator.rules.scan import Element, LineIndex, Scan, children, local_name, namespace

FRAGMENT_NAME = define_rule(
    "fragment.name",
    "A fragment is named <page>.<fragment name>.<insertion point>.txt.",
)
INSERTION_POINT = define_rule(
    "fragment.insertion-point",
    "A fragment targets a standard insertion point or one declared as custom.",
    Severity.WARNING,
)
DOCUMENT_TAGS = define_rule(
    "fragment.document-tags",
    "A fragment is a snippet: no <html>, <head> or <body> tags.",
)
METADATA = define_rule(
    "fragment.metadata",
    "A fragment's companion .xml has the root insertionMetadata in http://www.powerschool.com "
    "and <inject> elements with a location and how = before, after, insert or append.",
)
METADATA_ORPHAN = define_rule(
    "fragment.metadata-orphan",
    "An insertionMetadata file sits beside the fragment .txt it moves.",
    Severity.WARNING,
)

STANDARD_INSERTION_POINTS = (
    "content.header",
    "content.footer",
    "leftnav.footer",
    "page.header",
    "student.alert",
    "report.tabs",
)
POWERSCHOOL_NAMESPACE = "http://www.powerschool.com"
INJECT_HOW = ("before", "after", "insert", "append")

_DOCUMENT_TAG = re.compile(r"<\s*/?\s*(html|head|body)(?=[\s>/])", re.IGNORECASE)


@dataclass(frozen=True)
class FragmentName:
    """The parts of a fragment file name; `page` is the target page without .html."""

    page: str
    name: str
    insertion_point: str
    standard: bool


def parse_fragment_name(filename: str, custom_points: frozenset[str]) -> FragmentName | None:
    """Split `page.name.point.txt`; None when the name is too short to be a fragment at all."""
    stem = filename.removesuffix(".txt")
    points = sorted({*STANDARD_INSERTION_POINTS, *custom_points}, key=len, reverse=True)
    for point in points:
        if stem.endswith(f".{point}"):
            page, _, name = stem[: -len(point) - 1].partition(".")
            return FragmentName(page, name, point, point in STANDARD_INSERTION_POINTS)
    parts = stem.split(".")
    if len(parts) < 3:
        return None
    return FragmentName(parts[0], ".".join(parts[1:-1]), parts[-1], standard=False)


def check_fragments(scan: Scan) -> None:
    """Check every fragment and insertionMetadata file under web_root."""
    for path in scan.under(*WEB_ROOTS):
        if path.endswith(".txt"):
            _check_fragment(scan, path)
        elif path.endswith(".xml"):
            _check_companion(scan, path)


def _check_fragment(scan: Scan, path: str) -> None:
    filename = path.rsplit("/", 1)[-1]
    fragment = parse_fragment_name(filename, scan.context.custom_insertion_points)
    if fragment is None:
        return
    problem = _name_problem(fragment)
    if problem:
        scan.report(
            FRAGMENT_NAME,
            path,
            f"{filename} {problem}: name it <page>.<fragment name>.{fragment.insertion_point}.txt, "
            f"e.g. home.my_notice.{fragment.insertion_point}.txt beside home.html",
        )
    elif not fragment.standard and fragment.insertion_point not in (
        scan.context.custom_insertion_points
    ):
        scan.report(
            INSERTION_POINT,
            path,
            f"{filename} does not end in a standard insertion point "
            f"({', '.join(STANDARD_INSERTION_POINTS)}); if the page defines its own with "
            "~[cust.insertion_point:NAME;DEFAULT], declare it, otherwise the fragment never shows",
        )
    _check_document_tags(scan, path)


def _name_problem(fragment: FragmentName) -> str | None:
    if not fragment.page:
        return "does not name the page it targets"
    if not fragment.name:
        return "has no fragment name"
    if "" in fragment.name.split("."):
        return "has an empty part between dots"
    return None


def _check_document_tags(scan: Scan, path: str) -> None:
    text = scan.text(path)
    lines = LineIndex(text)
    seen: set[str] = set()
    for match in _DOCUMENT_TAG.finditer(text):
        tag = match.group(1).lower()
        if tag in seen:
            continue
        seen.add(tag)
        line, col = lines.position(match.start())
        scan.report(
            DOCUMENT_TAGS,
            path,
            f"the fragment contains a <{tag}> tag; fragments are inserted into a page that "
            "already has one: keep only the snippet",
            line=line,
            col=col,
        )


def _check_companion(scan: Scan, path: str) -> None:
    has_fragment = f"{path.removesuffix('.xml')}.txt" in scan.tree.files
    root = scan.xml(path)
    if root is None:
        return
    if local_name(root) != "insertionMetadata":
        if has_fragment:
            scan.report_at(
                METADATA,
                path,
                root,
                f"this file sits beside a fragment, so it must be its insertionMetadata, but its "
                f"root is <{local_name(root)}>",
            )
        return

    if not has_fragment:
        scan.report_at(
            METADATA_ORPHAN,
            path,
            root,
            "no fragment .txt with the same name sits beside this insertionMetadata; "
            "rename it to match its fragment or remove it",
        )
    _check_metadata(scan, path, root)


def _check_metadata(scan: Scan, path: str, root: Element) -> None:
    if namespace(root) != POWERSCHOOL_NAMESPACE:
        scan.report_at(
            METADATA,
            path,
            root,
            f'insertionMetadata must be in the namespace {POWERSCHOOL_NAMESPACE}: add xmlns="'
            f'{POWERSCHOOL_NAMESPACE}"',
        )
    injects = children(root, "inject")
    if not injects:
        scan.report_at(METADATA, path, root, "insertionMetadata needs an <inject> element")
    for inject in injects:
        if not (inject.get("location") or "").strip():
            scan.report_at(
                METADATA,
                path,
                inject,
                "<inject> needs a location: the CSS selector of the element to insert at, "
                'e.g. location="#content-main"',
                attribute="location",
            )
        how = inject.get("how")
        if how not in INJECT_HOW:
            found = f"is '{how}'" if how is not None else "is missing"
            scan.report_at(
                METADATA,
                path,
                inject,
                f"how of <inject> {found}; use one of {', '.join(INJECT_HOW)}",
                attribute="how",
            )
