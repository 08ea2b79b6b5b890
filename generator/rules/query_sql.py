"""The <sql> of a PowerQuery: PS-HTML, binds, paging and the select list against <columns>."""

from __future__ import annotations

from generator.findings import Severity
from generator.rules.registry import define_rule
from generator.rules.scan import Element, LineIndex, Scan, key_path, line_of, text_of
from generator.rules.sql import bind_names, blank_literals, has_order_by, select_list_size

PS_HTML = define_rule(
    "query.ps-html",
    "The SQL holds no PS-HTML (~( or ~[): PowerQueries are not run through the page engine.",
)
ORDER_BY = define_rule(
    "query.order-by",
    "The SQL has an ORDER BY, which paging through results needs.",
    Severity.WARNING,
)
ARG_BINDING = define_rule(
    "query.arg-binding",
    "Every argument is used as :name in the SQL, and every :name in the SQL is an argument.",
    Severity.WARNING,
)
COLUMN_COUNT = define_rule(
    "query.column-count",
    "The query lists one <column> per expression of the outermost SELECT.",
    Severity.WARNING,
)


def check_sql(scan: Scan, path: str, sql: Element, arg_names: list[str], columns: int) -> None:
    """Check one query's SQL, given its argument names and how many columns it declares."""
    text = text_of(sql)
    code = blank_literals(text)
    _check_ps_html(scan, path, sql, text)

    if not has_order_by(code):
        scan.report_at(
            ORDER_BY,
            path,
            sql,
            "the SQL has no ORDER BY; PowerSchool pages through query results and without an "
            "order rows can repeat or go missing between pages: add one",
        )
    _check_binds(scan, path, sql, code, arg_names)

    selected = select_list_size(code)
    if columns and selected is not None and selected != columns:
        scan.report_at(
            COLUMN_COUNT,
            path,
            sql,
            f"the SELECT returns {selected} expressions but <columns> lists {columns}; columns "
            "are matched by position, so every value after the gap lands under the wrong name",
        )


def _check_ps_html(scan: Scan, path: str, sql: Element, text: str) -> None:
    for marker in ("~(", "~["):
        offset = text.find(marker)
        if offset < 0:
            continue
        # <sql> text usually starts on the element's own line (often inside CDATA).
        line_in_sql, _ = LineIndex(text).position(offset)
        scan.report(
            PS_HTML,
            path,
            f"the SQL contains the PS-HTML marker {marker}; PowerQueries are never run through "
            "the page engine, so the query fails: pass the value as an <arg> and bind it as :name",
            line=line_of(sql) + line_in_sql - 1,
            key_path=key_path(sql),
        )
        return


def _check_binds(scan: Scan, path: str, sql: Element, code: str, arg_names: list[str]) -> None:
    used = bind_names(code)
    for name in arg_names:
        if name not in used:
            scan.report_at(
                ARG_BINDING,
                path,
                sql,
                f"the argument {name} is declared but the SQL never uses :{name}: bind it or "
                "remove the <arg>",
            )
    for name in sorted(used - set(arg_names)):
        scan.report_at(
            ARG_BINDING,
            path,
            sql,
            f'the SQL binds :{name} but the query declares no <arg name="{name}">: add it',
        )
