"""The build index: a build in which nothing changed is told so from file stamps alone, and
anything touched sends the build down its ordinary path."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from generator.package.build import BuildRequest, BuildResult, run_build
from generator.package.index import INDEX_NAME

from .fakes import FAKE_STAGES, make_project

DISTRICTS = {name: f"<p>{name}</p>\n" for name in ("alpine", "cache", "granite")}


def _unopenable(root: Path) -> object:
    raise AssertionError("the project was opened")


# Stages that cannot open the project: a build that succeeds with them answered from the index.
INDEX_ONLY = dataclasses.replace(FAKE_STAGES, open_project=_unopenable)


def _age(root: Path, seconds: float = 60) -> None:
    """Date every file and folder of the project back, as if edited a minute ago."""
    past = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        if "dist" not in path.relative_to(root).parts:
            os.utime(path, (past, past))


def _built(root: Path, **options: object) -> BuildResult:
    return run_build(BuildRequest(project=root, **options), FAKE_STAGES)  # type: ignore[arg-type]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "p", DISTRICTS)
    _age(root)
    assert _built(root).ok
    assert (root / "dist" / INDEX_NAME).is_file()
    return root


def test_nothing_changed_is_answered_from_the_index(project: Path) -> None:
    result = run_build(BuildRequest(project=project), INDEX_ONLY)

    assert result.ok and result.count("unchanged") == 3
    assert result.manifest_artifacts == 12
    alpine = next(o for o in result.outcomes if o.district == "alpine")
    assert [a.file for a in alpine.artifacts][-1] == "alpine/usims-backpack-alpine-1.0.0.zip"


def test_a_summary_that_only_counts_artifacts_does_not_read_the_manifest(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unread(out_dir: Path) -> None:
        raise AssertionError(f"{out_dir}/manifest.json was read")

    monkeypatch.setattr("generator.package.build.read_manifest", unread)
    result = run_build(BuildRequest(project=project, list_artifacts=False), INDEX_ONLY)

    assert result.ok and result.count("unchanged") == 3
    assert result.manifest_artifacts == 12


def test_selection_still_applies_and_an_unknown_district_is_still_refused(project: Path) -> None:
    result = run_build(BuildRequest(project=project, districts=("cache",)), INDEX_ONLY)
    assert [o.district for o in result.outcomes] == ["cache"]

    with pytest.raises(Exception, match="no district named tooele"):
        run_build(BuildRequest(project=project, districts=("tooele",)), INDEX_ONLY)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda root: os.utime(root / "districts" / "cache.txt"), id="touched"),
        pytest.param(lambda root: (root / "plugin.txt").write_text("Other\n1.0.0\n"), id="edited"),
        pytest.param(lambda root: (root / "districts" / "uintah.txt").write_text("<p/>"), id="new"),
        pytest.param(lambda root: (root / "districts" / "alpine.txt").unlink(), id="removed"),
        pytest.param(
            lambda root: (root / "dist" / "cache" / "setup-sheet.md").write_text("x"), id="artifact"
        ),
        pytest.param(
            lambda root: (root / "dist" / "manifest.json").write_text("{}"), id="manifest"
        ),
    ],
)
def test_anything_touched_sends_the_build_down_its_ordinary_path(
    project: Path, change: object
) -> None:
    change(project)  # type: ignore[operator]

    with pytest.raises(AssertionError, match="the project was opened"):
        run_build(BuildRequest(project=project), INDEX_ONLY)
    assert _built(project).ok


def test_other_options_do_not_use_the_index(project: Path) -> None:
    with pytest.raises(AssertionError, match="the project was opened"):
        run_build(BuildRequest(project=project, source_date_epoch=1700000000), INDEX_ONLY)


def test_an_input_edited_just_before_the_build_is_not_trusted_to_its_stamp(
    project: Path,
) -> None:
    # Edited in the same tick of the file system's clock, a file could change again and keep
    # its size and time: the build that read it records no index.
    (project / "districts" / "cache.txt").write_text("<p>cachf</p>\n")
    assert _built(project).count("built") == 1

    assert not (project / "dist" / INDEX_NAME).exists()


def test_a_partial_build_leaves_no_index(project: Path) -> None:
    _age(project, 120)  # a change the index has not seen, made long enough ago
    assert _built(project, districts=("alpine",)).ok
    assert not (project / "dist" / INDEX_NAME).exists()

    assert _built(project).ok
    assert (project / "dist" / INDEX_NAME).is_file()


def test_a_failed_district_leaves_no_index(project: Path) -> None:
    (project / "districts" / "cache.txt").write_text("error\n")
    _age(project)

    assert not _built(project).ok
    assert not (project / "dist" / INDEX_NAME).exists()


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"key": {}, "districts": [], "inputs": {}, "outputs": {}}',
        None,  # the right key, with stamps of every wrong shape
    ],
)
def test_a_damaged_index_is_ignored(project: Path, text: str | None) -> None:
    index = project / "dist" / INDEX_NAME
    if text is None:
        document = json.loads(index.read_text())
        names = list(document["outputs"])
        for name, stamp in zip(names, [7, "ab", [1], [1, 2, 3], {"a": 1}, None], strict=False):
            document["outputs"][name] = stamp
        text = json.dumps(document)
    index.write_text(text)

    with pytest.raises(AssertionError, match="the project was opened"):
        run_build(BuildRequest(project=project), INDEX_ONLY)
    assert _built(project).ok


@pytest.mark.parametrize("section", ["inputs", "outputs"])
def test_an_index_whose_paths_are_not_a_mapping_is_ignored(project: Path, section: str) -> None:
    index = project / "dist" / INDEX_NAME
    document = json.loads(index.read_text())
    document[section] = [[1, [2, 3]]]
    index.write_text(json.dumps(document))

    with pytest.raises(AssertionError, match="the project was opened"):
        run_build(BuildRequest(project=project), INDEX_ONLY)
    assert _built(project).ok
