"""What shipped plugins do must pass: every variation here is seen in real, installed plugins."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rules_helpers import PLUGINS, check, rules_of

from generator.findings import Severity

VARIATIONS = PLUGINS / "variations"
PLUGIN_XML_VARIANTS = sorted(VARIATIONS.glob("*.plugin.xml"))


def test_the_good_plugin_has_no_findings() -> None:
    assert check({}) == []


def test_there_are_plugin_xml_variations() -> None:
    assert len(PLUGIN_XML_VARIANTS) >= 7


@pytest.mark.parametrize("variant", PLUGIN_XML_VARIANTS, ids=lambda path: path.stem)
def test_plugin_xml_variation_passes_cleanly(variant: Path) -> None:
    assert check({"plugin.xml": variant.read_bytes()}) == []


def test_the_198_character_description_is_really_that_long() -> None:
    text = (VARIATIONS / "long-version-198-description.plugin.xml").read_text()
    description = re.search(r'description="([^"]*)"', text)
    assert description is not None
    assert len(description.group(1)) == 198


def test_shipped_query_forms_pass_cleanly() -> None:
    data = (VARIATIONS / "shipped-forms.named_queries.xml").read_bytes()
    assert check({"queries_root/shipped.named_queries.xml": data}) == []


def test_two_to_seven_part_query_names_only_warn() -> None:
    data = (VARIATIONS / "part-counts.named_queries.xml").read_bytes()
    findings = check({"queries_root/parts.named_queries.xml": data})
    assert rules_of(findings) == ["query.name-parts"] * 5
    assert {f.severity for f in findings} == {Severity.WARNING}
