"""The setup sheet: this district's values, references instead of secrets, escaped HTML."""

from __future__ import annotations

import re
from typing import Any

from generator.package.setup_sheet import render_setup_sheets, sheet_context
from generator.tree import PluginTree

from .fakes import FakeRendered

HOSTILE = '<script>alert("x")</script>'


def _rendered(exchange: dict[str, Any] | None) -> FakeRendered:
    return FakeRendered(
        district="alpine",
        display_name=f"Alpine {HOSTILE}",
        plugin_name="USIMS Student Backpack",
        plugin_slug="usims-backpack",
        plugin_version="1.0.0",
        tree=PluginTree(),
        data_exchange=exchange,
    )


def _exchange() -> dict[str, Any]:
    return {
        "district": {"name": "alpine", "display_name": "Alpine", "lea_state_number": "01"},
        "profile": {"name": "USIMS Student Backpack", "type": "EDFI_UT"},
        "data_exchange_url": "https://usims.schools.utah.gov",
        "authentication_url": "https://usimsprod.b2clogin.com/usimsprod.onmicrosoft.com/B2C_1A_SIS",
        "school_years": ["25-26", "26-27"],
        "service_options": [f"Publish {HOSTILE}"],
        "credentials": {
            "key": {"env": "ALPINE_USIMS_KEY"},
            "secret": {"secrets_file": "secrets.env", "name": "ALPINE_USIMS_SECRET"},
        },
        "staff_permissions": [
            {"name": "Student Backpack Access", "grant": "View Access", "how": "first box"}
        ],
        "assumptions": {"token_path": {"value": "/oauth2/v2.0/token", "note": "B2C convention"}},
        "state": "UT",
    }


def _sheets(exchange: dict[str, Any] | None) -> tuple[str, str]:
    context = sheet_context(_rendered(exchange), "usims-backpack-alpine-1.0.0.zip", "ab" * 32)
    markdown, html = render_setup_sheets(context)
    return markdown.decode(), html.decode()


def test_the_sheet_fills_in_this_districts_values() -> None:
    markdown, html = _sheets(_exchange())

    for text in (markdown, html):
        for value in (
            "EDFI_UT",
            "USIMS Student Backpack",
            "https://usims.schools.utah.gov",
            "B2C_1A_SIS",
            "25-26",
            "26-27",
            "usims-backpack-alpine-1.0.0.zip",
            "ab" * 32,
            "Student Backpack Access",
            "View Access",
            "USIMS LEA Client Manager",
            "environment variable ALPINE_USIMS_KEY",
            "ALPINE_USIMS_SECRET in the secrets file secrets.env",
            "token_path",
        ):
            assert value in text, value
    assert re.search(r"LEA state number: `01`", markdown)


def test_every_value_in_the_html_is_escaped_and_nothing_is_loaded_from_outside() -> None:
    _, html = _sheets(_exchange())

    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", html)
    assert "<style>" in html


def test_without_a_data_exchange_the_sheet_covers_only_installing() -> None:
    markdown, html = _sheets(None)

    for text in (markdown, html):
        assert "usims-backpack-alpine-1.0.0.zip" in text
        assert "General Setup" not in text
        assert "no Data Exchange profile" in text


def test_districts_sharing_assumptions_still_show_their_own() -> None:
    first = _exchange()
    second = {**_exchange(), "staff_permissions": first["staff_permissions"]}
    second["assumptions"] = {"token_path": {"value": "/other/token", "note": "changed"}}

    _, first_html = _sheets(first)
    _, second_html = _sheets(second)
    _, first_again = _sheets(first)

    assert "/oauth2/v2.0/token" in first_html and "/other/token" not in first_html
    assert "/other/token" in second_html and "/oauth2/v2.0/token" not in second_html
    assert first_again == first_html


def test_the_shared_lists_read_as_the_rest_of_the_sheet() -> None:
    markdown, html = _sheets(_exchange())

    assert (
        "Information:\n   - Student Backpack Access: View Access (first box)\n\n## Per student"
        in markdown
    )
    assert markdown.endswith("state.\n\n- `token_path`: `/oauth2/v2.0/token` (B2C convention)\n")
    assert "<ul>\n<li>Student Backpack Access: View Access (first box)</li>\n</ul></li>" in html
    assert (
        "<li><code>token_path</code>: <code>/oauth2/v2.0/token</code> (B2C convention)</li>\n</ul>"
        in html
    )


def test_without_staff_permissions_the_sheet_says_so() -> None:
    markdown, html = _sheets({**_exchange(), "staff_permissions": []})

    assert "Information:\n   - none configured in the project\n\n## Per student" in markdown
    assert "<ul>\n<li>none configured in the project</li>\n</ul></li>" in html
