"""The catalogue of rules: each has a stable id, a one-line description and a default severity."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from generator.findings import Severity


@dataclass(frozen=True)
class Rule:
    """One check that findings name; ids are stable so that users can ignore or look them up."""

    id: str
    description: str
    severity: Severity = Severity.ERROR


_RULES: dict[str, Rule] = {}

# The modules that define rules; importing them fills the catalogue.
_RULE_MODULES = (
    "generator.rules.engine",
    "generator.rules.readers",
)


def define_rule(rule_id: str, description: str, severity: Severity = Severity.ERROR) -> Rule:
    """Add a rule to the catalogue; each id may be defined once."""
    if rule_id in _RULES:
        raise ValueError(f"rule {rule_id} is defined twice")
    rule = Rule(rule_id, description, severity)
    _RULES[rule_id] = rule
    return rule


def all_rules() -> list[Rule]:
    """Every rule psplugin knows, sorted by id."""
    for module in _RULE_MODULES:
        importlib.import_module(module)
    return sorted(_RULES.values(), key=lambda rule: rule.id)


def get_rule(rule_id: str) -> Rule | None:
    """The rule with this id, or None."""
    for rule in all_rules():
        if rule.id == rule_id:
            return rule
    return None
