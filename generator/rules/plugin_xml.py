"""plugin.xml: its root, the schema, and what the schema cannot say."""

from __future__ import annotations

import re

from generator.findings import Severity
from generator.rules.registry import define_rule
from generator.rules.scan import Element, Scan, children, key_path, local_name, namespace
from generator.rules.xsd import PLUGIN_NAMESPACE, schema_issues

PLUGIN_XML = "plugin.xml"

ROOT = define_rule(
    "plugin-xml.root",
    "The root of plugin.xml is <plugin> in the namespace http://plugin.powerschool.pearson.com.",
)
SCHEMA = define_rule(
    "plugin-xml.schema",
    "plugin.xml follows the plugin schema: required elements and attributes, lengths, "
    "enumerations, an https registration URL, known ui_context ids.",
)
PLACEHOLDER = define_rule(
    "plugin-xml.placeholder",
    'plugin.xml holds no template placeholders such as name="", [PLUGIN_NAME], {{app_name}} '
    "or __VERSION__: such a plugin is not installable.",
)
SAML_FORM = define_rule(
    "plugin-xml.saml-form",
    "<saml> uses one complete form: identity provider (entity-id, base-url) or service "
    "provider (idp-name, idp-entity-id, idp-metadata-url).",
)
DUPLICATE_UI_CONTEXT = define_rule(
    "plugin-xml.duplicate-ui-context",
    "A link names each ui_context once; PowerSchool ignores repeats.",
    Severity.WARNING,
)

# Markers that template repositories leave for a human (or a build step) to fill in.
_PLACEHOLDER_PATTERNS = (
    re.compile(r"\{\{.*?\}\}"),
    re.compile(r"\{%.*?%\}"),
    re.compile(r"\$\{[^}]*\}"),
    re.compile(r"__[A-Za-z][A-Za-z0-9_]*__"),
    re.compile(r"%[A-Z][A-Z0-9_]*%"),
    re.compile(r"@[a-z][A-Za-z0-9_.]*@"),
    re.compile(r"<[A-Z][A-Z0-9_]*>"),
    re.compile(r"\[[A-Z0-9]+_[A-Z0-9_]+\]"),
    re.compile(r"^\s*\[[A-Z][A-Za-z0-9 _]*\]\s*$"),
    re.compile(r"^\s*(?:TODO|TBD|FIXME|CHANGEME|CHANGE_ME|REPLACE_ME|PLACEHOLDER)\s*$", re.I),
    re.compile(r"\bYOUR_[A-Z][A-Z_]*\b"),
)

# Attributes that must carry a real value: empty ones are unfilled template slots.
_MUST_NOT_BE_EMPTY = {
    ("plugin", "name"),
    ("plugin", "version"),
    ("publisher", "name"),
    ("contact", "email"),
    ("registration", "url"),
    ("link", "display-text"),
    ("link", "path"),
}

_SAML_IDP = ("entity-id", "base-url")
_SAML_SP = ("idp-name", "idp-entity-id", "idp-metadata-url")


def check_plugin_xml(scan: Scan) -> None:
    """Check plugin.xml, when the plugin has one (its absence is a layout finding)."""
    if PLUGIN_XML not in scan.tree.files:
        return
    root = scan.xml(PLUGIN_XML)
    if root is None or not _check_root(scan, root):
        return

    flagged = _check_placeholders(scan, root)
    for issue in schema_issues(root):
        if issue.key_path in flagged:
            continue
        if issue.element is None:
            scan.report(SCHEMA, PLUGIN_XML, issue.message, line=issue.line)
        else:
            scan.report_at(
                SCHEMA, PLUGIN_XML, issue.element, issue.message, attribute=issue.attribute
            )
    for saml in children(root, "saml"):
        _check_saml(scan, saml)
    for ui_contexts in root.iter(f"{{{PLUGIN_NAMESPACE}}}ui_contexts"):
        _check_ui_contexts(scan, ui_contexts)


def _check_root(scan: Scan, root: Element) -> bool:
    if local_name(root) != "plugin":
        scan.report_at(
            ROOT,
            PLUGIN_XML,
            root,
            f"the root element is <{local_name(root)}>; a plugin.xml starts with "
            f'<plugin xmlns="{PLUGIN_NAMESPACE}" name="...">',
        )
        return False
    if namespace(root) != PLUGIN_NAMESPACE:
        found = namespace(root) or "no namespace"
        scan.report_at(
            ROOT,
            PLUGIN_XML,
            root,
            f'<plugin> is in {found}; PowerSchool requires xmlns="{PLUGIN_NAMESPACE}" on it',
        )
        return False
    return True


def _check_placeholders(scan: Scan, root: Element) -> set[str]:
    """Report unfilled template values and return their key paths."""
    flagged: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = local_name(element)
        for raw_attribute, raw_value in element.attrib.items():
            attribute, value = str(raw_attribute), str(raw_value)
            if "}" in attribute:
                continue
            empty = not value.strip() and (name, attribute) in _MUST_NOT_BE_EMPTY
            if empty or is_placeholder(value):
                flagged.add(key_path(element, attribute))
                scan.report_at(
                    PLACEHOLDER,
                    PLUGIN_XML,
                    element,
                    _placeholder_message(name, attribute, value),
                    attribute=attribute,
                )
        text = (element.text or "").strip()
        if text and is_placeholder(text):
            scan.report_at(
                PLACEHOLDER, PLUGIN_XML, element, f"<{name}> holds the placeholder '{text}'"
            )
    return flagged


def is_placeholder(value: str) -> bool:
    """Whether a value is, or contains, a template marker that nobody filled in."""
    return any(pattern.search(value) for pattern in _PLACEHOLDER_PATTERNS)


def _placeholder_message(element: str, attribute: str, value: str) -> str:
    if not value.strip():
        problem = f"{attribute} of <{element}> is empty"
    else:
        problem = f"{attribute} of <{element}> is the template placeholder '{value}'"
    return f"{problem}: the plugin cannot be installed until it holds a real value"


def _check_saml(scan: Scan, saml: Element) -> None:
    present = {name for name in (*_SAML_IDP, "metadata-url", *_SAML_SP) if saml.get(name)}
    idp_form = present & {*_SAML_IDP, "metadata-url"}
    sp_form = present & set(_SAML_SP)

    if idp_form and sp_form:
        message = (
            f"<saml> mixes identity-provider attributes ({', '.join(sorted(idp_form))}) with "
            f"service-provider ones ({', '.join(sorted(sp_form))}): keep one form"
        )
    elif sp_form:
        missing = [name for name in _SAML_SP if name not in present]
        if not missing:
            return
        message = f"<saml> as a service provider also needs {', '.join(missing)}"
    elif idp_form:
        missing = [name for name in _SAML_IDP if name not in present]
        if not missing:
            return
        message = f"<saml> as an identity provider also needs {', '.join(missing)}"
    else:
        message = (
            "<saml> needs entity-id and base-url (PowerSchool as identity provider) or "
            "idp-name, idp-entity-id and idp-metadata-url (PowerSchool as service provider)"
        )
    scan.report_at(SAML_FORM, PLUGIN_XML, saml, message)


def _check_ui_contexts(scan: Scan, ui_contexts: Element) -> None:
    seen: set[str] = set()
    for ui_context in children(ui_contexts, "ui_context"):
        context_id = ui_context.get("id", "")
        if context_id in seen:
            scan.report_at(
                DUPLICATE_UI_CONTEXT,
                PLUGIN_XML,
                ui_context,
                f"ui_context {context_id} is listed twice for this link; remove the repeat",
                attribute="id",
            )
        seen.add(context_id)
