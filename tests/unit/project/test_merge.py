"""District files overlay psplugin.yaml: maps merge, lists replace, null removes."""

from __future__ import annotations

from generator.project.merge import locate, merge_layers, overlay
from generator.project.yamlsource import parse_yaml


def test_mappings_merge_deeply() -> None:
    base = {"plugin": {"name": "A", "publisher": {"name": "P", "contact": {"email": "a@b"}}}}
    top = {"plugin": {"publisher": {"contact": {"phone": "1"}}}}

    merged = overlay(base, top)

    assert merged["plugin"]["publisher"]["contact"] == {"email": "a@b", "phone": "1"}
    assert merged["plugin"]["name"] == "A"


def test_lists_replace_whole() -> None:
    assert overlay({"years": ["24-25", "25-26"]}, {"years": ["26-27"]}) == {"years": ["26-27"]}


def test_null_removes_a_key() -> None:
    assert overlay({"a": 1, "b": {"c": 2}}, {"b": None}) == {"a": 1}


def test_inputs_are_not_changed() -> None:
    base = {"a": {"b": [1]}}
    overlay(base, {"a": {"c": 2}})
    assert base == {"a": {"b": [1]}}


def test_locate_names_the_topmost_file_that_set_a_value() -> None:
    lower = parse_yaml("a:\n  b: 1\n  c: 2\n", "lower.yaml")
    upper = parse_yaml("a:\n  c: 3\n", "upper.yaml")
    layers = [lower, upper]

    assert merge_layers(layers) == {"a": {"b": 1, "c": 3}}
    assert locate(layers, ("a", "c"))[0].display == "upper.yaml"
    assert locate(layers, ("a", "b"))[0].display == "lower.yaml"
    assert locate(layers, ("a", "missing"))[0].display == "upper.yaml"
