"""The fast indented JSON writer gives exactly the standard library's text."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from generator.jsontext import SharedTexts, pretty

_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_values = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


@given(_values)
def test_the_text_is_that_of_json_dumps(value: Any) -> None:
    assert pretty(value) == json.dumps(value, indent=2, sort_keys=True)


def test_unusual_values_are_left_to_the_standard_library() -> None:
    for value in (
        {"years": ("25-26",), "ratio": 0.5, "nested": {"é": [], "z": {}}},
        {1: "one", 2: [True, None]},
        [float("inf"), 10**30],
    ):
        assert pretty(value) == json.dumps(value, indent=2, sort_keys=True)


@given(st.lists(_values, max_size=4), st.dictionaries(st.text(max_size=4), _values, max_size=3))
def test_parts_shared_between_documents_give_the_standard_text(
    items: list[Any], mapping: dict[str, Any]
) -> None:
    shared = SharedTexts()
    for number in range(3):
        value = {"items": items, "mapping": mapping, "number": number, "own": [number]}
        assert pretty(value, shared) == json.dumps(value, indent=2, sort_keys=True)


def test_a_shared_part_is_written_from_its_kept_text() -> None:
    shared = SharedTexts()
    years = ["25-26", "26-27"]

    pretty({"school_years": years, "district": {"name": "alpine"}}, shared)

    assert shared.get(years, "\n  ") == '[\n    "25-26",\n    "26-27"\n  ]'
    assert shared.get(["25-26", "26-27"], "\n  ") is None  # an equal list is another object
