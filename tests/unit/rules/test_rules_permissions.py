"""Permission mapping rules, and the PowerQueries pages call without one."""

from __future__ import annotations

import pytest
from rules_helpers import Changes, check, findings_of, rules_of

from generator.findings import Severity

MAPPINGS = "permissions_root/backpack.permission_mappings.xml"
PAGE = "web_root/admin/backpack/status.html"
QUERY = "/ws/schema/query/org.example.backpack.students.status"
IMPLIES = f'<implies allow="post">{QUERY}</implies>'
PERMISSION = '<permission name="/admin/backpack/status.html">'


def mappings(body: str) -> str:
    return f"<permission_mappings>{body}</permission_mappings>"


def replace(old: str, new: str) -> Changes:
    return {MAPPINGS: (old, new)}


FAILING = [
    pytest.param({MAPPINGS: "<permissions/>"}, "permissions.structure", id="wrong-root"),
    pytest.param(
        {MAPPINGS: '<permission_mappings xmlns="urn:x"/>'},
        "permissions.structure",
        id="namespaced-root",
    ),
    pytest.param(replace(PERMISSION, "<permission>"), "permissions.structure", id="no-name"),
    pytest.param(
        replace(IMPLIES, '<implies allow="post"> </implies>'),
        "permissions.structure",
        id="empty-implies",
    ),
    pytest.param(
        replace(IMPLIES, f"<grant>{QUERY}</grant>"), "permissions.structure", id="unknown-element"
    ),
    pytest.param(
        replace(PERMISSION, '<permission name="admin/backpack/status.html">'),
        "permissions.page-path",
        id="relative-page",
    ),
    pytest.param(
        replace(PERMISSION, '<permission name="/admin/back pack.html">'),
        "permissions.page-path",
        id="space-in-page",
    ),
    pytest.param(replace('allow="post"', 'allow="POST"'), "permissions.allow", id="upper-case"),
    pytest.param(replace('allow="post"', 'allow="patch"'), "permissions.allow", id="patch"),
    pytest.param(replace(' allow="post"', ""), "permissions.allow", id="missing"),
    pytest.param(
        replace('allow="post"', 'allow="delete"'), "permissions.allow-unconfirmed", id="delete"
    ),
    pytest.param(
        replace(QUERY, "/ws/v1/district/student"), "permissions.resource", id="v1-resource"
    ),
    pytest.param(replace('allow="post"', 'allow="get"'), "permissions.query-allow", id="query-get"),
    pytest.param({MAPPINGS: None}, "permissions.query-unmapped", id="no-mappings"),
    pytest.param(
        {
            "web_root/admin/home.calls.content.footer.txt": (
                "<script>$j.post('/ws/schema/query/org.example.other.area.list')</script>"
            )
        },
        "permissions.query-unmapped",
        id="fragment-calls-unmapped",
    ),
]

PASSING = [
    pytest.param({}, "permissions.structure", id="good"),
    pytest.param({MAPPINGS: mappings("")}, "permissions.structure", id="empty-file"),
    pytest.param(
        {MAPPINGS: (f'<implies allow="post">{QUERY}', f"<implies allow='post'>{QUERY}")},
        "permissions.allow",
        id="single-quotes",
    ),
    pytest.param(replace('allow="post"', 'allow="put"'), "permissions.allow", id="put"),
    pytest.param({}, "permissions.allow-unconfirmed", id="post"),
    pytest.param(
        replace("/ws/schema/table/U_BACKPACK_STATUS", "/ws/schema/table/U_BACKPACK/#"),
        "permissions.resource",
        id="table-row",
    ),
    pytest.param({}, "permissions.page-path", id="page-path"),
    pytest.param({}, "permissions.query-allow", id="query-post"),
    pytest.param({}, "permissions.query-unmapped", id="mapped"),
    pytest.param(
        {"web_root/admin/help.html": "See /ws/schema/query/ for details"},
        "permissions.query-unmapped",
        id="no-query-name",
    ),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_permission_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_permission_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


def test_unmapped_query_names_the_page_line_and_remedy() -> None:
    [finding] = findings_of("permissions.query-unmapped", check({MAPPINGS: None}))
    assert finding.file == f"good/{PAGE}"
    assert (finding.line, finding.col) == (13, 13)
    assert finding.severity is Severity.WARNING
    assert "403" in finding.message
    assert f'<implies allow="post">{QUERY}</implies>' in finding.message


def test_allow_finding_points_at_the_attribute() -> None:
    [finding] = findings_of("permissions.allow", check(replace('allow="post"', 'allow="POST"')))
    assert finding.key_path == "permission_mappings.permission.implies[1].@allow"
    assert (finding.line, finding.col) == (4, 14)
