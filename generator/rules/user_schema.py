"""Database extensions: user_schema_root/*.xml files with a psExtension root."""

from __future__ import annotations

import re

from generator.findings import Severity
from generator.rules.registry import define_rule
from generator.rules.scan import Element, Scan, children, local_name, namespace, text_of

STRUCTURE = define_rule(
    "user-schema.structure",
    "A database extension has the root psExtension in http://www.powerschool.com, an "
    "extensionname, and extendedTable elements whose fields have a name and a type.",
)
NAME_LENGTH = define_rule(
    "user-schema.name-length",
    "Extension, table and field names are at most 30 characters (an Oracle limit).",
)
FIELD_TYPE = define_rule(
    "user-schema.field-type",
    "A field's type is String, Integer, Boolean, Date, Double or Clob.",
)
STRING_LENGTH = define_rule(
    "user-schema.string-length",
    "A String field has a length from 1 to 4000.",
)
TABLE_PREFIX = define_rule(
    "user-schema.table-prefix",
    "Extension table names start with U_, by convention, so they never clash with "
    "PowerSchool's own tables.",
    Severity.WARNING,
)

USER_SCHEMA_ROOT = "user_schema_root"
POWERSCHOOL_NAMESPACE = "http://www.powerschool.com"
FIELD_TYPES = ("String", "Integer", "Boolean", "Date", "Double", "Clob")
MAX_NAME_LENGTH = 30
MAX_STRING_LENGTH = 4000


def check_user_schema(scan: Scan) -> None:
    """Check every database extension file."""
    for path in scan.under(USER_SCHEMA_ROOT):
        if not path.endswith(".xml"):
            continue
        root = scan.xml(path)
        if root is None or not _check_root(scan, path, root):
            continue
        for table in children(root, "extendedTable"):
            _check_table(scan, path, table)


def value(element: Element, name: str) -> str | None:
    """A setting written either as an attribute or as a child element; both forms are seen."""
    if name in element.attrib:
        return element.get(name)
    found = children(element, name)
    return text_of(found[0]).strip() if found else None


def _check_root(scan: Scan, path: str, root: Element) -> bool:
    if local_name(root) != "psExtension" or namespace(root) != POWERSCHOOL_NAMESPACE:
        scan.report_at(
            STRUCTURE,
            path,
            root,
            f"the root element is <{local_name(root)}>"
            + (f" in {namespace(root)}" if namespace(root) else " without a namespace")
            + f'; a database extension starts with <psExtension xmlns="{POWERSCHOOL_NAMESPACE}">',
        )
        return False

    extension_name = value(root, "extensionname")
    if not extension_name:
        scan.report_at(STRUCTURE, path, root, "the extension needs an <extensionname>")
    else:
        _check_name(scan, path, root, "extensionname", extension_name)
    if not children(root, "extendedTable"):
        scan.report_at(STRUCTURE, path, root, "the extension defines no <extendedTable>")
    return True


def _check_table(scan: Scan, path: str, table: Element) -> None:
    standalone = (value(table, "type") or "").lower() == "standalone"
    needed = ("dbTableName",) if standalone else ("coreTable", "dbTableName")
    for setting in needed:
        if not value(table, setting):
            scan.report_at(
                STRUCTURE,
                path,
                table,
                f"the extendedTable needs {setting}"
                + ("" if standalone else ' (or type="standalone" for a table of its own)'),
            )

    db_table = value(table, "dbTableName")
    if db_table:
        _check_name(scan, path, table, "dbTableName", db_table)
        if not db_table.upper().startswith("U_"):
            scan.report_at(
                TABLE_PREFIX,
                path,
                table,
                f"the table {db_table} does not start with U_; prefix extension tables with U_ "
                "so they never clash with PowerSchool's own",
            )
    child_name = value(table, "childName")
    if child_name:
        _check_name(scan, path, table, "childName", child_name)
    for field in table.iter(f"{{{POWERSCHOOL_NAMESPACE}}}field"):
        _check_field(scan, path, field)


def _check_name(scan: Scan, path: str, element: Element, setting: str, name: str) -> None:
    if len(name) > MAX_NAME_LENGTH:
        scan.report_at(
            NAME_LENGTH,
            path,
            element,
            f"{setting} {name} is {len(name)} characters long; database names are at most "
            f"{MAX_NAME_LENGTH}: shorten it",
        )


def _check_field(scan: Scan, path: str, field: Element) -> None:
    name = value(field, "name")
    field_type = value(field, "type")
    if not name or not field_type:
        pairs = (("name", name), ("type", field_type))
        missing = " and ".join(part for part, got in pairs if not got)
        scan.report_at(STRUCTURE, path, field, f"the field needs a {missing}")
    if name:
        _check_name(scan, path, field, "field", name)
    if not field_type:
        return

    canonical = {known.lower(): known for known in FIELD_TYPES}.get(field_type.lower())
    if canonical is None:
        scan.report_at(
            FIELD_TYPE,
            path,
            field,
            f"the field type {field_type} is unknown; use one of {', '.join(FIELD_TYPES)}",
        )
    elif canonical == "String":
        _check_string_length(scan, path, field, value(field, "length"))


def _check_string_length(scan: Scan, path: str, field: Element, length: str | None) -> None:
    digits = length is not None and re.fullmatch(r"[0-9]{1,9}", length.strip())
    if length is not None and digits and 1 <= int(length) <= MAX_STRING_LENGTH:
        return
    problem = "has no length" if length is None else f"has the length '{length}'"
    scan.report_at(
        STRING_LENGTH,
        path,
        field,
        f"the String field {problem}; give it a length from 1 to {MAX_STRING_LENGTH} "
        "(use Clob for longer text)",
    )
