"""Rules the JSON Schema cannot express, checked on a district's merged document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import Bounded
from generator.findings import Severity
from generator.project.layout import planned_files
from generator.project.merge import shared_parts
from generator.project.school_year import format_school_year, parse_school_year
from generator.project.yamlsource import KeyPath

STANDARD_INSERTION_POINTS = frozenset(
    {
        "content.header",
        "content.footer",
        "leftnav.footer",
        "page.header",
        "student.alert",
        "report.tabs",
    }
)
QUERY_NAME_LIMIT = 200


@dataclass(frozen=True)
class Problem:
    path: KeyPath
    rule: str
    message: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class RuleContext:
    document: dict[str, Any]
    template_dirs: list[Path]
    # Tells whether a template exists; by default, by looking in template_dirs.
    template_exists: Callable[[str], bool] | None = None

    def has_template(self, name: str) -> bool:
        if self.template_exists is not None:
            return self.template_exists(name)
        return any((folder / name).is_file() for folder in self.template_dirs)


Rule = Callable[[RuleContext], Iterator[Problem]]
RULES: list[Rule] = []
# The rules that read the district's own section; every other rule reads only parts that
# districts share.
DISTRICT_RULES: set[Rule] = set()


def rule(function: Rule) -> Rule:
    RULES.append(function)
    return function


def district_rule(function: Rule) -> Rule:
    DISTRICT_RULES.add(function)
    return rule(function)


def check_document(context: RuleContext) -> list[Problem]:
    """Every rule's problems. A rule that meets a value of the wrong type stops for this
    document: the schema check has already reported that value.

    Districts share every part of their merged document but their own `district` section, as
    the very same objects: the problems of the rules that read only those parts are found once
    for them and kept for the next district."""
    shared = shared_parts(context.document)
    key = (tuple(map(str, context.template_dirs)), shared.key)
    found = _SHARED.get(key)
    if found is None:
        problems_of = {
            check: _problems(check, context) for check in RULES if check not in DISTRICT_RULES
        }
        found = _SHARED.put(key, (shared, problems_of))
    kept = found[1]
    problems: list[Problem] = []
    for check in RULES:
        problems.extend(kept[check] if check in kept else _problems(check, context))
    return problems


def _problems(check: Rule, context: RuleContext) -> list[Problem]:
    try:
        return list(check(context))
    except (TypeError, AttributeError, KeyError, ValueError, IndexError):
        return []


_SHARED: Bounded[tuple[object, dict[Rule, list[Problem]]]] = Bounded(16)


@rule
def school_years(context: RuleContext) -> Iterator[Problem]:
    exchange = context.document.get("data_exchange") or {}
    years: list[int] = []
    for i, text in enumerate(exchange.get("school_years") or []):
        try:
            years.append(parse_school_year(str(text)))
        except ValueError as error:
            yield Problem(("data_exchange", "school_years", i), "school-year.format", str(error))
            return
    for i in range(1, len(years)):
        if years[i] != years[i - 1] + 1:
            message = (
                "school years must run consecutively, oldest first "
                f"({format_school_year(years[i - 1])} is followed by "
                f"{exchange['school_years'][i]})"
            )
            yield Problem(("data_exchange", "school_years", i), "school-year.consecutive", message)
            return


@district_rule
def lea_state_number(context: RuleContext) -> Iterator[Problem]:
    exchange = context.document.get("data_exchange")
    if not exchange:
        return
    district = context.document.get("district") or {}
    number = district.get("lea_state_number")
    if number in (None, ""):
        yield Problem(
            ("district",),
            "lea.state-number",
            "lea_state_number is missing; the connection fails without it "
            "(copy it from District Info in PowerSchool)",
        )
        return
    pattern = exchange.get("lea_state_number_pattern")
    if pattern and not re.fullmatch(pattern, str(number)):
        example = exchange.get("lea_state_number_example")
        hint = f", like '{example}'" if example else ""
        yield Problem(
            ("district", "lea_state_number"),
            "lea.state-number",
            f"'{number}' is not an LEA state number of this state (expected {pattern}{hint})",
        )


@district_rule
def credentials(context: RuleContext) -> Iterator[Problem]:
    if not context.document.get("data_exchange"):
        return
    district = context.document.get("district") or {}
    if not district.get("credentials"):
        yield Problem(
            ("district",),
            "secret.missing",
            "credentials are missing; add `credentials: {key: {env: NAME}, secret: {env: NAME}}`",
        )


@rule
def fragments(context: RuleContext) -> Iterator[Problem]:
    declared = set(context.document.get("insertion_points") or [])
    for i, fragment in enumerate(context.document.get("fragments") or []):
        path: KeyPath = ("fragments", i)
        if bool(fragment.get("page")) == bool(fragment.get("wildcard")):
            yield Problem(
                path, "fragment.target", "give exactly one of `page` or `wildcard` as the target"
            )
        if ".." in str(fragment.get("page", "")).split("/"):
            yield Problem((*path, "page"), "fragment.page", "a page path must not contain '..'")
        point = fragment.get("insertion_point")
        if point and point not in STANDARD_INSERTION_POINTS and point not in declared:
            yield Problem(
                (*path, "insertion_point"),
                "fragment.insertion-point",
                f"'{point}' is not a standard insertion point "
                f"({', '.join(sorted(STANDARD_INSERTION_POINTS))}); if the target page defines it "
                "with ~[cust.insertion_point:...], declare it under `insertion_points`",
            )
        yield from _source(context, fragment, path)


@rule
def pages(context: RuleContext) -> Iterator[Problem]:
    for i, page in enumerate(context.document.get("pages") or []):
        if ".." in str(page.get("path", "")).split("/"):
            yield Problem(("pages", i, "path"), "page.path", "a page path must not contain '..'")
        yield from _source(context, page, ("pages", i))


def _source(context: RuleContext, item: dict[str, Any], path: KeyPath) -> Iterator[Problem]:
    has_template, has_content = "template" in item, "content" in item
    if has_template == has_content:
        yield Problem(path, "template.source", "give exactly one of `template` or `content`")
        return
    if has_template:
        name = str(item["template"])
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or "\\" in name:
            yield Problem(
                (*path, "template"),
                "template.path",
                f"'{name}' must be a path inside templates/, without '..'",
            )
        elif not context.has_template(name):
            yield Problem(
                (*path, "template"),
                "template.missing",
                f"no template '{name}' in templates/ or the preset",
            )


@rule
def query_names(context: RuleContext) -> Iterator[Problem]:
    queries = (context.document.get("named_queries") or {}).get("queries") or []
    seen: dict[str, int] = {}
    for i, query in enumerate(queries):
        name = str(query.get("name", ""))
        path: KeyPath = ("named_queries", "queries", i, "name")
        if len(name) > QUERY_NAME_LIMIT:
            yield Problem(
                path,
                "query.name-length",
                f"PowerQuery names are at most {QUERY_NAME_LIMIT} characters "
                f"(this has {len(name)})",
            )
        if name.lower().startswith("com.powerschool"):
            yield Problem(
                path, "query.name-reserved", "names starting com.powerschool are reserved"
            )
        if name in seen:
            yield Problem(
                path,
                "query.name-unique",
                f"'{name}' is already the name of queries[{seen[name]}]; names must be unique",
            )
        seen.setdefault(name, i)
        sql = str(query.get("sql", ""))
        if "~(" in sql or "~[" in sql:
            yield Problem(
                (*path[:-1], "sql"),
                "query.ps-html",
                "PS-HTML (~( or ~[) inside SQL makes the query unusable; pass values as args",
            )


@rule
def render_collisions(context: RuleContext) -> Iterator[Problem]:
    # Compared without case: PowerSchool servers may sit on case-insensitive file systems.
    seen: dict[str, KeyPath] = {}
    for planned in planned_files(context.document):
        key = planned.path.casefold()
        if key in seen:
            first = ".".join(str(p) for p in seen[key])
            yield Problem(
                planned.source,
                "render.collision",
                f"renders {planned.path}, which {first} renders too",
            )
        else:
            seen[key] = planned.source
