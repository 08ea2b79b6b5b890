"""The bounded cache behind the renders, zips and scans that districts share."""

from __future__ import annotations

from generator.cache import Bounded
from generator.render.memo import RenderMemo


def test_the_least_recently_used_value_goes_first() -> None:
    cache: Bounded[str] = Bounded(2)
    cache.put("a", "1")
    cache.put("b", "2")
    cache.get("a")
    cache.put("c", "3")

    assert cache.get("a") == "1"
    assert cache.get("b") is None
    assert cache.get("c") == "3"


def test_get_or_make_makes_once() -> None:
    cache: Bounded[list[int]] = Bounded(4)
    made: list[int] = []

    for _ in range(3):
        cache.get_or_make("k", lambda: made.append(1) or [])

    assert made == [1]


def test_the_memo_tells_equal_but_distinct_objects_apart() -> None:
    memo = RenderMemo()
    first, second = {"name": "a"}, {"name": "a"}
    outputs = iter([b"one", b"two"])

    assert memo.get_or_make("t", (first,), lambda: next(outputs)) == b"one"
    assert memo.get_or_make("t", (first,), lambda: next(outputs)) == b"one"
    assert memo.get_or_make("t", (second,), lambda: next(outputs)) == b"two"
