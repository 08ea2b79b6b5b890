"""plugin.xml against schemas/plugin.xsd, with libxml2's messages rewritten for people."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, cast

from lxml import etree

from generator.resources import schemas_dir
from generator.rules.scan import Element, key_path
from generator.rules.xmlparse import safe_parser

PLUGIN_NAMESPACE = "http://plugin.powerschool.pearson.com"

_HEAD = re.compile(r"^Element '(?P<element>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: ")
# A namespace in Clark notation, {http://...}name; sets of values use braces too, unlike URIs.
_CLARK = re.compile(r"\{[A-Za-z][A-Za-z0-9+.\-]*:[^}\s']*\}")

# Remedies for patterns, whose bare regex would tell a reader nothing.
_PATTERN_HINTS = {
    ("registration", "url"): (
        "must be an https:// URL: PowerSchool only sends registration data over TLS"
    ),
    ("openid", "host"): (
        "must be a host name only, without https://, port or path (e.g. sso.example.org)"
    ),
    ("cdn", "name"): "must be a host name without spaces",
}


class _LogEntry(Protocol):
    line: int
    message: str
    path: str | None


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: where it is and what to do about it."""

    element: Element | None
    attribute: str | None
    line: int
    message: str

    @property
    def key_path(self) -> str:
        return key_path(self.element, self.attribute) if self.element is not None else ""


@functools.cache
def plugin_schema() -> etree.XMLSchema:
    """The plugin.xml schema shipped with psplugin, loaded once."""
    path = schemas_dir() / "plugin.xsd"
    document = etree.parse(str(path), safe_parser())
    return etree.XMLSchema(document)


def schema_issues(root: Element) -> list[SchemaIssue]:
    """Validate a parsed plugin.xml and return its violations, one readable issue each."""
    schema = plugin_schema()
    if schema.validate(root.getroottree()):
        return []

    issues: list[SchemaIssue] = []
    seen: set[tuple[int, str, str | None]] = set()
    for entry in cast(Iterable[_LogEntry], schema.error_log):
        element = _element_at(root, entry.path)
        head = _HEAD.match(entry.message)
        attribute = head.group("attribute") if head else None
        body = entry.message[head.end() :] if head else entry.message
        name = _CLARK.sub("", head.group("element")) if head else "plugin"

        # libxml2 sometimes follows a facet error with a second one about the same value.
        if (entry.line, name, attribute) in seen and "is not a valid value" in body:
            continue
        seen.add((entry.line, name, attribute))

        message = humanize(name, attribute, _CLARK.sub("", body))
        issues.append(SchemaIssue(element, attribute, max(entry.line, 1), message))
    return issues


def _element_at(root: Element, path: str | None) -> Element | None:
    if not path:
        return None
    try:
        found = root.getroottree().xpath(path)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\[facet 'maxLength'\] The value '.*' has a length of '(?P<n>\d+)'; "
            r"this exceeds the allowed maximum length of '(?P<m>\d+)'\.",
            re.DOTALL,
        ),
        "{what} is {n} characters long; PowerSchool allows at most {m}: shorten it",
    ),
    (
        re.compile(r"\[facet 'minLength'\] The value '.*' has a length of '0'.*", re.DOTALL),
        "{what} is empty: give it a value",
    ),
    (
        re.compile(
            r"\[facet 'enumeration'\] The value '(?P<v>.*)' is not an element of the set "
            r"\{(?P<set>.*)\}\.",
            re.DOTALL,
        ),
        "{what} is '{v}'; use one of {set}, spelled exactly so",
    ),
    (
        re.compile(r"\[facet 'maxInclusive'\] The value '(?P<v>.*)' is greater .*\('(?P<m>.*)'\)"),
        "{what} is {v}; it must be at most {m}",
    ),
    (
        re.compile(r"\[facet 'minInclusive'\] The value '(?P<v>.*)' is less .*\('(?P<m>.*)'\)"),
        "{what} is {v}; it must be at least {m}",
    ),
    (
        re.compile(r"The attribute '(?P<a>[^']+)' is required but missing\."),
        "<{element}> needs the attribute {a}",
    ),
    (
        re.compile(r"The attribute '(?P<a>[^']+)' is not allowed\."),
        "<{element}> does not take the attribute {a}: remove it or correct its spelling",
    ),
    (
        re.compile(r"This element is not expected\. Expected is (?:one of )?\( (?P<exp>.*) \)\."),
        "<{element}> is not expected here (expected {exp}): check its spelling and place",
    ),
    (
        re.compile(r"This element is not expected\."),
        "<{element}> is not allowed here or appears twice: check its spelling, its parent, "
        "and that it occurs at most once",
    ),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?\( (?P<exp>.*) \)\."),
        "<{element}> is missing a required child: add {exp}",
    ),
    (
        re.compile(r"'(?P<v>.*)' is not a valid value of the atomic type 'xs:boolean'\."),
        "{what} is '{v}'; use true or false",
    ),
    (
        re.compile(r"'(?P<v>.*)' is not a valid value of the atomic type 'xs:int(?:eger)?'\."),
        "{what} is '{v}'; use a whole number",
    ),
    (
        re.compile(r"Character content other than whitespace is not allowed.*"),
        "<{element}> cannot contain text: move it into an attribute or remove it",
    ),
    (
        re.compile(r"Character content is not allowed, because the content type is empty\."),
        "<{element}> must be empty",
    ),
    (
        re.compile(r"Element content is not allowed.*"),
        "<{element}> cannot contain elements",
    ),
]


def humanize(element: str, attribute: str | None, body: str) -> str:
    """A libxml2 schema message as a sentence that says what is wrong and how to fix it."""
    what = f"{attribute} of <{element}>" if attribute else f"the text of <{element}>"
    pattern_facet = re.match(r"\[facet 'pattern'\] The value '(?P<v>.*)' is not accepted", body)
    if pattern_facet:
        hint = _PATTERN_HINTS.get((element, attribute or ""), "does not have the expected form")
        return f"{what} is '{pattern_facet.group('v')}': it {hint}"

    for pattern, template in _REWRITES:
        match = pattern.match(body)
        if match:
            values = {key: value for key, value in match.groupdict().items() if value is not None}
            if "exp" in values:
                values["exp"] = _element_list(values["exp"])
            return template.format(what=what, element=element, **values)
    return f"<{element}>{f' {attribute}' if attribute else ''}: {body}"


def _element_list(expected: str) -> str:
    names = [name.strip() for name in expected.split(",") if name.strip()]
    return ", ".join(f"<{name}>" for name in names)
