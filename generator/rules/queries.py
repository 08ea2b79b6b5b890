"""PowerQueries (queries_root/*.named_queries.xml): structure, names, arguments and columns."""

from __future__ import annotations

import re

from generator.findings import Severity
from generator.rules.context import CheckContext
from generator.rules.query_sql import check_sql
from generator.rules.registry import define_rule
from generator.rules.scan import (
    Element,
    Scan,
    child_text,
    children,
    line_of,
    local_name,
    namespace,
    text_of,
)
from generator.tree import PluginTree

STRUCTURE = define_rule(
    "query.structure",
    "A named_queries file has the root <queries>; each <query> has a name, <columns> with at "
    "least one <column>, and <sql>.",
)
ATTRIBUTE = define_rule(
    "query.attribute",
    "Query values are in range: flattened true or false; arg type primitive or array, casing "
    "upper, lower or none, required true or false; summary at most 50 characters.",
)
NAME_LENGTH = define_rule(
    "query.name-length",
    "A PowerQuery name is at most 200 characters; the installer refuses longer ones.",
)
NAME_RESERVED = define_rule(
    "query.name-reserved",
    "A PowerQuery name does not start with com.powerschool, which PowerSchool keeps for itself.",
)
NAME_SYNTAX = define_rule(
    "query.name-syntax",
    "A PowerQuery name is dotted parts without empty parts, spaces or URL characters (/ ? # %).",
)
NAME_UNIQUE = define_rule(
    "query.name-unique",
    "Each PowerQuery name is defined once: names are unique across the whole server.",
)
NAME_PARTS = define_rule(
    "query.name-parts",
    "A PowerQuery name has the recommended five parts, org.organization.product.area.name.",
    Severity.WARNING,
)
ARG_NAME = define_rule(
    "query.arg-name",
    "An argument name is a Java identifier, so that the SQL can bind it as :name.",
)
COLUMN_UNIQUE = define_rule(
    "query.column-unique",
    "The column aliases of a query are unique.",
)
CORE_TABLE = define_rule(
    "query.core-table",
    "A query whose column aliases have one part names its coreTable.",
)
ACCESS_REQUEST = define_rule(
    "query.access-request",
    "When plugin.xml asks for OAuth, every TABLE.FIELD that a query column reads is in its "
    "access_request; otherwise OAuth callers get 403.",
    Severity.WARNING,
)

QUERIES_ROOT = "queries_root"
QUERIES_SUFFIX = ".named_queries.xml"
MAX_NAME_LENGTH = 200
MAX_SUMMARY_LENGTH = 50
RECOMMENDED_PARTS = 5

_JAVA_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_JAVA_KEYWORDS = (
    "abstract assert boolean break byte case catch char class const continue default do "
    "double else enum extends final finally float for goto if implements import instanceof "
    "int interface long native new package private protected public return short static "
    "strictfp super switch synchronized this throw throws transient try void volatile while "
    "true false null _"
)
_JAVA_RESERVED = frozenset(_JAVA_KEYWORDS.split())
_NAME_FORBIDDEN = re.compile(r"[\s/?#%\\]")

# attribute of <arg> -> allowed values
_ARG_VALUES = {
    "type": ("primitive", "array"),
    "casing": ("upper", "lower", "none"),
    "required": ("true", "false"),
}


def check_named_queries(scan: Scan) -> None:
    """Check every named_queries file and that query names are unique across them."""
    defined: dict[str, str] = dict(scan.context.other_query_names)
    granted = _oauth_access_request(scan)
    for path in scan.under(QUERIES_ROOT):
        if not path.endswith(QUERIES_SUFFIX):
            continue
        root = scan.xml(path)
        if root is None or not _check_root(scan, path, root):
            continue
        for query in children(root, "query"):
            _check_query(scan, path, query, defined)
            if granted is not None:
                _check_access_request(scan, path, query, granted)


