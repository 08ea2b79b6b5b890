"""Rules for message keys, page cataloging and database extensions (user_schema_root)."""

from __future__ import annotations

import pytest
from rules_helpers import Changes, check, findings_of, rules_of

KEYS = "MessageKeys/Backpack.US_en.properties"
CATALOG = "pagecataloging/backpack.json"
SCHEMA = "user_schema_root/U_BACKPACK.xml"
TABLE = '<extendedTable coreTable="STUDENTS" dbTableName="U_BACKPACK_STATUS">'
STATUS = '<field name="STATUS" type="String" length="20" description="Backpack status"/>'

FAILING = [
    pytest.param(
        {"MessageKeys/Backpack.properties": "a=b"}, "message-keys.file-name", id="no-locale"
    ),
    pytest.param(
        {"MessageKeys/Backpack.en_US.properties": "a=b"},
        "message-keys.file-name",
        id="locale-reversed",
    ),
    pytest.param(
        {"MessageKeys/Backpack.US_en.txt": "a=b"}, "message-keys.file-name", id="not-properties"
    ),
    pytest.param(
        {KEYS: "title=Backpack\njust some words\n"}, "message-keys.syntax", id="no-separator"
    ),
    pytest.param({KEYS: "=Backpack\n"}, "message-keys.syntax", id="empty-key"),
    pytest.param({KEYS: "title=One\ntitle=Two\n"}, "message-keys.duplicate", id="duplicate"),
    pytest.param({CATALOG: '{"pages": [}'}, "page-catalog.json", id="bad-json"),
    pytest.param({CATALOG: "[" * 100_000}, "page-catalog.json", id="deep-json"),
    pytest.param({CATALOG: '{"page": []}'}, "page-catalog.structure", id="no-pages"),
    pytest.param({CATALOG: '{"pages": ["x"]}'}, "page-catalog.structure", id="page-not-object"),
    pytest.param(
        {CATALOG: ('"htmlID": "backpackStatus",', "")}, "page-catalog.structure", id="no-html-id"
    ),
    pytest.param(
        {CATALOG: ('"title": "Backpack status"', '"title": ""')},
        "page-catalog.structure",
        id="empty-title",
    ),
    pytest.param(
        {CATALOG: ('"/admin/backpack/status.html"', '"/teachers/backpack.html"')},
        "page-catalog.page-url",
        id="teacher-page",
    ),
    pytest.param(
        {SCHEMA: "<psExtension><extensionname>U_X</extensionname></psExtension>"},
        "user-schema.structure",
        id="no-namespace",
    ),
    pytest.param(
        {SCHEMA: ("<extensionname>U_BACKPACK</extensionname>", "")},
        "user-schema.structure",
        id="no-extension-name",
    ),
    pytest.param(
        {SCHEMA: (' coreTable="STUDENTS"', "")}, "user-schema.structure", id="no-core-table"
    ),
    pytest.param({SCHEMA: (' type="Date"', "")}, "user-schema.structure", id="field-no-type"),
    pytest.param(
        {SCHEMA: ("U_BACKPACK_STATUS", "U_BACKPACK_STATUS_FOR_EVERY_STUDENT")},
        "user-schema.name-length",
        id="table-31",
    ),
    pytest.param(
        {SCHEMA: ('name="STATUS"', 'name="' + "S" * 31 + '"')},
        "user-schema.name-length",
        id="field-31",
    ),
    pytest.param(
        {SCHEMA: ('type="Date"', 'type="Timestamp"')}, "user-schema.field-type", id="timestamp"
    ),
    pytest.param(
        {SCHEMA: ('length="20"', 'length="4001"')}, "user-schema.string-length", id="length-4001"
    ),
    pytest.param({SCHEMA: (' length="20"', "")}, "user-schema.string-length", id="no-length"),
    pytest.param(
        {SCHEMA: ('length="20"', 'length="wide"')}, "user-schema.string-length", id="length-text"
    ),
    pytest.param(
        {SCHEMA: ("U_BACKPACK_STATUS", "BACKPACK_STATUS")},
        "user-schema.table-prefix",
        id="no-prefix",
    ),
]

PASSING = [
    pytest.param({}, "message-keys.file-name", id="country-language"),
    pytest.param(
        {KEYS: "# comment\n! also a comment\n\na.b = x\nc:d\ne=f \\\n  g\n"},
        "message-keys.syntax",
        id="properties-forms",
    ),
    pytest.param({KEYS: "a\\=b=c\n"}, "message-keys.syntax", id="escaped-separator"),
    pytest.param({KEYS: "title=x\ntitle.more=y\n"}, "message-keys.duplicate", id="distinct"),
    pytest.param({KEYS: "title=caf\xe9\n".encode("latin-1")}, "message-keys.syntax", id="latin-1"),
    pytest.param({}, "page-catalog.json", id="valid-json"),
    pytest.param({CATALOG: '{"pages": []}'}, "page-catalog.structure", id="empty-pages"),
    pytest.param({}, "page-catalog.page-url", id="admin-page"),
    pytest.param({}, "user-schema.structure", id="attributes"),
    pytest.param(
        {
            SCHEMA: (
                '<psExtension xmlns="http://www.powerschool.com">\n'
                "<extensionname>U_X</extensionname><extendedTable><coreTable>STUDENTS</coreTable>"
                "<dbTableName>U_X_STU</dbTableName><field><name>NOTE</name><type>Clob</type></field>"
                "</extendedTable></psExtension>"
            )
        },
        "user-schema.structure",
        id="elements",
    ),
    pytest.param(
        {SCHEMA: (TABLE, '<extendedTable type="standalone" dbTableName="U_BACKPACK_LOG">')},
        "user-schema.structure",
        id="standalone",
    ),
    pytest.param(
        {SCHEMA: ('name="STATUS"', 'name="' + "S" * 30 + '"')},
        "user-schema.name-length",
        id="field-30",
    ),
    pytest.param(
        {SCHEMA: ('type="String"', 'type="STRING"')}, "user-schema.field-type", id="type-case"
    ),
    pytest.param(
        {SCHEMA: ('length="20"', 'length="4000"')}, "user-schema.string-length", id="length-4000"
    ),
    pytest.param({}, "user-schema.table-prefix", id="u-prefix"),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_resource_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_resource_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


def test_properties_syntax_names_the_line() -> None:
    [finding] = check({KEYS: "a=b\n\nnot a pair\n"})
    assert (finding.rule, finding.line) == ("message-keys.syntax", 3)


def test_json_error_has_line_and_column() -> None:
    [finding] = check({CATALOG: '{\n  "pages": [\n    {"htmlID": }\n  ]\n}'})
    assert (finding.rule, finding.line, finding.col) == ("page-catalog.json", 3, 16)


def test_page_url_finding_points_at_the_page() -> None:
    findings = check({CATALOG: ('"/admin/backpack/status.html"', '"/guardian/x.html"')})
    [finding] = findings_of("page-catalog.page-url", findings)
    assert finding.key_path == "pages[0].pageURL"
    assert finding.line == 4
