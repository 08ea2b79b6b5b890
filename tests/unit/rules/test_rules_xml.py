"""Safe XML parsing: hostile documents end in a finding quickly, never a hang or a file read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rules_helpers import PLUGINS, Changes, check, findings_of, rules_of

from generator.rules import check_path
from generator.rules.xmlparse import MAX_XML_BYTES, XmlParseError, parse_xml

HOSTILE = PLUGINS / "hostile"
EXTRA = "web_root/admin/data/config.xml"

FAILING = [
    pytest.param({EXTRA: "<config><a></config>"}, "xml.well-formed", id="mismatched"),
    pytest.param({"plugin.xml": "<plugin"}, "xml.well-formed", id="truncated-plugin-xml"),
    pytest.param({EXTRA: '<!DOCTYPE c [<!ENTITY e "x">]><c>&e;</c>'}, "xml.unsafe", id="entity"),
    pytest.param({EXTRA: "<c>" * 1000 + "</c>" * 1000}, "xml.too-large", id="deep"),
]
PASSING = [
    pytest.param({EXTRA: "<config><a/></config>"}, "xml.well-formed", id="well-formed"),
    pytest.param(
        {EXTRA: "<config>&amp;&lt;&#233;</config>"}, "xml.unsafe", id="predefined-entities"
    ),
    pytest.param({EXTRA: "<c>" * 200 + "</c>" * 200}, "xml.too-large", id="nested-200"),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_xml_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_xml_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(b"<a><b></a>", "syntax", id="mismatched-tag"),
        pytest.param(b"", "syntax", id="empty"),
        pytest.param(b"<a>&undefined;</a>", "syntax", id="undefined-entity"),
        pytest.param(
            b'<!DOCTYPE a SYSTEM "http://example.org/a.dtd"><a/>', "unsafe", id="external-dtd"
        ),
        pytest.param(
            b'<!-- <b/> --><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
            "unsafe",
            id="doctype-after-comment",
        ),
        pytest.param(b"<?pi <b/>?><!doctype a><a/>", "unsafe", id="doctype-after-pi"),
        pytest.param('<!DOCTYPE a [<!ENTITY x "y">]><a/>'.encode("utf-16"), "unsafe", id="utf-16"),
        pytest.param(b"<a>" * 5000 + b"</a>" * 5000, "too-large", id="deep-nesting"),
        pytest.param(b"<a>" + b" " * (MAX_XML_BYTES + 1) + b"</a>", "too-large", id="huge"),
    ],
)
def test_bad_xml_raises_a_located_error(data: bytes, kind: str) -> None:
    with pytest.raises(XmlParseError) as raised:
        parse_xml(data)
    assert raised.value.kind == kind
    assert raised.value.line >= 1
    assert raised.value.col >= 1


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b'<?xml version="1.0" encoding="UTF-8"?>\n<a x=\'1\'/>', id="declaration"),
        pytest.param(b"<a><![CDATA[ <!DOCTYPE x> ]]></a>", id="doctype-text-in-cdata"),
        pytest.param("<a>caf\u00e9</a>".encode("utf-16"), id="utf-16"),
        pytest.param(b"\xef\xbb\xbf<a/>", id="utf-8-bom"),
    ],
)
def test_ordinary_xml_parses(data: bytes) -> None:
    assert parse_xml(data).tag == "a"


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(XmlParseError) as raised:
        parse_xml(b"<a>\n  <b>\n</a>")
    assert (raised.value.line, raised.value.col) == (3, 5)


@pytest.mark.parametrize("name", ["billion-laughs.xml", "external-entity.xml"])
def test_hostile_plugin_xml_ends_in_a_finding_within_a_second(name: str) -> None:
    started = time.monotonic()
    _, findings = check_path(HOSTILE / name)
    assert time.monotonic() - started < 1.0
    assert rules_of(findings) == ["xml.unsafe"]
    assert findings[0].line == 2
    assert "root:" not in findings[0].message


def test_external_entity_never_reads_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("district-secret-value")
    document = (
        f'<!DOCTYPE plugin [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
        '<plugin xmlns="http://plugin.powerschool.pearson.com" name="&s;"/>'
    )
    findings = check({"plugin.xml": document})
    assert rules_of(findings) == ["xml.unsafe"]
    assert all("district-secret-value" not in f.message for f in findings)


def test_every_xml_file_is_checked_even_if_no_rule_reads_it() -> None:
    findings = check({"web_root/admin/data/config.xml": "<config><a></config>"})
    [finding] = findings_of("xml.well-formed", findings)
    assert finding.file == "good/web_root/admin/data/config.xml"
    assert finding.line == 1


def test_broken_plugin_xml_is_reported_once() -> None:
    findings = check({"plugin.xml": "<plugin"})
    assert rules_of(findings) == ["xml.well-formed"]


def test_many_identical_findings_are_capped() -> None:
    queries = "".join(
        f'<query name="q{i}"><columns><column>a.b</column></columns>'
        "<sql>select b from a order by b</sql></query>"
        for i in range(200)
    )
    findings = findings_of(
        "query.name-parts",
        check({"queries_root/many.named_queries.xml": f"<queries>{queries}</queries>"}),
    )
    assert len(findings) == 51
    assert any("150 more findings" in f.message for f in findings)
