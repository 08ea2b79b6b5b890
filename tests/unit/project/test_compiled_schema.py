"""The compiled schema test answers exactly as jsonschema does, on the project's own schemas and
on the edges of each keyword it covers."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.project.compiled_schema import Test, compile_schema
from generator.project.schema import bundle_schema, layer_schema

DATA = Path(__file__).resolve().parents[2] / "data"

# Values of every JSON type and a few that are not JSON at all, as YAML can produce them.
_anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, 2.5, -1.5]),
    st.text(max_size=4),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(0, 2), max_size=2),
)


def _instances(node: Any, defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Documents shaped by `node`, valid often and wrong in one place or another just as often."""
    if not isinstance(node, dict) or depth > 8:
        return _anything
    if "$ref" in node:
        return _instances(defs[node["$ref"].removeprefix("#/$defs/")], defs, depth + 1)
    if "oneOf" in node:
        return st.one_of([_instances(branch, defs, depth + 1) for branch in node["oneOf"]])
    declared = node.get("type")
    kinds = declared if isinstance(declared, list) else [declared]
    shaped = st.one_of([_of_type(node, kind, defs, depth) for kind in kinds])
    return _now_and_then(_anything, otherwise=shaped)


def _now_and_then(rare: st.SearchStrategy[Any], otherwise: st.SearchStrategy[Any]) -> Any:
    """`rare` one time in thirty: often enough to break some documents, rarely enough to leave
    many whole."""
    return st.sampled_from([False] * 29 + [True]).flatmap(lambda now: rare if now else otherwise)


def _of_type(node: dict[str, Any], kind: Any, defs: dict[str, Any], depth: int) -> Any:
    if kind == "object" or "properties" in node:
        properties = node.get("properties", {})
        names = sorted(properties)
        extra = node.get("additionalProperties")
        extras = _now_and_then(
            st.dictionaries(st.sampled_from(["x", "name", "Zed"]), _extra(extra, defs, depth))
            if extra is not False
            else st.dictionaries(st.sampled_from(["unknown"]), _anything, max_size=1),
            otherwise=st.just({}),
        )
        # The required names nearly always, and any others.
        required = [name for name in node.get("required", []) if name in properties]
        optional = [name for name in names if name not in required]
        chosen = st.tuples(
            _now_and_then(st.just([]), otherwise=st.just(required)),
            st.lists(st.sampled_from(optional), unique=True) if optional else st.just([]),
        ).map(lambda parts: parts[0] + parts[1])
        return st.tuples(chosen, extras).flatmap(
            lambda picked: st.fixed_dictionaries(
                {name: _instances(properties[name], defs, depth + 1) for name in picked[0]}
            ).map(lambda values, more=picked[1]: {**more, **values})
        )
    if kind == "array":
        items = _instances(node.get("items", {}), defs, depth + 1)
        return st.lists(items, min_size=node.get("minItems", 0), max_size=3)
    if kind == "string":
        if "enum" in node:
            return st.sampled_from(node["enum"]) | st.text(max_size=3)
        if "pattern" in node:
            return st.from_regex(node["pattern"]) | st.text(max_size=5)
        shortest = node.get("minLength", 0)
        return st.text(min_size=shortest, max_size=max(shortest, node.get("maxLength", 8)) + 2)
    if kind == "integer":
        return st.integers(node.get("minimum", 0) - 2, node.get("maximum", 5) + 2)
    if kind == "boolean":
        return st.booleans()
    return _anything


