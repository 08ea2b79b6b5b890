"""`--shard I/N`: a deterministic, disjoint slice of the districts for one CI job."""

from __future__ import annotations

from collections.abc import Sequence


def parse_shard(text: str) -> tuple[int, int]:
    """`I/N` as (I, N), 1 <= I <= N; raises ValueError with a message meant for the user."""
    index_text, slash, count_text = text.partition("/")
    if not slash or not index_text.strip().isdigit() or not count_text.strip().isdigit():
        raise ValueError(f"{text!r} is not of the form I/N, e.g. 2/4")
    index, count = int(index_text), int(count_text)
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"{text!r}: I must be between 1 and N, and N at least 1")
    return index, count


def select_shard(districts: Sequence[str], index: int, count: int) -> list[str]:
    """Shard `index` of `count`: every count-th district of the sorted names, starting at index.

    Round-robin over the sorted names keeps the shards within one district of each other in
    size, and together they hold every district exactly once.
    """
    return [
        name for position, name in enumerate(sorted(districts)) if position % count == index - 1
    ]
