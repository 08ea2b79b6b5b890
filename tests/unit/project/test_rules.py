"""Each project rule, with a district overlay that passes it and one that breaks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.project.loader import load_project, validate_project
from generator.project.merge import overlay
from generator.project.rules import DISTRICT_RULES, RULES, RuleContext

BASE = """\
district:
  display_name: Test District
  lea_state_number: "01"
  credentials:
    key: {env: TEST_KEY}
    secret: {env: TEST_SECRET}
"""

FRAGMENT = """\
fragments:
  - name: note
    {target}
    insertion_point: {point}
    content: "<p>note</p>"
"""

QUERY = """\
named_queries:
  file: q
  queries:
    - {{name: {first}, columns: [{{alias: x}}], sql: "{sql}"}}
    - {{name: {second}, columns: [{{alias: x}}], sql: "select 1 from dual order by 1"}}
"""

CASES = [
    pytest.param(
        "school-year.format",
        'data_exchange:\n  school_years: ["25-26"]\n',
        'data_exchange:\n  school_years: ["25/26"]\n',
        id="school-year.format",
    ),
    pytest.param(
        "school-year.consecutive",
        'data_exchange:\n  school_years: ["25-26", "26-27"]\n',
        'data_exchange:\n  school_years: ["26-27", "25-26"]\n',
        id="school-year.consecutive",
    ),
    pytest.param(
        "lea.state-number",
        "district:\n  lea_state_number: '123'\n",
        "district:\n  lea_state_number: '1234'\n",
        id="lea.state-number",
    ),
    pytest.param(
        "secret.missing",
        "",
        "district:\n  credentials: null\n",
        id="secret.missing",
    ),
    pytest.param(
        "secret.literal",
        "district:\n  credentials:\n    secret: {secrets_file: secrets.env, name: S}\n",
        "district:\n  credentials:\n    secret: pasted-value\n",
        id="secret.literal",
    ),
    pytest.param(
        "fragment.target",
        FRAGMENT.format(target="page: /admin/home.html", point="content.footer"),
        FRAGMENT.format(target="insertion_metadata: null", point="content.footer"),
        id="fragment.target",
    ),
    pytest.param(
        "fragment.insertion-point",
        FRAGMENT.format(target="page: /admin/home.html", point="content.footer")
        + "insertion_points: [custom.point]\n",
        FRAGMENT.format(target="page: /admin/home.html", point="custom.point"),
        id="fragment.insertion-point",
    ),
    pytest.param(
        "template.missing",
        "pages:\n  - {path: admin/x.html, template: pages/missing_state_student_numbers.html}\n",
        "pages:\n  - {path: admin/x.html, template: pages/nothing-here.html}\n",
        id="template.missing",
    ),
    pytest.param(
        "template.source",
        "pages:\n  - {path: admin/x.html, content: x}\n",
        "pages:\n  - {path: admin/x.html, content: x, template: pages/x.html}\n",
        id="template.source",
    ),
    pytest.param(
        "query.name-unique",
        QUERY.format(first="org.a.b.c.one", second="org.a.b.c.two", sql="select 1 order by 1"),
        QUERY.format(first="org.a.b.c.one", second="org.a.b.c.one", sql="select 1 order by 1"),
        id="query.name-unique",
    ),
    pytest.param(
        "query.name-length",
        QUERY.format(first="org.a.b.c." + "n" * 190, second="org.b", sql="select 1"),
        QUERY.format(first="org.a.b.c." + "n" * 191, second="org.b", sql="select 1"),
        id="query.name-length",
    ),
    pytest.param(
        "query.name-reserved",
        QUERY.format(first="org.powerschool.x", second="org.b", sql="select 1"),
        QUERY.format(first="com.powerschool.x", second="org.b", sql="select 1"),
        id="query.name-reserved",
    ),
    pytest.param(
        "query.ps-html",
        QUERY.format(first="org.a", second="org.b", sql="select :id from dual"),
        QUERY.format(first="org.a", second="org.b", sql="select ~(curschoolid) from dual"),
        id="query.ps-html",
    ),
    pytest.param(
        "render.collision",
        "pages:\n  - {path: admin/a.html, content: x}\n  - {path: admin/b.html, content: y}\n",
        "pages:\n  - {path: admin/a.html, content: x}\n  - {path: admin/A.html, content: y}\n",
        id="render.collision",
    ),
    pytest.param(
        "schema.unknown-key",
        "plugin:\n  description: fine\n",
        "plugin:\n  descripton: typo\n",
        id="schema.unknown-key",
    ),
    pytest.param(
        "schema.required",
        "",
        "plugin:\n  publisher:\n    contact: {email: null}\n",
        id="schema.required",
    ),
]


def _rules_found(project: Path, changes: str) -> set[str]:
    if changes.startswith("district:"):
        district = overlay(yaml.safe_load(BASE), yaml.safe_load(changes))
        text = yaml.safe_dump(district)
    else:
        text = BASE + changes
    (project / "districts" / "sample.yaml").write_text(text)
    return {finding.rule for finding in validate_project(project).findings}


@pytest.mark.parametrize(("rule", "good", "bad"), CASES)
def test_rule_passes_and_fails(project: Path, rule: str, good: str, bad: str) -> None:
    assert rule not in _rules_found(project, good)
    assert rule in _rules_found(project, bad)


def test_finding_names_file_line_and_key_path(project: Path) -> None:
    (project / "districts" / "sample.yaml").write_text(
        BASE + 'data_exchange:\n  school_years:\n    - "25-26"\n    - "27-28"\n'
    )

    [finding] = validate_project(project).findings

    assert finding.file.endswith("districts/sample.yaml")
    assert (finding.line, finding.col) == (10, 7)
    assert finding.key_path == "data_exchange.school_years[1]"
    assert finding.rule == "school-year.consecutive"


def test_unknown_key_suggests_the_close_name(project: Path) -> None:
    (project / "districts" / "sample.yaml").write_text(BASE.replace("display_name", "display_nam"))

    messages = [f.message for f in validate_project(project).findings]

    assert any("did you mean 'display_name'" in m for m in messages)


def test_every_finding_of_every_file_comes_at_once(project: Path) -> None:
    (project / "districts" / "one.yaml").write_text("district: [\n")
    (project / "districts" / "two.yaml").write_text(BASE + "plugin:\n  versio: '2'\n")

    findings = validate_project(project).findings

    assert {f.file.rsplit("/", 1)[-1] for f in findings} == {"one.yaml", "two.yaml"}


def test_the_scaffolded_projects_are_clean(project: Path, blank_project: Path) -> None:
    assert validate_project(project).findings == []
    assert validate_project(blank_project).findings == []


def test_project_layout_rules(tmp_path: Path, project: Path) -> None:
    clean = {f.rule for f in validate_project(project).findings}
    assert not clean & {"project.missing", "project.no-districts", "district.name"}

    assert [f.rule for f in validate_project(tmp_path / "nowhere").findings] == ["project.missing"]

    (project / "districts" / "Bad Name.yaml").write_text(BASE)
    assert "district.name" in {f.rule for f in validate_project(project).findings}

    for path in (project / "districts").iterdir():
        path.unlink()
    [finding] = validate_project(project).findings
    assert (finding.rule, finding.is_error) == ("project.no-districts", False)


def test_a_type_error_does_not_hide_other_problems_nor_repeat_itself(project: Path) -> None:
    (project / "districts" / "sample.yaml").write_text(
        BASE.replace('"01"', '"01234"') + "data_exchange:\n  school_years: [2026]\n"
    )

    findings = {(f.rule, f.key_path) for f in validate_project(project).findings}

    assert findings == {
        ("schema.type", "data_exchange.school_years[0]"),
        ("lea.state-number", "district.lea_state_number"),
    }


class _WithoutDistrict(dict):  # type: ignore[type-arg]
    """A merged document that fails the test when a rule reads its `district` section."""

    def get(self, key: Any, default: Any = None) -> Any:
        assert key != "district", "this rule reads the district's own section"
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        assert key != "district", "this rule reads the district's own section"
        return super().__getitem__(key)


def test_only_the_district_rules_read_the_district_section(project: Path) -> None:
    # The other rules' problems are kept for every district that shares the rest: a rule that
    # read the district's own values there would report one district's problems for all.
    loaded = load_project(project)
    document = _WithoutDistrict(loaded.merged("sample"))
    context = RuleContext(document, loaded.template_dirs(), loaded.has_template)

    for check in RULES:
        if check not in DISTRICT_RULES:
            list(check(context))
    assert {check.__name__ for check in DISTRICT_RULES} == {"lea_state_number", "credentials"}


def test_problems_of_shared_parts_follow_each_districts_documents(project: Path) -> None:
    (project / "districts" / "second.yaml").write_text(
        BASE + 'data_exchange:\n  school_years: ["25/26"]\n'
    )
    (project / "districts" / "third.yaml").write_text(BASE.replace('"01"', '"1234"'))

    found = {
        (finding.file.rsplit("/", 1)[-1], finding.rule)
        for finding in validate_project(project).findings
        if finding.is_error
    }

    assert found == {("second.yaml", "school-year.format"), ("third.yaml", "lea.state-number")}
