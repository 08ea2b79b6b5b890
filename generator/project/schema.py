"""JSON Schema checks of project files, turned into located findings with readable messages."""

from __future__ import annotations

import copy
import difflib
import functools
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from generator.findings import Finding, format_key_path
from generator.project.compiled_schema import Test, compile_schema
from generator.project.yamlsource import KeyPath, SourceDoc
from generator.resources import schemas_dir

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

SCHEMA_FILE = "bundle.schema.json"
# How the schema's secret reference definition begins its description: errors under it are about
# a pasted secret, and get their own rule and message.
_SECRET_REF = "Where a key or secret comes from"


@functools.cache
def bundle_schema() -> dict[str, Any]:
    """The schema of a district's merged document, `required` included."""
    with (schemas_dir() / SCHEMA_FILE).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@functools.cache
def layer_schema() -> dict[str, Any]:
    """The same schema without `required`: what each file must satisfy on its own."""
    schema = copy.deepcopy(bundle_schema())
    _strip_required(schema)
    return schema


def _strip_required(node: Any) -> None:
    if isinstance(node, dict):
        # The keyword is a list of names; a property that happens to be called `required`
        # (autoinstall's, a query argument's) is a schema and stays.
        if isinstance(node.get("required"), list):
            del node["required"]
        for value in node.values():
            _strip_required(value)
    elif isinstance(node, list):
        for value in node:
            _strip_required(value)


@functools.cache
def _validator(layer: bool) -> Draft202012Validator:
    # jsonschema is loaded only to explain a file that the compiled test refused.
    from jsonschema import Draft202012Validator

    return Draft202012Validator(layer_schema() if layer else bundle_schema())


@functools.cache
def _layer_test() -> Test | None:
    return compile_schema(layer_schema())


def check_layer(doc: SourceDoc) -> list[Finding]:
    """Every schema finding of one file, checked on its own."""
    data = _without_removals(doc.data)
    test = _layer_test()
    if test is not None and test(data):
        return []
    findings: list[Finding] = []
    for error in _validator(layer=True).iter_errors(data):
        findings.extend(_findings_for(error, doc))
    return findings