def _extra(extra: Any, defs: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    return _instances(extra, defs, depth + 1) if isinstance(extra, dict) else _anything


def _agree(schema: dict[str, Any], instance: Any) -> None:
    test, validator = _compiled(json.dumps(schema, sort_keys=True))
    assert test(instance) == validator.is_valid(instance), instance


@functools.cache
def _compiled(schema_text: str) -> tuple[Test, Draft202012Validator]:
    schema = json.loads(schema_text)
    test = compile_schema(schema)
    assert test is not None
    return test, Draft202012Validator(schema)


@pytest.mark.parametrize("schema", [layer_schema(), bundle_schema()], ids=["layer", "bundle"])
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_agrees_with_jsonschema_on_generated_documents(schema: dict[str, Any], data: Any) -> None:
    instance = data.draw(_instances(schema, schema["$defs"]))
    _agree(schema, instance)


def _yaml_documents() -> list[Any]:
    documents = []
    for path in sorted(DATA.rglob("*.yaml")):
        try:
            documents.append(pytest.param(yaml.safe_load(path.read_text()), id=path.name))
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
            continue
    return documents


@pytest.mark.parametrize("document", _yaml_documents())
def test_agrees_with_jsonschema_on_every_test_file(document: Any) -> None:
    _agree(layer_schema(), document)
    _agree(bundle_schema(), document)


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        pytest.param({"type": "integer"}, 1.0, True, id="float-with-no-fraction-is-integer"),
        pytest.param({"type": "integer"}, 1.5, False, id="fraction-is-not-integer"),
        pytest.param({"type": "integer"}, True, False, id="bool-is-not-integer"),
        pytest.param({"type": "number"}, False, False, id="bool-is-not-number"),
        pytest.param({"minimum": 3}, True, True, id="minimum-ignores-bool"),
        pytest.param({"minimum": 3}, "1", True, id="minimum-ignores-strings"),
        pytest.param({"maximum": 3}, 3.5, False, id="maximum-on-floats"),
        pytest.param({"type": ["string", "null"]}, None, True, id="type-list"),
        pytest.param({"enum": ["READ"]}, "READ", True, id="enum-member"),
        pytest.param({"enum": ["1"]}, 1, False, id="enum-string-against-number"),
        pytest.param({"pattern": "^a"}, "ba", False, id="pattern-searches-from-the-start"),
        pytest.param({"pattern": "b"}, "abc", True, id="pattern-searches-anywhere"),
        pytest.param({"pattern": "^a"}, 5, True, id="pattern-ignores-non-strings"),
        pytest.param({"minLength": 2}, "é", False, id="length-in-characters"),
        pytest.param({"maxItems": 1}, [1, 2], False, id="max-items"),
        pytest.param({"required": ["a"]}, [], True, id="required-ignores-lists"),
        pytest.param({"propertyNames": {"maxLength": 2}}, {"abc": 1}, False, id="property-names"),
        pytest.param(
            {"properties": {"a": {"type": "string"}}, "additionalProperties": False},
            {"a": "x", "b": 1},
            False,
            id="closed-mapping",
        ),
        pytest.param(
            {"additionalProperties": {"type": "string"}}, {"b": 1}, False, id="extra-schema"
        ),
        pytest.param(
            {"oneOf": [{"type": "integer"}, {"type": "number"}]}, 2, False, id="oneOf-two"
        ),
        pytest.param(
            {"oneOf": [{"type": "integer"}, {"type": "number"}]}, 2.5, True, id="oneOf-one"
        ),
        pytest.param({"anyOf": [{"type": "integer"}, {"type": "number"}]}, 2, True, id="anyOf"),
        pytest.param({"allOf": [{"minimum": 1}, {"maximum": 3}]}, 4, False, id="allOf"),
        pytest.param({"items": False}, [1], False, id="false-schema"),
        pytest.param({"items": True}, [1], True, id="true-schema"),
        pytest.param(
            {
                "$defs": {
                    "tree": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tree"}}
                },
                "$ref": "#/$defs/tree",
            },
            {"a": {"b": {"c": 1}}},
            False,
            id="recursive-reference",
        ),
    ],
)
def test_keyword_edges(schema: dict[str, Any], instance: Any, valid: bool) -> None:
    assert Draft202012Validator(schema).is_valid(instance) is valid
    _agree(schema, instance)


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param({"format": "email"}, id="unknown-keyword"),
        pytest.param({"enum": [1, 2]}, id="enum-of-numbers"),
        pytest.param({"type": "decimal"}, id="unknown-type"),
        pytest.param({"$ref": "other.json#/x"}, id="remote-reference"),
        pytest.param({"properties": {"a": {"patternProperties": {}}}}, id="nested-unknown"),
        pytest.param({"prefixItems": [{}], "items": False}, id="prefix-items"),
    ],
)
def test_schemas_it_cannot_decide_exactly_do_not_compile(schema: dict[str, Any]) -> None:
    assert compile_schema(schema) is None
