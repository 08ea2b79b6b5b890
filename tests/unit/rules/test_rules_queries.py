"""PowerQuery rules: structure, names, arguments, columns and SQL."""

from __future__ import annotations

import pytest
from rules_helpers import Changes, check, edited, findings_of, good_tree, rules_of

from generator.findings import Severity
from generator.rules import CheckContext, check_tree
from generator.rules.queries import defined_query_names

Q = "queries_root/backpack.named_queries.xml"
SECOND = "queries_root/more.named_queries.xml"
NAME = "org.example.backpack.students.status"
NAME_ATTR = f'name="{NAME}"'
ARG = '<arg name="schoolid"'
COLUMN = '<column column="STUDENTS.DCID">students.dcid</column>'
ORDER = "order by s.student_number"
CORE = ' coreTable="students"'
SQL_OPEN = "<sql><![CDATA["


def replace(old: str, new: str) -> Changes:
    return {Q: (old, new)}


def second(
    name: str,
    *,
    core: str = "",
    columns: str = "<column>students.dcid</column>",
    sql: str = "select dcid from students order by dcid",
) -> Changes:
    """A second queries file holding one small query."""
    return {
        SECOND: f'<queries><query name="{name}"{core}><columns>{columns}</columns>'
        f"<sql><![CDATA[{sql}]]></sql></query></queries>"
    }


CORE_STUDENTS = ' coreTable="STUDENTS"'

FAILING = [
    pytest.param({Q: "<query/>"}, "query.structure", id="wrong-root"),
    pytest.param({Q: '<queries xmlns="urn:x"/>'}, "query.structure", id="namespaced-root"),
    pytest.param(replace("</queries>", "<note/></queries>"), "query.structure", id="unknown-child"),
    pytest.param(replace(NAME_ATTR, ""), "query.structure", id="no-name"),
    pytest.param(
        {Q: [(SQL_OPEN, "<text><![CDATA["), ("]]></sql>", "]]></text>")]},
        "query.structure",
        id="no-sql",
    ),
    pytest.param(
        second("org.example.backpack.area.empty", sql=" ", core=CORE_STUDENTS),
        "query.structure",
        id="empty-sql",
    ),
    pytest.param(
        second("org.example.backpack.area.cols", columns=""), "query.structure", id="no-columns"
    ),
    pytest.param(
        second("org.example.backpack.area.blank", columns="<column> </column>"),
        "query.structure",
        id="empty-column",
    ),
    pytest.param(replace(ARG, "<arg"), "query.structure", id="arg-without-name"),
    pytest.param(replace('flattened="false"', 'flattened="no"'), "query.attribute", id="flattened"),
    pytest.param(replace('type="primitive"', 'type="list"'), "query.attribute", id="arg-type"),
    pytest.param(
        replace('required="true"', 'required="yes"'), "query.attribute", id="arg-required"
    ),
    pytest.param(replace(ARG, ARG + ' casing="title"'), "query.attribute", id="arg-casing"),
    pytest.param(
        replace("Backpack status per student", "s" * 51), "query.attribute", id="summary-51"
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.example.' + "x" * 173 + '.students.status"'),
        "query.name-length",
        id="name-201",
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="com.powerschool.backpack.students.status"'),
        "query.name-reserved",
        id="reserved",
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.example..students.status"'),
        "query.name-syntax",
        id="empty-part",
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.example.back pack.students.status"'),
        "query.name-syntax",
        id="space",
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.example/backpack.students.status"'),
        "query.name-syntax",
        id="slash",
    ),
    pytest.param(
        second(NAME, core=CORE_STUDENTS), "query.name-unique", id="duplicate-across-files"
    ),
    pytest.param(
        replace(
            "</queries>",
            f"<query {NAME_ATTR}{CORE}><columns>{COLUMN}</columns>"
            "<sql>select s.dcid from students s order by 1</sql></query></queries>",
        ),
        "query.name-unique",
        id="duplicate-in-file",
    ),
    pytest.param(replace(NAME_ATTR, 'name="backpack"'), "query.name-parts", id="one-part"),
    pytest.param(
        replace(NAME_ATTR, 'name="a.b.c.d.e.f.g.h"'), "query.name-parts", id="eight-parts"
    ),
    pytest.param(replace(NAME_ATTR, 'name="example.backpack"'), "query.name-parts", id="two-parts"),
    pytest.param(replace(ARG, '<arg name="school id"'), "query.arg-name", id="arg-space"),
    pytest.param(replace(ARG, '<arg name="1school"'), "query.arg-name", id="arg-digit"),
    pytest.param(replace(ARG, '<arg name="class"'), "query.arg-name", id="arg-keyword"),
    pytest.param(replace(":schoolid", "~(curschoolid)"), "query.ps-html", id="ps-html-paren"),
    pytest.param(
        replace("s.enroll_status = 0", "s.enroll_status = ~[gpv:status]"),
        "query.ps-html",
        id="ps-html-bracket",
    ),
    pytest.param(replace(ORDER, ""), "query.order-by", id="no-order-by"),
    pytest.param(replace("= :schoolid", "= 100"), "query.arg-binding", id="arg-unused"),
    pytest.param(
        replace("s.enroll_status = 0", "s.enroll_status = :status"),
        "query.arg-binding",
        id="bind-undeclared",
    ),
    pytest.param(replace(COLUMN, COLUMN * 2), "query.column-unique", id="alias-twice"),
    pytest.param(replace(COLUMN, ""), "query.column-count", id="fewer-columns"),
    pytest.param(
        replace("s.dcid, s.student_number", "s.dcid, s.grade_level, s.student_number"),
        "query.column-count",
        id="more-select",
    ),
    pytest.param(
        {Q: [(CORE, ""), (">students.dcid<", ">dcid<")]}, "query.core-table", id="one-part-alias"
    ),
    pytest.param(
        second(
            "org.example.backpack.area.core", core=' coreTable=""', columns="<column>dcid</column>"
        ),
        "query.core-table",
        id="empty-core-table",
    ),
    pytest.param(
        replace(COLUMN, '<column column="STUDENTS.GRADE_LEVEL">students.dcid</column>'),
        "query.access-request",
        id="field-not-requested",
    ),
]

