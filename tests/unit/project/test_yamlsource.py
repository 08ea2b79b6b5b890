"""Reading YAML with positions, and refusing what cannot be read safely."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.project.yamlsource import (
    MAX_FILE_BYTES,
    YamlError,
    _read_up_to,
    load_yaml,
    parse_yaml,
)


def test_positions_of_values_and_keys_are_one_based() -> None:
    doc = parse_yaml("a:\n  b: [1, 2]\n", "f.yaml")

    assert doc.positions[("a", "b", 1)] == (2, 10)
    assert doc.key_positions[("a", "b")] == (2, 3)


def test_plain_scalars_read_as_other_types_are_remembered() -> None:
    doc = parse_yaml("lea: 01\nname: '01'\nflag: no\n", "f.yaml")

    assert doc.data == {"lea": 1, "name": "01", "flag": False}
    assert doc.plain_text == {("lea",): "01", ("flag",): "no"}


def test_aliases_are_expanded_into_copies() -> None:
    doc = parse_yaml("a: &x {k: v}\nb: *x\n", "f.yaml")

    assert doc.data["b"] == {"k": "v"}


def test_dates_stay_strings() -> None:
    assert parse_yaml("d: 2025-08-01\n", "f.yaml").data == {"d": "2025-08-01"}


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "yaml.duplicate-key", 3, id="duplicate"),
        pytest.param("a:\n\tb: 1\n", "yaml.syntax", 2, id="tab"),
        pytest.param("a: [1, 2\n", "yaml.syntax", 2, id="unclosed"),
        pytest.param("a: &a [*a]\n", "yaml.too-deep", 1, id="recursive-alias"),
        pytest.param("a: !!python/object:os.system x\n", "yaml.syntax", 1, id="python-tag"),
        pytest.param("<<: {a: 1}\n", "yaml.merge-key", 1, id="merge-key"),
        pytest.param("[1]: x\n", "yaml.key", 1, id="complex-key"),
    ],
)
def test_unreadable_yaml_is_located(text: str, rule: str, line: int) -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text, "f.yaml")

    assert raised.value.rule == rule
    assert raised.value.line == line


def test_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]

    with pytest.raises(YamlError) as raised:
        parse_yaml("\n".join(lines) + "\n", "bomb.yaml")

    assert raised.value.rule == "yaml.too-large"


def test_a_file_is_read_with_its_stamp_and_digest(tmp_path: Path) -> None:
    path = tmp_path / "alpine.yaml"
    path.write_bytes(b"district:\n  display_name: Alpine\n")

    doc = load_yaml(path, "districts/alpine.yaml")

    stat = path.stat()
    assert doc.data == {"district": {"display_name": "Alpine"}}
    assert doc.stamp == (stat.st_size, stat.st_mtime_ns)
    assert len(doc.sha256) == 64


def test_a_named_pipe_in_place_of_a_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "alpine.yaml"
    os.mkfifo(path)

    with pytest.raises(YamlError) as raised:
        load_yaml(path, "districts/alpine.yaml")

    assert (raised.value.rule, raised.value.message) == ("yaml.unreadable", "not a regular file")


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "alpine.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))

    with pytest.raises(YamlError) as raised:
        load_yaml(path, "districts/alpine.yaml")

    assert raised.value.rule == "yaml.too-large"


def test_what_a_file_grew_by_after_its_size_was_taken_is_read_too(tmp_path: Path) -> None:
    path = tmp_path / "alpine.yaml"
    path.write_bytes(b"a: 1\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        with path.open("ab") as grown:
            grown.write(b"b: " + b"2" * 100_000 + b"\n")
        assert len(_read_up_to(fd, MAX_FILE_BYTES + 1, expected=6)) == 100_009
    finally:
        os.close(fd)
