"""Page fragment rules: names, insertion points, snippets, insertionMetadata companions."""

from __future__ import annotations

import pytest
from rules_helpers import Changes, check, findings_of, rules_of

from generator.findings import Severity
from generator.rules import CheckContext
from generator.rules.fragments import parse_fragment_name

ADMIN = "web_root/admin"
FRAGMENT = f"{ADMIN}/home.backpack_status.content.footer.txt"
METADATA = f"{ADMIN}/home.backpack_status.content.footer.xml"
INJECT = '<inject location="#content-main .box-round:first" how="after"/>'
SNIPPET = "<div>Backpack</div>\n"


def metadata(body: str, xmlns: str = ' xmlns="http://www.powerschool.com"') -> str:
    return f"<insertionMetadata{xmlns}>{body}</insertionMetadata>"


FAILING = [
    pytest.param({f"{ADMIN}/home.content.footer.txt": SNIPPET}, "fragment.name", id="no-name"),
    pytest.param({f"{ADMIN}/home..content.footer.txt": SNIPPET}, "fragment.name", id="empty-name"),
    pytest.param(
        {f"{ADMIN}/home.a..b.content.footer.txt": SNIPPET}, "fragment.name", id="empty-part"
    ),
    pytest.param(
        {f"{ADMIN}/home.backpack.sidebar.txt": SNIPPET},
        "fragment.insertion-point",
        id="unknown-point",
    ),
    pytest.param(
        {f"{ADMIN}/home.backpack.content.middle.txt": SNIPPET},
        "fragment.insertion-point",
        id="unknown-two-part-point",
    ),
    pytest.param(
        {FRAGMENT: "<html><body>Backpack</body></html>"}, "fragment.document-tags", id="html-body"
    ),
    pytest.param(
        {FRAGMENT: "<HEAD><title>x</title></HEAD>"}, "fragment.document-tags", id="head-upper-case"
    ),
    pytest.param({METADATA: metadata(INJECT, xmlns="")}, "fragment.metadata", id="no-namespace"),
    pytest.param({METADATA: metadata("")}, "fragment.metadata", id="no-inject"),
    pytest.param(
        {METADATA: metadata('<inject location="#x" how="replace"/>')},
        "fragment.metadata",
        id="bad-how",
    ),
    pytest.param({METADATA: metadata('<inject location="#x"/>')}, "fragment.metadata", id="no-how"),
    pytest.param(
        {METADATA: metadata('<inject location=" " how="before"/>')},
        "fragment.metadata",
        id="empty-location",
    ),
    pytest.param({METADATA: "<metadata/>"}, "fragment.metadata", id="wrong-root"),
    pytest.param({FRAGMENT: None}, "fragment.metadata-orphan", id="orphan"),
]

PASSING = [
    pytest.param({}, "fragment.name", id="good-names"),
    pytest.param(
        {f"{ADMIN}/students/more2.my-link_Extra.leftnav.footer.txt": SNIPPET},
        "fragment.name",
        id="hyphen-underscore-case",
    ),
    pytest.param({f"{ADMIN}/notes.txt": "plain text"}, "fragment.name", id="not-a-fragment"),
    pytest.param(
        {f"{ADMIN}/home.a.page.header.txt": SNIPPET}, "fragment.insertion-point", id="page-header"
    ),
    pytest.param(
        {f"{ADMIN}/reports/x.tabs.report.tabs.txt": SNIPPET},
        "fragment.insertion-point",
        id="report-tabs",
    ),
    pytest.param(
        {f"{ADMIN}/home.a.content.header.txt": SNIPPET},
        "fragment.insertion-point",
        id="content-header",
    ),
    pytest.param(
        {"web_root/wildcards/commonscripts.backpack.content.footer.txt": SNIPPET},
        "fragment.insertion-point",
        id="wildcard",
    ),
    pytest.param(
        {FRAGMENT: "<div><header>Backpack</header><p>~[wc:x]</p></div>"},
        "fragment.document-tags",
        id="header-is-not-head",
    ),
    pytest.param(
        {METADATA: metadata(INJECT.replace("after", "append"))}, "fragment.metadata", id="append"
    ),
    pytest.param({f"{ADMIN}/data.xml": "<data/>"}, "fragment.metadata", id="other-xml"),
    pytest.param({}, "fragment.metadata-orphan", id="companion"),
]


@pytest.mark.parametrize(("changes", "rule"), FAILING)
def test_fragment_rule_fires(changes: Changes, rule: str) -> None:
    assert rule in rules_of(check(changes))


@pytest.mark.parametrize(("changes", "rule"), PASSING)
def test_fragment_rule_passes(changes: Changes, rule: str) -> None:
    assert rule not in rules_of(check(changes))


def test_declared_custom_insertion_point_is_accepted() -> None:
    changes = {f"{ADMIN}/home.backpack.backpack_panel.txt": SNIPPET}
    assert findings_of("fragment.insertion-point", check(changes)) != []
    context = CheckContext(custom_insertion_points=frozenset({"backpack_panel"}))
    assert check(changes, context) == []


def test_unknown_insertion_point_is_a_warning() -> None:
    [finding] = check({f"{ADMIN}/home.backpack.sidebar.txt": SNIPPET})
    assert finding.severity is Severity.WARNING
    assert "~[cust.insertion_point:" in finding.message


def test_document_tag_is_reported_at_its_line_and_column() -> None:
    findings = check({FRAGMENT: "<div>\n  <p>x</p>\n  <body class='x'>\n</div>"})
    [finding] = findings_of("fragment.document-tags", findings)
    assert (finding.line, finding.col) == (3, 3)


@pytest.mark.parametrize(
    ("filename", "page", "name", "point"),
    [
        pytest.param(
            "home.emergency_numbers.content.footer.txt",
            "home",
            "emergency_numbers",
            "content.footer",
            id="standard",
        ),
        pytest.param(
            "title_student_end_css.alert.student.alert.txt",
            "title_student_end_css",
            "alert",
            "student.alert",
            id="student-alert",
        ),
        pytest.param(
            "home.a.b.leftnav.footer.txt", "home", "a.b", "leftnav.footer", id="dotted-name"
        ),
        pytest.param("home.x.custom.txt", "home", "x", "custom", id="custom"),
    ],
)
def test_fragment_names_split_into_page_name_and_point(
    filename: str, page: str, name: str, point: str
) -> None:
    parsed = parse_fragment_name(filename, frozenset())
    assert parsed is not None
    assert (parsed.page, parsed.name, parsed.insertion_point) == (page, name, point)
