"""The output rule engine: the checks `render`, `build` and `lint` apply to plugin trees.

`check_tree` runs every rule over a PluginTree; `check_path` reads a folder, zip or bare
plugin.xml safely (see `generator.rules.readers`) and checks it; `all_rules` lists the rules.
"""

from __future__ import annotations

from generator.rules.context import CheckContext
from generator.rules.engine import check_path, check_tree
from generator.rules.registry import Rule, all_rules, get_rule

__all__ = ["CheckContext", "Rule", "all_rules", "check_path", "check_tree", "get_rule"]
