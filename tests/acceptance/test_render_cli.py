"""`psplugin render`: one district's tree on disk, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import invoke


def test_render_writes_the_plugin_and_its_profile(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"

    result = invoke(["render", str(project), "--district", "sample", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert (out / "plugin" / "plugin.xml").is_file()
    profile = json.loads((out / "data-exchange.json").read_text())
    assert profile["profile"]["type"] == "EDFI_UT"


def test_render_replaces_an_earlier_render(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    invoke(["render", str(project), "-d", "sample", "-o", str(out)])
    (out / "plugin" / "stale.txt").write_text("left over")

    result = invoke(["render", str(project), "-d", "sample", "-o", str(out)])

    assert result.exit_code == 0
    assert not (out / "plugin" / "stale.txt").exists()


def test_render_refuses_a_folder_it_did_not_write(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("mine")

    result = invoke(["render", str(project), "-d", "sample", "-o", str(out)])

    assert result.exit_code == 1
    assert (out / "notes.txt").read_text() == "mine"


def test_render_of_an_invalid_project_writes_nothing(project: Path, tmp_path: Path) -> None:
    (project / "districts" / "sample.yaml").write_text("district: {display_name: [\n")
    out = tmp_path / "out"

    result = invoke(["render", str(project), "-d", "sample", "-o", str(out)])

    assert result.exit_code == 1
    assert "yaml.syntax" in result.output
    assert not out.exists()


def test_unknown_district_is_a_usage_error(project: Path, tmp_path: Path) -> None:
    result = invoke(["render", str(project), "-d", "nowhere", "-o", str(tmp_path / "o")])

    assert result.exit_code == 2
    assert "sample" in result.output
