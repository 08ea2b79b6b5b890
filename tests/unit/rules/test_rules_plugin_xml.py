"""plugin.xml rules: root, schema (with readable messages), placeholders, saml, ui_contexts."""

from __future__ import annotations

import pytest
from rules_helpers import Changes, check, findings_of, rules_of

from generator.findings import Severity

P = "plugin.xml"
NAME = 'name="Example Student Backpack"'
VERSION = 'version="1.2.0"'
DESCRIPTION = (
    'description="Shows each student\'s state backpack status and links to the state portal."'
)
CONTACT = '<contact email="support@example.org" phone="555-0100"/>'
REGISTRATION = 'url="https://register.example.org/powerschool"'
OAUTH = '<oauth accessLevelV1Api="READ"/>'
FIELD = '<field table="STUDENTS" field="DCID" access="ViewOnly"/>'
OPENID = '<openid host="sso.example.org" port="443">'
CONTEXT = '<ui_context id="admin.left_nav"/>'
END = "</plugin>"
PUBLISHER = '<publisher name="Example Implementers LLC">'
SAML_IDP = (
    '<saml name="Backpack" entity-id="https://sso.example.org/idp" '
    'base-url="https://sso.example.org" metadata-url="https://sso.example.org/meta"/>'
)
SAML_SP = (
    '<saml name="Backpack" idp-name="Example IdP" idp-entity-id="https://idp.example.org" '
    'idp-metadata-url="https://idp.example.org/metadata">'
    '<attributes><user type="teacher"><attribute name="email" attribute-name="mail"/></user>'
    '</attributes><permissions><permission name="sso" value="on" description="Sign in"/>'
    "</permissions></saml>"
)
MINIMAL = (
    '<plugin xmlns="http://plugin.powerschool.pearson.com" name="Backpack">'
    '<publisher name="Example"><contact email="a@example.org"/></publisher></plugin>'
)


def replace(old: str, new: str) -> Changes:
    return {P: (old, new)}