def _without_removals(data: Any) -> Any:
    # In a file, `key: null` removes the key from the layers below: it is an instruction, not a
    # value, so the file is checked as if the key were absent.
    if isinstance(data, dict):
        return {k: _without_removals(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_removals(v) for v in data]
    return data


def missing_required(
    data: dict[str, Any], sections: Iterable[str] | None = None
) -> Iterator[tuple[KeyPath, str]]:
    """(object path, missing key) for each `required` the merged document lacks, looking only
    inside the top-level `sections` given (all when None).

    Each file was already checked against the full schema but `required`, so this walk follows
    the schema and looks at `required` alone, which is far cheaper than validating again.
    """
    root = bundle_schema()
    for key in root.get("required", []):
        if key not in data:
            yield (), key
    properties = root.get("properties", {})
    for key in sorted(data) if sections is None else sorted(set(sections) & set(data)):
        if key in properties:
            yield from _walk_required(properties[key], data[key], (key,))


def _walk_required(
    node: dict[str, Any], value: Any, path: KeyPath
) -> Iterator[tuple[KeyPath, str]]:
    node = _resolve(node)
    for branches in (node.get("oneOf"), node.get("anyOf")):
        if branches:
            fitting = [b for b in branches if _type_fits(_resolve(b), value)]
            if len(fitting) == 1:
                yield from _walk_required(fitting[0], value, path)
            return
    if isinstance(value, dict):
        for key in node.get("required", []):
            if key not in value:
                yield path, key
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        for key, item in value.items():
            child = properties.get(key, extra if isinstance(extra, dict) else None)
            if child is not None:
                yield from _walk_required(child, item, (*path, key))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from _walk_required(node["items"], item, (*path, i))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = str(node["$ref"]).removeprefix("#/$defs/")
        node = bundle_schema()["$defs"][name]
    return node


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The errors worth showing: for a failed oneOf/anyOf, those of the best-matching branch."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        yield error
        return
    branches = _value(error)
    fitting = [
        sub
        for sub in error.context
        if _type_fits(branches[sub.relative_schema_path[0]], _instance(error))
    ]
    if isinstance(_instance(error), dict) and fitting:
        # Of two mapping forms, the one that names the keys the user wrote is the one they meant.
        def overlap(sub: ValidationError) -> int:
            branch = branches[sub.relative_schema_path[0]]
            return len(set(branch.get("properties", {})) & set(_instance(error)))

        most = max(overlap(sub) for sub in fitting)
        fitting = [sub for sub in fitting if overlap(sub) == most]
    if not fitting:
        yield error
        return
    from jsonschema.exceptions import best_match

    chosen = best_match(fitting)
    yield from _leaves(chosen) if chosen is not None else iter([error])


_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "null": type(None),
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def _schema_of(error: ValidationError) -> dict[str, Any]:
    schema = error.schema
    return schema if isinstance(schema, dict) else {}


def _value(error: ValidationError) -> Any:
    return error.validator_value


def _instance(error: ValidationError) -> Any:
    return error.instance


def _type_fits(branch: Any, instance: Any) -> bool:
    declared = branch.get("type") if isinstance(branch, dict) else None
    if declared is None:
        return True
    names = declared if isinstance(declared, list) else [declared]
    return any(isinstance(instance, _JSON_TYPES.get(name, object)) for name in names)


def _missing_key(error: ValidationError) -> str:
    for key in _value(error):
        if isinstance(_instance(error), dict) and key not in _instance(error):
            return str(key)
    return "?"


def _findings_for(error: ValidationError, doc: SourceDoc) -> Iterator[Finding]:
    path: KeyPath = tuple(error.absolute_path)
    if _is_secret_ref(error) and not isinstance(_instance(error), dict):
        yield _finding(doc, path, "secret.literal", _LITERAL_SECRET)
        return
    for leaf in _leaves(error):
        yield from _leaf_findings(leaf, doc)


_LITERAL_SECRET = (
    "a literal secret does not belong in a project file; write `{env: VARIABLE_NAME}` or "
    "`{secrets_file: secrets.env, name: KEY_NAME}` and keep the value there"
)


def _is_secret_ref(error: ValidationError) -> bool:
    return str(_schema_of(error).get("description", "")).startswith(_SECRET_REF)


def _finding(doc: SourceDoc, path: KeyPath, rule: str, message: str, key: bool = False) -> Finding:
    position = doc.key_positions.get(path) if key else None
    if position is None:
        _, position = doc.nearest(path)
    line, col = position
    return Finding(doc.display, line, col, rule, message, format_key_path(path))


def _leaf_findings(error: ValidationError, doc: SourceDoc) -> Iterator[Finding]:
    path: KeyPath = tuple(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(_schema_of(error).get("properties", {}))
        for key in sorted(set(_instance(error)) - set(allowed)):
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
            yield _finding(
                doc, (*path, key), "schema.unknown-key", f"unknown key '{key}'{hint}", key=True
            )
        return
    if kind == "required":
        yield _finding(doc, path, "schema.required", f"'{_missing_key(error)}' is required")
        return
    if _is_secret_ref(error):
        yield _finding(doc, path, "secret.literal", _LITERAL_SECRET)
        return
    rule, message = _describe(error, doc, path)
    if "credentials" in path and kind != "type":
        # A value under credentials may be a pasted secret: say what is expected, never echo it.
        description = _schema_of(error).get("description") or "a valid reference"
        message = f"must be: {description} (the value is not shown)"
    yield _finding(doc, path, rule, message)


_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _describe(error: ValidationError, doc: SourceDoc, path: KeyPath) -> tuple[str, str]:
    kind, value, instance = error.validator, _value(error), _instance(error)
    if kind in ("oneOf", "anyOf"):
        kinds = [b.get("type") for b in value if isinstance(b, dict) and b.get("type")]
        names = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in kinds) or "another form"
        return "schema.type", f"expected {names}, found {_type_of(instance)}"
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        names = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in expected)
        message = f"expected {names}, found {_type_of(instance)}"
        plain = doc.plain_text.get(path)
        if plain is not None and "string" in expected:
            message += f"; YAML reads `{plain}` as {_type_of(instance)}: put it in quotes"
        return "schema.type", message
    if kind == "enum":
        return "schema.enum", f"{_show(instance)} is not one of: {', '.join(map(str, value))}"
    if kind == "pattern":
        return "schema.pattern", _pattern_message(error, instance)
    if kind in ("maxLength", "minLength"):
        size = "at most" if kind == "maxLength" else "at least"
        unit = "character" if value == 1 else "characters"
        return "schema.length", f"must be {size} {value} {unit} (it has {len(instance)})"
    if kind in ("minItems", "maxItems"):
        return "schema.items", f"needs {'at least' if kind == 'minItems' else 'at most'} {value}"
    if kind in ("minimum", "maximum"):
        return "schema.range", f"{instance} is out of range ({kind} {value})"
    if kind == "propertyNames":
        return "schema.key-name", f"key {_show(instance)} is not a valid name here"
    return f"schema.{kind}", error.message


def _pattern_message(error: ValidationError, instance: Any) -> str:
    description = _schema_of(error).get("description")
    if description:
        return f"{_show(instance)} is not valid: {description}"
    if str(_value(error)).startswith("^https://"):
        return f"{_show(instance)} must be an https:// URL"
    return f"{_show(instance)} does not match {_value(error)}"


def _type_of(instance: Any) -> str:
    if instance is None:
        return "null"
    if isinstance(instance, bool):
        return "true/false"
    if isinstance(instance, int | float):
        return "a number"
    if isinstance(instance, str):
        return "a string"
    if isinstance(instance, list):
        return "a list"
    return "a mapping"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"
