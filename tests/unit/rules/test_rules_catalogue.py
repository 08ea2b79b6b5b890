"""The rule catalogue: stable ids, one-line descriptions, documented, and tested both ways."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from rules_helpers import check, rules_of

from generator.findings import Severity
from generator.rules import CheckContext, all_rules, get_rule

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
CASE_MODULES = (
    "test_rules_layout",
    "test_rules_plugin_xml",
    "test_rules_fragments",
    "test_rules_permissions",
    "test_rules_queries",
    "test_rules_resources",
    "test_rules_readers",
    "test_rules_xml",
)
RULE_ID = re.compile(r"^[a-z][a-z-]*\.[a-z][a-z0-9-]*$")


def rule_ids() -> set[str]:
    return {rule.id for rule in all_rules()}


def case_rules(table: str) -> set[str]:
    found: set[str] = set()
    for name in CASE_MODULES:
        module = importlib.import_module(name)
        found |= {param.values[-1] for param in getattr(module, table)}
    return found


def test_rule_ids_are_stable_shapes_with_one_line_descriptions() -> None:
    rules = all_rules()
    assert len(rules) == len(rule_ids())
    for rule in rules:
        assert RULE_ID.match(rule.id), rule.id
        assert rule.description.endswith("."), rule.id
        assert "\n" not in rule.description
        assert len(rule.description) <= 200, rule.id
        assert rule.severity in (Severity.ERROR, Severity.WARNING)


def test_rules_can_be_looked_up_by_id() -> None:
    rule = get_rule("query.name-length")
    assert rule is not None
    assert rule.severity is Severity.ERROR
    assert get_rule("no.such-rule") is None


def test_docs_list_every_rule_and_no_other() -> None:
    documented = set(re.findall(r"^### `([a-z][a-z-]*\.[a-z0-9-]+)`", DOCS.read_text(), re.M))
    assert documented == rule_ids()


def test_docs_give_each_rule_its_severity() -> None:
    text = DOCS.read_text()
    for rule in all_rules():
        section = text.split(f"### `{rule.id}`", 1)[1].split("###", 1)[0]
        assert f"Severity: {rule.severity.value}" in section, rule.id


@pytest.mark.parametrize("table", ["FAILING", "PASSING"])
def test_every_rule_has_a_failing_and_a_passing_case(table: str) -> None:
    assert rule_ids() - case_rules(table) == set()


@pytest.mark.parametrize(
    ("ignore", "left"),
    [
        pytest.param(frozenset(), ["layout.ignored-entry", "layout.junk"], id="nothing"),
        pytest.param(frozenset({"layout.junk"}), ["layout.ignored-entry"], id="one-rule"),
        pytest.param(frozenset({"layout"}), [], id="family"),
        pytest.param(
            frozenset({"layout.ju"}), ["layout.ignored-entry", "layout.junk"], id="no-prefix-match"
        ),
    ],
)
def test_context_ignores_rules_and_families(ignore: frozenset[str], left: list[str]) -> None:
    changes = {"notes/todo.txt": "x", "web_root/.DS_Store": b"\x00"}
    assert sorted(rules_of(check(changes, CheckContext(ignore=ignore)))) == left