def defined_query_names(tree: PluginTree) -> dict[str, str]:
    """The PowerQuery names a plugin defines, each with where (`file:line`): what `lint` passes
    on as `CheckContext.other_query_names` when it checks several plugins together."""
    scan = Scan(tree, CheckContext(ignore=frozenset({"xml"})))
    names: dict[str, str] = {}
    for path in scan.under(QUERIES_ROOT):
        root = scan.xml(path) if path.endswith(QUERIES_SUFFIX) else None
        if root is None or local_name(root) != "queries":
            continue
        for query in children(root, "query"):
            name = query.get("name")
            if name and name not in names:
                names[name] = f"{tree.display(path)}:{line_of(query)}"
    return names


def _oauth_access_request(scan: Scan) -> set[tuple[str, str]] | None:
    """The (table, field) pairs plugin.xml's access_request grants, in lower case, or None when
    the plugin does not use OAuth (then access_request does not govern its queries)."""
    root = scan.xml("plugin.xml") if "plugin.xml" in scan.tree.files else None
    if root is None or not children(root, "oauth"):
        return None
    granted: set[tuple[str, str]] = set()
    for access_request in children(root, "access_request"):
        for field in children(access_request, "field"):
            granted.add(((field.get("table") or "").lower(), (field.get("field") or "").lower()))
    return granted


def _check_access_request(
    scan: Scan, path: str, query: Element, granted: set[tuple[str, str]]
) -> None:
    for columns in children(query, "columns"):
        for column in children(columns, "column"):
            table, dot, field = (column.get("column") or "").partition(".")
            if not dot or (table.lower(), field.lower()) in granted:
                continue
            scan.report_at(
                ACCESS_REQUEST,
                path,
                column,
                f"the column reads {table}.{field}, which plugin.xml's access_request does not "
                f'grant; OAuth callers get 403: add <field table="{table}" field="{field}" '
                'access="ViewOnly"/>',
                attribute="column",
            )


def _check_root(scan: Scan, path: str, root: Element) -> bool:
    if local_name(root) != "queries" or namespace(root):
        scan.report_at(
            STRUCTURE,
            path,
            root,
            f"the root element is <{local_name(root)}>"
            + (f" in {namespace(root)}" if namespace(root) else "")
            + "; a named_queries file starts with <queries> without a namespace",
        )
        return False
    for child in root:
        if isinstance(child.tag, str) and local_name(child) != "query":
            scan.report_at(
                STRUCTURE, path, child, f"<{local_name(child)}> is not expected in <queries>"
            )
    return True


def _check_query(scan: Scan, path: str, query: Element, defined: dict[str, str]) -> None:
    name = query.get("name")
    if name is None or not name.strip():
        scan.report_at(
            STRUCTURE,
            path,
            query,
            '<query> needs a name, e.g. name="org.example.product.area.name"',
            attribute="name",
        )
    else:
        _check_name(scan, path, query, name)
        _check_unique(scan, path, query, name, defined)

    if query.get("flattened") not in (None, "true", "false"):
        scan.report_at(
            ATTRIBUTE,
            path,
            query,
            f"flattened is '{query.get('flattened')}'; use true or false",
            attribute="flattened",
        )
    summary = child_text(query, "summary")
    if summary is not None and len(summary.strip()) > MAX_SUMMARY_LENGTH:
        scan.report_at(
            ATTRIBUTE,
            path,
            children(query, "summary")[0],
            f"the summary is {len(summary.strip())} characters long; keep it to "
            f"{MAX_SUMMARY_LENGTH} and put the rest in <description>",
        )

    arg_names = _check_args(scan, path, query)
    columns = _check_columns(scan, path, query)
    sql = children(query, "sql")
    if not sql or not text_of(sql[0]).strip():
        scan.report_at(
            STRUCTURE,
            path,
            sql[0] if sql else query,
            "the query needs its SQL in <sql><![CDATA[ select ... ]]></sql>",
        )
    else:
        check_sql(scan, path, sql[0], arg_names, len(columns))


