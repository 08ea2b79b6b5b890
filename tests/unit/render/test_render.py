"""Rendering a district: every part in its place, values as data, the same bytes every time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from generator.errors import InputError
from generator.project.loader import load_project
from generator.render import render_district
from generator.render.message_keys import render_properties

PLUGIN_NS = "{http://plugin.powerschool.pearson.com}"
HOSTILE = '</plugin> & "quotes" {{ 7 * 7 }} {% raw %} ]]> ~[tlist_sql;x] ~(name)'


def _write_district(project: Path, text: str) -> None:
    (project / "districts" / "sample.yaml").write_text(text)


SAMPLE = """\
district:
  display_name: {name}
  lea_state_number: "01"
  credentials:
    key: {{env: SAMPLE_KEY}}
    secret: {{secrets_file: secrets.env, name: SAMPLE_SECRET}}
"""


def test_the_backpack_preset_renders_every_part(project: Path) -> None:
    rendered = render_district(load_project(project), "sample")

    assert sorted(rendered.tree.files) == [
        "MessageKeys/UsimsBackpack.US_en.properties",
        "permissions_root/usims_backpack.permission_mappings.xml",
        "plugin.xml",
        "queries_root/usims_backpack.named_queries.xml",
        "web_root/admin/home.usims_backpack_report_link.leftnav.footer.txt",
        "web_root/admin/usims_backpack/missing_state_student_numbers.html",
        "web_root/wildcards/title_student_end_css.usims_backpack_missing_ssid.student.alert.txt",
    ]
    assert [f for f in rendered.findings if f.is_error] == []
    assert rendered.plugin_slug == "usims-backpack"


def test_plugin_xml_has_the_publisher_and_access_request(project: Path) -> None:
    rendered = render_district(load_project(project), "sample")
    root = etree.fromstring(rendered.tree.files["plugin.xml"])

    assert root.tag == f"{PLUGIN_NS}plugin"
    assert root.get("name") == "USIMS Backpack Readiness"
    assert root.find(f"{PLUGIN_NS}publisher/{PLUGIN_NS}contact").get("email")
    fields = root.findall(f"{PLUGIN_NS}access_request/{PLUGIN_NS}field")
    assert ("STUDENTS", "STATE_STUDENTNUMBER", "ViewOnly") in [
        (f.get("table"), f.get("field"), f.get("access")) for f in fields
    ]


def test_values_are_data_never_markup_or_template_code(project: Path) -> None:
    config = project / "psplugin.yaml"
    config.write_text(
        config.read_text().replace(
            "  name: USIMS Backpack Readiness",
            f"  name: Backpack\n  description: {json.dumps(HOSTILE)}",
        )
    )

    rendered = render_district(load_project(project), "sample")
    text = rendered.tree.files["plugin.xml"].decode()

    assert "{{ 7 * 7 }}" in text and "49" not in text
    assert "</plugin> &" not in text
    assert etree.fromstring(text.encode()).get("description") == HOSTILE


def test_sql_goes_into_cdata_even_with_its_terminator(project: Path) -> None:
    extra = (
        "named_queries:\n  file: q\n  queries:\n"
        "    - name: org.example.test.area.query\n"
        "      columns: [{alias: x}]\n"
        "      sql: \"select ']]>' as x from dual where 1 < 2 order by 1\"\n"
    )
    _write_district(project, SAMPLE.format(name="X") + extra)

    rendered = render_district(load_project(project), "sample")
    root = etree.fromstring(rendered.tree.files["queries_root/q.named_queries.xml"])

    assert root.findtext("query/sql") == "select ']]>' as x from dual where 1 < 2 order by 1"


def test_fragment_templates_escape_values_for_html(blank_project: Path) -> None:
    _write_district(blank_project, "district:\n  display_name: '<script>alert(1)</script> ~[x]'\n")

    rendered = render_district(load_project(blank_project), "sample")
    text = rendered.tree.files["web_root/admin/home.welcome_note.content.footer.txt"].decode()

    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "~[x]" not in text and "&#126;[x]" in text


def test_two_renders_are_byte_identical(project: Path) -> None:
    first = render_district(load_project(project), "sample")
    second = render_district(load_project(project), "sample")

    assert first.tree.files == second.tree.files
    assert first.data_exchange == second.data_exchange


def test_data_exchange_profile_holds_references_not_secrets(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMPLE_USIMS_KEY", "canary-key-value")
    (project / "secrets.env").write_text("SAMPLE_SECRET=canary-secret-value\n")
    _write_district(project, SAMPLE.format(name="Sample"))

    rendered = render_district(load_project(project), "sample")
    profile = rendered.data_exchange
    assert profile is not None

    assert profile["profile"] == {"name": "USIMS Student Backpack", "type": "EDFI_UT"}
    assert profile["school_years"] == ["25-26"]
    assert profile["district"]["lea_state_number"] == "01"
    assert profile["credentials"]["secret"] == {
        "secrets_file": "secrets.env",
        "name": "SAMPLE_SECRET",
    }
    dumped = json.dumps(profile) + b"".join(rendered.tree.files.values()).decode()
    assert "canary" not in dumped
    assert all(a["note"] for a in profile["assumptions"].values())


def test_message_keys_are_escaped_for_java_properties(project: Path) -> None:
    extra = 'message_keys:\n  bundle: T\n  locales:\n    US_en:\n      a.key: "Café = ok\\nline"\n'
    _write_district(project, SAMPLE.format(name="X") + extra)

    rendered = render_district(load_project(project), "sample")

    lines = rendered.tree.files["MessageKeys/T.US_en.properties"].splitlines()
    assert b"a.key=Caf\\u00e9 = ok\\nline" in lines


def test_a_template_error_names_the_template_not_the_values(project: Path) -> None:
    (project / "templates" / "fragments").mkdir(parents=True)
    (project / "templates" / "fragments" / "report_link.html").write_text(
        "<li>\n{{ district.no_such_value }}\n</li>\n"
    )
    _write_district(project, SAMPLE.format(name="Secretive District"))

    with pytest.raises(InputError) as raised:
        render_district(load_project(project), "sample")

    assert raised.value.file is not None and raised.value.file.endswith("report_link.html")
    assert raised.value.line == 2
    assert "Secretive" not in str(raised.value)


def test_project_templates_override_the_presets(project: Path) -> None:
    (project / "templates" / "fragments").mkdir(parents=True)
    (project / "templates" / "fragments" / "report_link.html").write_text("<li>ours</li>\n")

    rendered = render_district(load_project(project), "sample")

    path = "web_root/admin/home.usims_backpack_report_link.leftnav.footer.txt"
    assert rendered.tree.files[path] == b"<li>ours</li>\n"


EVERY_ELEMENT = """\
oauth: {access_level_v1_api: READ}
registration: {url: "https://example.org/register", callback_data: "district=x"}
autoinstall: {required: true, autoenable: true, autoregister: false, autoredeploy: true}
identity_attribute: dcid
cdn_request: [cdn.example.org]
links:
  - display_text: Backpack help
    path: https://example.org/help
    title: Help
    ui_contexts: [admin.left_nav, teacher.pro.apps]
