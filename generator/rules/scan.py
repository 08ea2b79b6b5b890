"""One check run over one tree: the findings so far, parsed XML shared between rules, and helpers
that place a finding at a file, line, column and key path."""

from __future__ import annotations

import bisect
import re

from lxml import etree

from generator.entry_names import is_junk
from generator.findings import Finding
from generator.log import get_log
from generator.rules.context import CheckContext
from generator.rules.registry import Rule, define_rule
from generator.rules.xmlparse import XmlParseError, parse_xml
from generator.tree import PluginTree

log = get_log(__name__)

XML_WELL_FORMED = define_rule(
    "xml.well-formed",
    "Every .xml file in the plugin is well-formed XML.",
)
XML_UNSAFE = define_rule(
    "xml.unsafe",
    "XML files declare no DOCTYPE or ENTITY (entity expansion and external entities are refused).",
)
XML_TOO_LARGE = define_rule(
    "xml.too-large",
    "XML files stay within the size and nesting limits of the safe parser.",
)
_XML_RULES = {"syntax": XML_WELL_FORMED, "unsafe": XML_UNSAFE, "too-large": XML_TOO_LARGE}

Element = etree._Element

# A hostile or generated file can repeat one mistake thousands of times; past this many findings
# of one rule in one file the rest are counted, not listed.
MAX_FINDINGS_PER_RULE_AND_FILE = 50
# How many lines above the end of a start tag its beginning may be.
_LOOK_BACK = 100


class Scan:
    """The state of one check run; rules read the tree through it and report into it."""

    def __init__(
        self, tree: PluginTree, context: CheckContext, findings: list[Finding] | None = None
    ) -> None:
        self.tree = tree
        self.context = context
        self.findings: list[Finding] = [] if findings is None else findings
        self._xml: dict[str, Element | None] = {}
        self._counts: dict[tuple[Rule, str], int] = {}
        self._line_cache: dict[str, list[str]] = {}

    def rerooted(self, prefix: str) -> Scan:
        """A scan of the files under `prefix` as if they were the plugin root, sharing findings."""
        files = {
            path[len(prefix) :]: data
            for path, data in self.tree.files.items()
            if path.startswith(prefix)
        }
        origin = self.tree.display(prefix.rstrip("/"))
        return Scan(PluginTree(files, origin=origin), self.context, self.findings)

    def report(
        self,
        rule: Rule,
        path: str,
        message: str,
        *,
        line: int | None = 1,
        col: int | None = 1,
        key_path: str = "",
    ) -> None:
        if self._admit(rule, path):
            self._add(rule, path, message, line, col, key_path)

    def report_at(
        self,
        rule: Rule,
        path: str,
        element: Element,
        message: str,
        *,
        attribute: str | None = None,
    ) -> None:
        """Report at an element (or one of its attributes), with its key path as the key."""
        if self._admit(rule, path):
            line, col = self.locate(path, element, attribute)
            self._add(rule, path, message, line, col, key_path(element, attribute))

    def locate(self, path: str, element: Element, attribute: str | None = None) -> tuple[int, int]:
        """The line and column where an element's start tag (or one of its attributes) begins.

        lxml only knows the line where a start tag ends, so look back from there in the text.
        """
        end = line_of(element)
        lines = self._lines(path)
        if end > len(lines):
            return end, 1
        tag = re.compile(rf"<(?:[\w.\-]+:)?{re.escape(local_name(element))}(?=[\s/>]|$)")
        start = (end, 1)
        for number in range(end, max(end - _LOOK_BACK, 0), -1):
            found = list(tag.finditer(lines[number - 1]))
            if found:
                start = (number, found[-1].start() + 1)
                break
        # A missing attribute has no place of its own; the start tag is where to add it.
        if attribute is None or element.get(attribute) is None:
            return start
        pattern = re.compile(rf"(?<![\w.:\-]){re.escape(attribute)}\s*=")
        for number in range(start[0], end + 1):
            offset = start[1] - 1 if number == start[0] else 0
            match = pattern.search(lines[number - 1], offset)
            if match:
                return number, match.start() + 1
        return start

    def _lines(self, path: str) -> list[str]:
        if path not in self._line_cache:
            self._line_cache[path] = self.text(path).splitlines()
        return self._line_cache[path]

    def _add(
        self, rule: Rule, path: str, message: str, line: int | None, col: int | None, key: str
    ) -> None:
        finding = Finding(
            file=self.tree.display(path),
            line=max(line or 1, 1),
            col=max(col or 1, 1),
            rule=rule.id,
            message=message,
            key_path=key,
            severity=rule.severity,
        )
        self.findings.append(finding)

    def _admit(self, rule: Rule, path: str) -> bool:
        if self.context.ignores(rule.id):
            return False
        count = self._counts.get((rule, path), 0) + 1
        self._counts[(rule, path)] = count
        return count <= MAX_FINDINGS_PER_RULE_AND_FILE

    def report_overflow(self) -> None:
        """Add one finding per rule and file that hit the limit, saying how many were left out."""
        for (rule, path), count in sorted(self._counts.items(), key=lambda item: item[0][0].id):
            hidden = count - MAX_FINDINGS_PER_RULE_AND_FILE
            if hidden > 0:
                message = f"{hidden} more findings of this rule in this file are not shown"
                self._add(rule, path, message, 1, 1, "")

    def xml(self, path: str) -> Element | None:
        """The root element of an XML file, or None when it cannot be parsed (reported once)."""
        if path not in self._xml:
            self._xml[path] = self._parse(path)
        return self._xml[path]

    def _parse(self, path: str) -> Element | None:
        try:
            return parse_xml(self.tree.files[path])
        except XmlParseError as error:
            rule = _XML_RULES[error.kind]
            self.report(rule, path, error.message, line=error.line, col=error.col)
            log.debug("%s: %s", path, error.message)
            return None

    def text(self, path: str) -> str:
        """A text file's content; undecodable bytes become U+FFFD rather than stopping the run."""
        data = self.tree.files[path]
        return data.decode("utf-8-sig", errors="replace")

    def under(self, *folders: str) -> list[str]:
        """Sorted paths of the files under any of the given top-level folders, without junk."""
        prefixes = tuple(f"{folder}/" for folder in folders)
        return [path for path in self.tree if path.startswith(prefixes) and not is_junk(path)]


def local_name(element: Element) -> str:
    return etree.QName(element).localname


def namespace(element: Element) -> str:
    return etree.QName(element).namespace or ""


def key_path(element: Element, attribute: str | None = None) -> str:
    """Where an element sits, e.g. `queries.query[2].@name`: local names, 1-based positions
    among same-named siblings as in XPath, and `@` before an attribute."""
    parts: list[str] = []
    node: Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    path = ".".join(reversed(parts))
    return f"{path}.@{attribute}" if attribute else path


def children(element: Element, name: str) -> list[Element]:
    """Child elements with this local name, whatever their namespace."""
    return [child for child in element if isinstance(child.tag, str) and local_name(child) == name]


def child_text(element: Element, name: str) -> str | None:
    found = children(element, name)
    if not found:
        return None
    return text_of(found[0])


def text_of(element: Element) -> str:
    """All text inside an element, CDATA included."""
    return "".join(str(part) for part in element.itertext())


def line_of(element: Element) -> int:
    """An element's 1-based line, or 1 when lxml does not know it."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else 1


class LineIndex:
    """Turns offsets in a text into 1-based line and column numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        newline = text.find("\n")
        while newline >= 0:
            self._starts.append(newline + 1)
            newline = text.find("\n", newline + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1
