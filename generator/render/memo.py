"""Remembering renders that districts share.

Most districts change a few values of their own and share the rest of the merged document with
the base (the merge shares untouched parts, it does not copy them). A template whose inputs are
the very same objects as a render before it gives the same bytes, so those bytes are reused.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from generator.cache import Bounded

LIMIT = 512


class RenderMemo:
    """Outputs keyed by the identity of the objects they were made from.

    An entry keeps its objects alive, so that no other object can take their ids while it is
    remembered; a merged document is never changed in place, so the same objects mean the same
    values.
    """

    def __init__(self, limit: int = LIMIT) -> None:
        self._entries: Bounded[tuple[tuple[object, ...], bytes]] = Bounded(limit)

    def get_or_make(
        self, name: Hashable, sources: tuple[object, ...], make: Callable[[], bytes]
    ) -> bytes:
        key = (name, tuple(id(source) for source in sources))
        return self._entries.get_or_make(key, lambda: (sources, make()))[1]