FAILING = [
    pytest.param(
        {P: MINIMAL.replace("<plugin ", "<plugins ").replace("</plugin>", "</plugins>")},
        "plugin-xml.root",
        id="root-name",
    ),
    pytest.param(
        {P: MINIMAL.replace(' xmlns="http://plugin.powerschool.pearson.com"', "")},
        "plugin-xml.root",
        id="no-namespace",
    ),
    pytest.param(
        {P: MINIMAL.replace("powerschool.pearson.com", "example.org")},
        "plugin-xml.root",
        id="wrong-namespace",
    ),
    pytest.param(replace(NAME, 'name="' + "B" * 41 + '"'), "plugin-xml.schema", id="name-41"),
    pytest.param(
        replace(VERSION, 'version="1.2.3.4.5.6.7.8.9.10.11"'), "plugin-xml.schema", id="version-21"
    ),
    pytest.param(
        replace(DESCRIPTION, 'description="' + "d" * 257 + '"'),
        "plugin-xml.schema",
        id="description-257",
    ),
    pytest.param(replace(NAME, ""), "plugin-xml.schema", id="no-name"),
    pytest.param(replace(CONTACT, ""), "plugin-xml.schema", id="no-contact"),
    pytest.param(replace(CONTACT, CONTACT * 2), "plugin-xml.schema", id="two-contacts"),
    pytest.param(
        replace("support@example.org", "a" * 30 + "@example.org"),
        "plugin-xml.schema",
        id="email-42",
    ),
    pytest.param(
        replace('phone="555-0100"', 'phone="' + "5" * 21 + '"'), "plugin-xml.schema", id="phone-21"
    ),
    pytest.param(
        replace(REGISTRATION, 'url="http://register.example.org"'),
        "plugin-xml.schema",
        id="registration-http",
    ),
    pytest.param(replace(REGISTRATION, ""), "plugin-xml.schema", id="registration-no-url"),
    pytest.param(
        replace(OAUTH, '<oauth accessLevelV1Api="WRITE"/>'), "plugin-xml.schema", id="access-level"
    ),
    pytest.param(
        replace(FIELD, FIELD.replace("ViewOnly", "viewonly")), "plugin-xml.schema", id="access-case"
    ),
    pytest.param(
        replace(FIELD, FIELD.replace("ViewOnly", "ReadWrite")),
        "plugin-xml.schema",
        id="access-value",
    ),
    pytest.param(
        replace(FIELD, FIELD.replace("STUDENTS", "U_" + "X" * 29)),
        "plugin-xml.schema",
        id="table-31",
    ),
    pytest.param(
        replace(FIELD, '<field table="STUDENTS" access="ViewOnly"/>'),
        "plugin-xml.schema",
        id="field-missing",
    ),
    pytest.param(
        replace('<cdn name="cdn.example.org"/>', "<cdn/>"),
        "plugin-xml.schema",
        id="cdn-without-name",
    ),
    pytest.param(
        replace(CONTEXT, '<ui_context id="admin.sidebar"/>'),
        "plugin-xml.schema",
        id="ui-context-id",
    ),
    pytest.param(replace('path="/sso/start"', ""), "plugin-xml.schema", id="link-without-path"),
    pytest.param(
        replace(OPENID, '<openid host="https://sso.example.org">'),
        "plugin-xml.schema",
        id="openid-scheme",
    ),
    pytest.param(
        replace(OPENID, '<openid host="sso.example.org" port="70000">'),
        "plugin-xml.schema",
        id="openid-port",
    ),
    pytest.param(
        replace(
            PUBLISHER, '<publisher name="x"><contact email="b@x.org"/></publisher>' + PUBLISHER
        ),
        "plugin-xml.schema",
        id="two-publishers",
    ),
    pytest.param(replace(END, "<extras/>" + END), "plugin-xml.schema", id="unknown-child"),
    pytest.param(
        replace(END, '<autoinstall required="maybe"/>' + END),
        "plugin-xml.schema",
        id="autoinstall-flag",
    ),
    pytest.param(replace(OAUTH, "<oauth>text</oauth>"), "plugin-xml.schema", id="oauth-text"),
    pytest.param(replace(NAME, 'name=""'), "plugin-xml.placeholder", id="empty-name"),
    pytest.param(
        replace(NAME, 'name="[PLUGIN_NAME]"'), "plugin-xml.placeholder", id="bracket-name"
    ),
    pytest.param(replace(NAME, 'name="{{app_name}}"'), "plugin-xml.placeholder", id="jinja"),
    pytest.param(
        replace(VERSION, 'version="__VERSION__"'), "plugin-xml.placeholder", id="dunder-version"
    ),
    pytest.param(
        replace(VERSION, 'version="${project.version}"'),
        "plugin-xml.placeholder",
        id="maven-version",
    ),
    pytest.param(replace(VERSION, 'version=""'), "plugin-xml.placeholder", id="empty-version"),
    pytest.param(
        replace("support@example.org", "YOUR_EMAIL"), "plugin-xml.placeholder", id="your-email"
    ),
    pytest.param(
        replace('name="Example Implementers LLC"', 'name="TODO"'),
        "plugin-xml.placeholder",
        id="todo",
    ),
    pytest.param(
        replace(END, '<saml name="Backpack"/>' + END), "plugin-xml.saml-form", id="saml-no-form"
    ),
    pytest.param(
        replace(END, SAML_IDP.replace(' base-url="https://sso.example.org"', "") + END),
        "plugin-xml.saml-form",
        id="saml-idp-incomplete",
    ),
    pytest.param(
        replace(END, SAML_SP.replace(' idp-name="Example IdP"', "") + END),
        "plugin-xml.saml-form",
        id="saml-sp-incomplete",
    ),
    pytest.param(
        replace(END, SAML_SP.replace("<saml ", '<saml base-url="https://x.org" ') + END),
        "plugin-xml.saml-form",
        id="saml-mixed",
    ),
    pytest.param(
        replace(CONTEXT, CONTEXT * 2), "plugin-xml.duplicate-ui-context", id="ui-context-twice"
    ),
]

