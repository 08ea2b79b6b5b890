"""The secret scan: configured values and credential-shaped strings, reported masked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.package.secrets_scan import SecretValues, mask, scan_text, unique_references

CANARY = "Zq7-canary-Secret-4417"


def test_a_configured_secret_is_found_with_its_line_and_column_and_masked() -> None:
    content = f"<p>one</p>\n<p>key: {CANARY}</p>\n".encode()

    findings = scan_text("alpine/web_root/x.html", content, [CANARY])

    assert (findings[0].file, findings[0].line, findings[0].col, findings[0].rule) == (
        "alpine/web_root/x.html",
        2,
        9,
        "secret-value",
    )
    assert all(CANARY not in f.message and f.is_error for f in findings)
    assert "Zq****" in findings[0].message


def test_very_short_configured_values_are_not_searched() -> None:
    assert scan_text("x", b"the abc of it", ["abc"]) == []


def test_mask_never_shows_more_than_two_characters() -> None:
    assert mask("abcdefghijkl") == "ab****"
    assert mask("short") == "****"


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("-----BEGIN RSA PRIVATE KEY-----", id="rsa-private-key"),
        pytest.param("-----BEGIN PRIVATE KEY-----", id="pkcs8-private-key"),
        pytest.param("-----BEGIN OPENSSH PRIVATE KEY-----", id="openssh-private-key"),
        pytest.param("aws = AKIAIOSFODNN7EXAMPLE", id="aws-access-key-id"),
        pytest.param(
            "t = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n",
            id="jwt",
        ),
        pytest.param('client_secret: "q8Vd3kP0x7LmZr2TbW9yN4cA"', id="secret-assignment"),
        pytest.param("password=Xk29fLq0pZ7vB3nM8wR1", id="password-assignment"),
        pytest.param('"api_token": "a9f3c1e7b2d84f60a9f3c1e7b2d84f60"', id="hex-token-in-json"),
    ],
)
def test_credential_shaped_strings_are_found(line: str) -> None:
    findings = scan_text("alpine/plugin.xml", f"x\n{line}\n".encode(), [])

    assert findings, line
    assert {f.rule for f in findings} == {"secret-credential-shape"}
    assert all(f.line == 2 for f in findings)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param('"key": {"env": "ALPINE_USIMS_KEY"}', id="env-reference"),
        pytest.param("secret: ALPINE_USIMS_SECRET_VALUE_NAME", id="upper-case-reference"),
        pytest.param('<entry key="psplugin.backpack.request_title">', id="message-key"),
        pytest.param("password = ~[gpv:password]", id="ps-html-placeholder"),
        pytest.param("token: {{ district.token_reference }}", id="template-placeholder"),
        pytest.param("key=student.backpack.missing_number", id="dotted-name"),
        pytest.param("<p>Ask for the key and secret in the LEA Client Manager.</p>", id="prose"),
    ],
)
def test_references_and_ordinary_text_are_not_credentials(line: str) -> None:
    assert scan_text("alpine/plugin.xml", line.encode(), []) == []


def test_non_ascii_text_is_scanned_too_and_each_value_is_reported_once() -> None:
    content = f"<p>Ünïcode naïve café</p>\ntoken = {CANARY}\nsecret: Xk29fLq0pZ7vB3nM8wR1\n"

    findings = scan_text("alpine/x.html", content.encode(), [CANARY])

    assert [(f.line, f.rule) for f in findings] == [
        (2, "secret-value"),
        (3, "secret-credential-shape"),
    ]


# Few letters, so that values overlap, nest and turn up inside other text often.
_letters = st.sampled_from("aAb1-_ é")
_values = st.lists(st.text(_letters, min_size=1, max_size=12), max_size=6)


@given(_values, st.lists(st.text(_letters, max_size=12), max_size=8), st.data())
def test_the_indexed_search_finds_exactly_the_values_a_file_holds(
    values: list[str], filler: list[str], data: st.DataObject
) -> None:
    # The file is filler with some of the values spliced in, whole or cut short.
    pieces = [*filler]
    for value in values:
        piece = data.draw(st.sampled_from([value, value[1:], value[:-1], ""]))
        pieces.insert(data.draw(st.integers(0, len(pieces))), piece)
    content = "".join(pieces).encode()

    expected = sorted(
        {v for v in values if len(v) >= 6 and v.encode() in content}, key=lambda v: (-len(v), v)
    )
    assert SecretValues(values).present_in(content) == expected


def test_every_district_secret_is_found_in_any_file() -> None:
    values = [f"Key{n:04d}x9Q2mZ7pL" for n in range(2000)]
    content = f"<p>{values[1234]}</p><a href=/x?t=zz{values[7]}&q=1>".encode()

    assert SecretValues(values).present_in(content) == [values[7], values[1234]]


def test_references_are_kept_once_each_in_their_first_order() -> None:
    references = [
        {"env": "B_KEY"},
        {"secrets_file": "secrets.env", "name": "A_SECRET"},
        {"env": "B_KEY"},
        {"name": "A_SECRET", "secrets_file": "secrets.env"},
        {"env": ["not", "hashable"]},
        {"env": ["not", "hashable"]},
    ]

    assert unique_references(references) == [
        {"env": "B_KEY"},
        {"secrets_file": "secrets.env", "name": "A_SECRET"},
        {"env": ["not", "hashable"]},
    ]


def test_a_token_assigned_across_a_line_break_is_found() -> None:
    content = b"x\napi_secret:\n    q8Vd3kP0x7LmZr2TbW9yN4cA\n"

    findings = scan_text("alpine/setup-sheet.md", content, [])

    assert [(f.rule, f.line) for f in findings] == [("secret-credential-shape", 3)]
