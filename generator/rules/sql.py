"""Just enough SQL reading for PowerQuery checks: literals and comments blanked, binds found, the
top-level select list counted. Not a parser; every answer can be 'unknown'."""

from __future__ import annotations

import re

_BIND = re.compile(r"(?<![:\w$]):(?P<name>[A-Za-z_$][\w$]*)")
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z_][\w$#]*")


def blank_literals(sql: str) -> str:
    """The SQL with string literals, quoted identifiers and comments replaced by spaces, so that
    what is left is only code; the length and line breaks stay the same."""
    out: list[str] = []
    i = 0
    while i < len(sql):
        end = _literal_end(sql, i)
        if end is None:
            out.append(sql[i])
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", sql[i:end]))
        i = end
    return "".join(out)


def _literal_end(sql: str, i: int) -> int | None:
    if sql.startswith("--", i):
        end = sql.find("\n", i)
        return len(sql) if end < 0 else end
    if sql.startswith("/*", i):
        end = sql.find("*/", i + 2)
        return len(sql) if end < 0 else end + 2
    quote = sql[i]
    if quote not in "'\"":
        return None
    j = i + 1
    while j < len(sql):
        if sql[j] == quote:
            # A doubled quote is an escaped quote inside the literal.
            if sql.startswith(quote * 2, j):
                j += 2
                continue
            return j + 1
        j += 1
    return len(sql)


def bind_names(code: str) -> set[str]:
    """Names used as :name binds in SQL whose literals are already blanked."""
    return {match.group("name") for match in _BIND.finditer(code)}


def has_order_by(code: str) -> bool:
    return _ORDER_BY.search(code) is not None


def select_list_size(code: str) -> int | None:
    """How many expressions the outermost SELECT returns, or None when that cannot be told
    (no SELECT, SELECT *, or unbalanced parentheses)."""
    depth = 0
    start: int | None = None
    count = 1
    for match in re.finditer(r"[(),]|[A-Za-z_][\w$#]*|\*", code):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth < 0:
                return None
        elif depth != 0:
            continue
        elif start is None:
            if token.lower() == "select":
                start = match.end()
        elif token == ",":
            count += 1
        elif token == "*" and _expands_columns(code[start : match.start()]):
            return None
        elif token.lower() == "from":
            return count
    return None


def _expands_columns(before: str) -> bool:
    """Whether a `*` after this part of the select list is `*` or `t.*`, not a product."""
    before = before.rstrip()
    if not before or before.endswith((",", ".")):
        return True
    words = [word.lower() for word in _WORD.findall(before)]
    return all(word in ("distinct", "unique", "all") for word in words)