def _check_name(scan: Scan, path: str, query: Element, name: str) -> None:
    if len(name) > MAX_NAME_LENGTH:
        scan.report_at(
            NAME_LENGTH,
            path,
            query,
            f"the name is {len(name)} characters long; PowerSchool refuses names over "
            f"{MAX_NAME_LENGTH}: shorten it",
            attribute="name",
        )
    if name.lower().startswith("com.powerschool"):
        scan.report_at(
            NAME_RESERVED,
            path,
            query,
            f"{name} starts with com.powerschool, which PowerSchool reserves for its own "
            "queries: start it with your organization, e.g. org.example",
            attribute="name",
        )

    parts = name.split(".")
    if _NAME_FORBIDDEN.search(name) or "" in parts:
        scan.report_at(
            NAME_SYNTAX,
            path,
            query,
            f"'{name}' has an empty part or a space, slash, ?, # or %; the name is part of the "
            "URL /ws/schema/query/<name>: use dotted parts of letters, digits, _ and -",
            attribute="name",
        )
    elif len(parts) != RECOMMENDED_PARTS:
        scan.report_at(
            NAME_PARTS,
            path,
            query,
            f"{name} has {len(parts)} dotted part{'s' if len(parts) != 1 else ''}; PowerSchool "
            "recommends five: org.organization.product.area.name",
            attribute="name",
        )


def _check_unique(
    scan: Scan, path: str, query: Element, name: str, defined: dict[str, str]
) -> None:
    where = f"{scan.tree.display(path)}:{line_of(query)}"
    if name in defined:
        scan.report_at(
            NAME_UNIQUE,
            path,
            query,
            f"{name} is already defined at {defined[name]}; PowerQuery names are unique "
            "across the server: rename one",
            attribute="name",
        )
        return
    defined[name] = where


def _check_args(scan: Scan, path: str, query: Element) -> list[str]:
    """Check <args> and return the argument names."""
    names: list[str] = []
    for args in children(query, "args"):
        for arg in children(args, "arg"):
            name = arg.get("name")
            if name is None or not name.strip():
                scan.report_at(STRUCTURE, path, arg, "<arg> needs a name", attribute="name")
                continue
            names.append(name)
            if not _JAVA_IDENTIFIER.fullmatch(name) or name in _JAVA_RESERVED:
                scan.report_at(
                    ARG_NAME,
                    path,
                    arg,
                    f"argument name '{name}' is not a Java identifier; use letters, digits, _ "
                    "or $ (not first a digit, not a Java keyword), as the SQL binds :name",
                    attribute="name",
                )
            _check_arg_values(scan, path, arg)
    return names


def _check_arg_values(scan: Scan, path: str, arg: Element) -> None:
    for attribute, allowed in _ARG_VALUES.items():
        value = arg.get(attribute)
        if value is not None and value not in allowed:
            scan.report_at(
                ATTRIBUTE,
                path,
                arg,
                f"{attribute} of <arg> is '{value}'; use one of {', '.join(allowed)}",
                attribute=attribute,
            )


def _check_columns(scan: Scan, path: str, query: Element) -> list[Element]:
    """Check <columns> and return its <column> elements."""
    found = children(query, "columns")
    columns = children(found[0], "column") if found else []
    if not columns:
        scan.report_at(
            STRUCTURE,
            path,
            found[0] if found else query,
            "the query needs <columns> with one <column> per SELECT expression, in order",
        )
        return []

    seen: set[str] = set()
    one_part: list[str] = []
    for column in columns:
        alias = text_of(column).strip()
        if not alias:
            scan.report_at(
                STRUCTURE, path, column, "<column> is empty; its text is the column's alias"
            )
            continue
        if alias in seen:
            scan.report_at(
                COLUMN_UNIQUE,
                path,
                column,
                f"the alias {alias} is used twice in this query: rename one",
            )
        seen.add(alias)
        if "." not in alias:
            one_part.append(alias)

    if one_part and not (query.get("coreTable") or "").strip():
        scan.report_at(
            CORE_TABLE,
            path,
            query,
            f"the alias{'es' if len(one_part) > 1 else ''} {', '.join(one_part)} "
            f"{'have' if len(one_part) > 1 else 'has'} one part, so PowerSchool needs the "
            'query\'s coreTable: add coreTable="STUDENTS" (or the main table), or write '
            "aliases as table.column",
        )
    return columns