PASSING = [
    pytest.param({}, "query.structure", id="good"),
    pytest.param(
        {Q: [("<args>", "<args/><!--"), ("</args>", "-->"), ("= :schoolid", "= 1")]},
        "query.structure",
        id="empty-args",
    ),
    pytest.param(
        replace(ARG, ARG + ' casing="upper" type="array" required="false"'),
        "query.attribute",
        id="arg-values",
    ),
    pytest.param(
        replace("Backpack status per student", "s" * 50), "query.attribute", id="summary-50"
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.example.' + "x" * 172 + '.students.status"'),
        "query.name-length",
        id="name-200",
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.powerschool.backpack.students.status"'),
        "query.name-reserved",
        id="powerschool-not-first",
    ),
    pytest.param(
        replace(NAME_ATTR, 'name="org.example.backpack.2024.status-v2"'),
        "query.name-syntax",
        id="digit-and-hyphen",
    ),
    pytest.param(
        second("org.example.backpack.students.other"), "query.name-unique", id="distinct-names"
    ),
    pytest.param({}, "query.name-parts", id="five-parts"),
    pytest.param(replace(ARG, '<arg name="$school_id2"'), "query.arg-name", id="java-identifier"),
    pytest.param({}, "query.ps-html", id="no-ps-html"),
    pytest.param(
        replace(ORDER, "ORDER\n  BY s.student_number"), "query.order-by", id="order-by-upper-case"
    ),
    pytest.param({}, "query.arg-binding", id="bound"),
    pytest.param(
        replace("-- enrolled only: see :note", "and s.entrydate < to_date('12:30')"),
        "query.arg-binding",
        id="colon-in-literal",
    ),
    pytest.param({}, "query.column-unique", id="unique-aliases"),
    pytest.param({}, "query.column-count", id="matching-count"),
    pytest.param(
        second(
            "org.example.backpack.area.star",
            sql="select * from students order by 1",
            core=CORE_STUDENTS,
        ),
        "query.column-count",
        id="select-star",
    ),
    pytest.param(
        second(
            "org.example.backpack.area.core",
            core=' coreTable=""',
            columns="<column>students.dcid</column>",
        ),
        "query.core-table",
        id="dotted-alias-empty-core-table",
    ),
    pytest.param(
        second(
            "org.example.backpack.area.one", core=CORE_STUDENTS, columns="<column>dcid</column>"
        ),
        "query.core-table",
        id="one-part-with-core-table",
    ),
    pytest.param(
        {"plugin.xml": ('<oauth accessLevelV1Api="READ"/>', "")},
        "query.access-request",
        id="no-oauth",
    ),
    pytest.param(
        {"plugin.xml": ('table="STUDENTS" field="DCID"', 'table="students" field="dcid"')},
        "query.access-request",
        id="lower-case-table",
    ),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_query_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_query_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


def test_duplicate_name_points_at_the_first_definition() -> None:
    findings = check(second(NAME, core=CORE_STUDENTS))
    [finding] = findings_of("query.name-unique", findings)
    assert finding.file == f"good/{SECOND}"
    assert f"good/{Q}:3" in finding.message
    assert finding.key_path == "queries.query.@name"


def test_names_of_other_plugins_count_as_taken() -> None:
    context = CheckContext(other_query_names={NAME: "attendance.zip!queries_root/a.xml:4"})
    [finding] = findings_of("query.name-unique", check({}, context))
    assert "attendance.zip" in finding.message


def test_name_parts_is_a_warning_with_the_recommendation() -> None:
    [finding] = check(replace(NAME_ATTR, 'name="example.backpack.status"'))
    assert finding.rule == "query.name-parts"
    assert finding.severity is Severity.WARNING
    assert "org.organization.product.area.name" in finding.message


def test_ps_html_is_reported_on_its_own_line() -> None:
    [finding] = findings_of("query.ps-html", check(replace(":schoolid", "~(curschoolid)")))
    assert finding.line == 20
    assert finding.key_path == "queries.query.sql"


def test_second_query_gets_an_indexed_key_path() -> None:
    extra = (
        f'<query name="org.example.backpack.students.other"{CORE}><columns>{COLUMN}</columns>'
        "<sql>select s.dcid from students s order by 1</sql></query>"
    )
    changes = {Q: [("</queries>", extra + "</queries>"), (NAME_ATTR, 'name="x.y"')]}
    keys = [f.key_path for f in findings_of("query.name-parts", check(changes))]
    assert keys == ["queries.query[1].@name"]


def test_query_names_of_one_plugin_feed_the_check_of_another() -> None:
    names = defined_query_names(good_tree())
    assert names == {NAME: f"good/{Q}:3"}

    other = edited({}, base=good_tree())
    other.origin = "attendance"
    findings = check_tree(other, CheckContext(other_query_names=names))
    [finding] = findings_of("query.name-unique", findings)
    assert finding.file == f"attendance/{Q}"
    assert f"good/{Q}:3" in finding.message
