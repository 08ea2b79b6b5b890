"""`--shard I/N`: parsing, and shards that are disjoint and together complete."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.package.shard import parse_shard, select_shard


@pytest.mark.parametrize(
    ("text", "expected"),
    [pytest.param("1/1", (1, 1), id="one-of-one"), pytest.param("3/4", (3, 4), id="three-of-four")],
)
def test_valid_shards_parse(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0/3", id="zero-index"),
        pytest.param("4/3", id="index-past-count"),
        pytest.param("1/0", id="zero-count"),
        pytest.param("2", id="no-slash"),
        pytest.param("a/b", id="not-numbers"),
        pytest.param("-1/3", id="negative"),
        pytest.param("1/3/4", id="two-slashes"),
        pytest.param("", id="empty"),
    ],
)
def test_malformed_shards_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard(text)


@given(
    names=st.sets(st.text(alphabet="abcdefghij-", min_size=1, max_size=8), max_size=40),
    count=st.integers(min_value=1, max_value=9),
)
def test_shards_are_disjoint_balanced_and_cover_every_district(names: set[str], count: int) -> None:
    shards = [select_shard(sorted(names), index, count) for index in range(1, count + 1)]

    assert sorted(name for shard in shards for name in shard) == sorted(names)
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


def test_a_shard_does_not_depend_on_the_order_names_are_given_in() -> None:
    names = ["granite", "alpine", "davis", "cache", "box-elder"]

    assert select_shard(names, 2, 2) == select_shard(sorted(names), 2, 2) == ["box-elder", "davis"]
