"""What a caller tells the rules that the plugin's files cannot say themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckContext:
    """Settings for one check run.

    `custom_insertion_points` are the points that target pages define with
    `~[cust.insertion_point:NAME;DEFAULT]`; fragments aimed at them are not reported as unknown.
    `ignore` holds rule ids, or families such as `layout`, whose findings are dropped.
    `other_query_names` maps PowerQuery names defined by other plugins (installed alongside, or
    linted in the same run) to where they are defined, since query names are unique system-wide.
    """

    custom_insertion_points: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    other_query_names: Mapping[str, str] = field(default_factory=dict)

    def ignores(self, rule_id: str) -> bool:
        return rule_id in self.ignore or rule_id.split(".", 1)[0] in self.ignore
