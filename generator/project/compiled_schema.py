"""A yes-or-no test of a document against a JSON Schema, compiled once into nested closures.

jsonschema explains every way a document is wrong, and loading it and walking a schema with it
costs far more than the answer most documents need: that they are right. The test compiled here
gives exactly jsonschema's yes or no (draft 2020-12, no format checking) for the keywords the
project's schemas use, without importing it. A schema with any other keyword does not compile,
and its documents are left to jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Test = Callable[[Any], bool]

# Keywords that describe and never reject.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated"}
)


class Unsupported(Exception):
    """The schema uses something this compiler does not decide exactly."""


def compile_schema(schema: Mapping[str, Any] | bool) -> Test | None:
    """The test of `schema`, or None when it uses a keyword this module does not cover."""
    try:
        return _Compiler(schema).compile(schema)
    except Unsupported:
        return None


class _Compiler:
    def __init__(self, root: Mapping[str, Any] | bool) -> None:
        self.defs: Mapping[str, Any] = root.get("$defs", {}) if isinstance(root, Mapping) else {}
        self.definitions: dict[str, Test] = {}

    def compile(self, schema: Mapping[str, Any] | bool) -> Test:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, Mapping):
            raise Unsupported(f"a schema must be a mapping or a boolean, not {schema!r}")
        unknown = set(schema) - _ANNOTATIONS - _KEYWORDS - {"$defs"}
        if unknown:
            raise Unsupported(f"keywords not covered: {sorted(unknown)}")

        tests = [
            build(self, schema[keyword], schema)
            for keyword, build in _BUILDERS
            if keyword in schema
        ]
        tests = [test for test in tests if test is not _always]
        if not tests:
            return _always
        if len(tests) == 1:
            return tests[0]
        return lambda instance: all(test(instance) for test in tests)

    def reference(self, target: str) -> Test:
        name = target.removeprefix("#/$defs/")
        if name == target or name not in self.defs:
            raise Unsupported(f"only local references to $defs are covered, not {target!r}")
        if name not in self.definitions:
            # Set before compiling, so that a definition that refers to itself finds its entry;
            # the lookup happens when the test runs, after the entry holds the real test.
            self.definitions[name] = _never
            self.definitions[name] = self.compile(self.defs[name])
        definitions = self.definitions
        return lambda instance: definitions[name](instance)


def _always(instance: Any) -> bool:
    return True


def _never(instance: Any) -> bool:
    return False


# jsonschema's type checks for draft 2020-12: a bool is not a number, and a float with no
# fractional part is an integer.
def _is_integer(instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())


def _is_number(instance: Any) -> bool:
    return isinstance(instance, int | float) and not isinstance(instance, bool)


_TYPES: dict[str, Test] = {
    "object": lambda instance: isinstance(instance, dict),
    "array": lambda instance: isinstance(instance, list),
    "string": lambda instance: isinstance(instance, str),
    "boolean": lambda instance: isinstance(instance, bool),
    "null": lambda instance: instance is None,
    "integer": _is_integer,
    "number": _is_number,
}


def _type(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    names = value if isinstance(value, list) else [value]
    if not names or any(name not in _TYPES for name in names):
        raise Unsupported(f"type {value!r}")
    checks = [_TYPES[name] for name in names]
    if len(checks) == 1:
        return checks[0]
    return lambda instance: any(check(instance) for check in checks)


def _enum(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    # Only strings: jsonschema compares a string by plain equality, and other values by rules
    # (1 equals 1.0, True does not equal 1) that are not worth copying for the project's enums.
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Unsupported("an enum of anything but strings")
    allowed = frozenset(value)
    return lambda instance: isinstance(instance, str) and instance in allowed


def _properties(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    if not isinstance(value, Mapping):
        raise Unsupported(f"properties {value!r}")
    tests = {name: compiler.compile(sub) for name, sub in value.items()}

    def test(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(tests[key](item) for key, item in instance.items() if key in tests)

    return test


def _additional_properties(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", {}))
    extra = compiler.compile(value)
    if extra is _always:
        return _always

    def test(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(extra(item) for key, item in instance.items() if key not in known)

    return test


def _required(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    if not isinstance(value, list):
        raise Unsupported(f"required {value!r}")
    names = tuple(value)
    return lambda instance: not isinstance(instance, dict) or all(n in instance for n in names)


def _property_names(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    name_test = compiler.compile(value)
    return lambda instance: not isinstance(instance, dict) or all(map(name_test, instance))


def _items(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    if "prefixItems" in schema or not isinstance(value, Mapping | bool):
        raise Unsupported("items beside prefixItems, or as a list")
    item_test = compiler.compile(value)
    return lambda instance: not isinstance(instance, list) or all(map(item_test, instance))


def _min_items(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return lambda instance: not isinstance(instance, list) or len(instance) >= value


def _max_items(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return lambda instance: not isinstance(instance, list) or len(instance) <= value


def _min_length(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return lambda instance: not isinstance(instance, str) or len(instance) >= value


def _max_length(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return lambda instance: not isinstance(instance, str) or len(instance) <= value


def _pattern(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    search = re.compile(value).search
    return lambda instance: not isinstance(instance, str) or search(instance) is not None


def _minimum(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return lambda instance: not _is_number(instance) or instance >= value


def _maximum(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return lambda instance: not _is_number(instance) or instance <= value


def _one_of(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    branches = [compiler.compile(sub) for sub in value]
    return lambda instance: sum(1 for branch in branches if branch(instance)) == 1


def _any_of(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    branches = [compiler.compile(sub) for sub in value]
    return lambda instance: any(branch(instance) for branch in branches)


def _all_of(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    branches = [compiler.compile(sub) for sub in value]
    return lambda instance: all(branch(instance) for branch in branches)


def _ref(compiler: _Compiler, value: Any, schema: Mapping[str, Any]) -> Test:
    return compiler.reference(str(value))


Builder = Callable[[_Compiler, Any, Mapping[str, Any]], Test]

# The cheap type test first, so that a wrong type is refused before its contents are walked.
_BUILDERS: tuple[tuple[str, Builder], ...] = (
    ("type", _type),
    ("enum", _enum),
    ("required", _required),
    ("minLength", _min_length),
    ("maxLength", _max_length),
    ("pattern", _pattern),
    ("minimum", _minimum),
    ("maximum", _maximum),
    ("minItems", _min_items),
    ("maxItems", _max_items),
    ("propertyNames", _property_names),
    ("properties", _properties),
    ("additionalProperties", _additional_properties),
    ("items", _items),
    ("$ref", _ref),
    ("oneOf", _one_of),
    ("anyOf", _any_of),
    ("allOf", _all_of),
)
_KEYWORDS = frozenset(keyword for keyword, _ in _BUILDERS)