openid:
  host: sso.example.org
  port: 443
  links:
    - {display_text: Sign in, path: /sso, ui_contexts: [student.header]}
saml:
  name: Example IdP
  entity_id: https://idp.example.org/entity
  base_url: https://idp.example.org
  metadata_url: https://idp.example.org/metadata
  attributes:
    teacher: [{name: email, attribute_name: mail}]
  permissions:
    - {name: reader, value: "1", description: Can read}
insertion_points: [backpack.tabs]
fragments:
  - name: tab
    page: /admin/students/home.html
    insertion_point: backpack.tabs
    content: "<li>Backpack</li>"
    insertion_metadata: {location: "#content-main", how: append}
page_cataloging:
  file: backpack
  pages:
    - {html_id: backpack_report, title: Backpack, page_url: /admin/backpack/report.html}
database_extensions:
  - name: U_BACKPACK
    tables:
      - kind: one-to-one
        core_table: STUDENTS
        db_table_name: U_BACKPACK_STUDENTS
        fields:
          - {name: REQUESTED_AT, type: Date}
          - {name: NOTE, type: String, length: 200}
"""


def test_every_plugin_element_renders_and_passes_the_output_rules(project: Path) -> None:
    _write_district(project, SAMPLE.format(name="Full") + EVERY_ELEMENT)

    rendered = render_district(load_project(project), "sample")
    root = etree.fromstring(rendered.tree.files["plugin.xml"])

    assert [f for f in rendered.findings if f.is_error] == []
    for element in (
        "oauth",
        "registration",
        "autoinstall",
        "identityAttribute",
        "links",
        "openid",
        "saml",
        "access_request/{ns}cdn_request",
    ):
        assert root.find(PLUGIN_NS + element.format(ns=PLUGIN_NS)) is not None, element
    assert root.find(f"{PLUGIN_NS}oauth").get("accessLevelV1Api") == "READ"
    files = rendered.tree.files
    assert "web_root/admin/students/home.tab.backpack.tabs.xml" in files
    assert "pagecataloging/backpack.json" in files
    assert "user_schema_root/U_BACKPACK.xml" in files


def test_renders_shared_between_districts_still_follow_each_districts_values(
    project: Path,
) -> None:
    (project / "templates" / "fragments").mkdir(parents=True)
    (project / "templates" / "fragments" / "report_link.html").write_text(
        "<li>{{ data_exchange.school_years | join(',') }}</li>\n"
    )
    _write_district(project, SAMPLE.format(name="First"))
    (project / "districts" / "second.yaml").write_text(
        SAMPLE.format(name="Second") + 'data_exchange:\n  school_years: ["25-26", "26-27"]\n'
    )
    (project / "districts" / "third.yaml").write_text(SAMPLE.format(name="Third"))
    loaded = load_project(project)
    path = "web_root/admin/home.usims_backpack_report_link.leftnav.footer.txt"

    outputs = {name: render_district(loaded, name).tree.files[path] for name in loaded.districts}

    assert outputs == {
        "sample": b"<li>25-26</li>\n",
        "second": b"<li>25-26,26-27</li>\n",
        "third": b"<li>25-26</li>\n",
    }


def test_a_template_reading_the_district_is_rendered_for_each(blank_project: Path) -> None:
    (blank_project / "districts" / "other.yaml").write_text("district:\n  display_name: Other\n")
    loaded = load_project(blank_project)
    path = "web_root/admin/home.welcome_note.content.footer.txt"

    first = render_district(loaded, "sample").tree.files[path]
    second = render_district(loaded, "other").tree.files[path]

    assert b"Sample School District" in first
    assert b"Other" in second


def test_districts_sharing_every_part_but_their_own_share_the_plugin(project: Path) -> None:
    _write_district(project, SAMPLE.format(name="First"))
    for name in ("second", "third"):
        (project / "districts" / f"{name}.yaml").write_text(SAMPLE.format(name=name))
    (project / "districts" / "fourth.yaml").write_text(
        SAMPLE.format(name="Fourth") + 'plugin:\n  version: "9.9.9"\n'
    )
    loaded = load_project(project)

    expected = dict(render_district(loaded, "sample").tree.files)
    second = render_district(loaded, "second")
    second.tree.files["plugin.xml"] = b"changed by its reader"
    third = render_district(loaded, "third")
    fourth = render_district(loaded, "fourth")

    # Each district's tree is its own to change: the next one still gets the rendered bytes.
    assert third.tree.files == expected
    assert third.tree.display("plugin.xml") == "third/plugin.xml"
    assert b'version="9.9.9"' in fourth.tree.files["plugin.xml"]
    assert b'version="9.9.9"' not in third.tree.files["plugin.xml"]


def test_findings_of_a_shared_plugin_name_each_district(project: Path) -> None:
    (project / "templates" / "fragments").mkdir(parents=True)
    # A whole document where a snippet belongs: a finding of the rule engine, in every district.
    (project / "templates" / "fragments" / "report_link.html").write_text(
        "<html><body><li>link</li></body></html>\n"
    )
    (project / "districts" / "second.yaml").write_text(SAMPLE.format(name="Second"))
    loaded = load_project(project)

    first = {f.file for f in render_district(loaded, "sample").findings}
    second = {f.file for f in render_district(loaded, "second").findings}

    assert first and all(name.startswith("sample/") for name in first)
    assert second == {name.replace("sample/", "second/", 1) for name in first}


def test_a_message_value_is_written_as_is_only_when_it_is_plain_printable_ascii() -> None:
    wrong = []
    for code in [*range(0x250), 0x2028, 0xFFFF, 0x10000, 0x10FFFF]:
        char = chr(code)
        plain = 0x20 <= code <= 0x7E and char != "\\"
        for value, as_is in ((f"a{char}", plain), (f"{char}a", plain and char not in " #!")):
            line = render_properties({"k": value}).decode("ascii").rstrip("\n")
            if (line == f"k={value}") is not as_is:
                wrong.append(value)
    assert wrong == []