PASSING = [
    pytest.param({}, "plugin-xml.root", id="root"),
    pytest.param({P: MINIMAL}, "plugin-xml.schema", id="minimal"),
    pytest.param(replace(NAME, 'name="' + "B" * 40 + '"'), "plugin-xml.schema", id="name-40"),
    pytest.param(
        replace(CONTACT, '<contact email="a@example.org"/>'), "plugin-xml.schema", id="no-phone"
    ),
    pytest.param(replace(OAUTH, "<oauth/>"), "plugin-xml.schema", id="plain-oauth"),
    pytest.param(replace(END, SAML_IDP + END), "plugin-xml.schema", id="saml-schema"),
    pytest.param(
        replace(NAME, 'name="Backpack [Beta] tools"'),
        "plugin-xml.placeholder",
        id="brackets-in-text",
    ),
    pytest.param(
        replace("support@example.org", "help_desk@example.org"),
        "plugin-xml.placeholder",
        id="underscore-email",
    ),
    pytest.param(replace(END, SAML_IDP + END), "plugin-xml.saml-form", id="saml-idp"),
    pytest.param(replace(END, SAML_SP + END), "plugin-xml.saml-form", id="saml-sp"),
    pytest.param({}, "plugin-xml.duplicate-ui-context", id="distinct-ui-contexts"),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_plugin_xml_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_plugin_xml_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


def test_schema_finding_names_line_key_path_and_limit() -> None:
    findings = check(replace("support@example.org", "a" * 30 + "@example.org"))
    [finding] = findings_of("plugin-xml.schema", findings)
    assert finding.file == "good/plugin.xml"
    assert finding.line == 9
    assert finding.key_path == "plugin.publisher.contact.@email"
    assert "42 characters long" in finding.message
    assert "at most 40" in finding.message


@pytest.mark.parametrize(
    ("changes", "phrases"),
    [
        pytest.param(replace(REGISTRATION, 'url="http://x.org"'), ["https://"], id="https"),
        pytest.param(
            replace(FIELD, FIELD.replace("ViewOnly", "viewonly")),
            ["'viewonly'", "'ViewOnly'", "'FullAccess'"],
            id="enumeration",
        ),
        pytest.param(replace(CONTACT, ""), ["<publisher>", "<contact>"], id="missing-child"),
        pytest.param(replace(NAME, ""), ["<plugin>", "needs the attribute name"], id="required"),
        pytest.param(
            replace(OPENID, '<openid host="sso.example.org/login">'), ["host name only"], id="host"
        ),
        pytest.param(replace(END, "<extras/>" + END), ["<extras>"], id="unexpected"),
    ],
)
def test_schema_messages_are_readable(changes: Changes, phrases: list[str]) -> None:
    [finding] = findings_of("plugin-xml.schema", check(changes))
    assert "{http" not in finding.message
    for phrase in phrases:
        assert phrase in finding.message


def test_placeholder_is_reported_once_not_also_as_a_schema_error() -> None:
    findings = check(replace(NAME, 'name=""'))
    [placeholder] = findings_of("plugin-xml.placeholder", findings)
    assert placeholder.key_path == "plugin.@name"
    assert "cannot be installed" in placeholder.message
    assert findings_of("plugin-xml.schema", findings) == []


def test_duplicate_ui_context_is_a_warning_with_its_place() -> None:
    [finding] = check(replace(CONTEXT, CONTEXT * 2))
    assert finding.severity is Severity.WARNING
    assert finding.key_path == "plugin.links.link.ui_contexts.ui_context[2].@id"
