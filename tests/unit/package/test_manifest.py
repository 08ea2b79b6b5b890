"""manifest.json and SHA256SUMS: sorted, deterministic, and readable by `sha256sum -c`."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.package.manifest import Artifact, manifest_chunks, sums_chunks, write_manifest


def _artifact(out_dir: Path, file: str, content: bytes) -> Artifact:
    path = out_dir / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    district = file.split("/")[0]
    digest = hashlib.sha256(content).hexdigest()
    return Artifact(file, district, "USIMS Student Backpack", "1.0.0", len(content), digest)


def test_an_unchanged_manifest_is_not_rewritten(tmp_path: Path) -> None:
    alpine = _artifact(tmp_path, "alpine/x.zip", b"a")
    write_manifest(tmp_path, [alpine])
    before = (tmp_path / "manifest.json").stat().st_ino

    write_manifest(tmp_path, [alpine])

    assert (tmp_path / "manifest.json").stat().st_ino == before


def test_manifest_lists_artifacts_sorted_whatever_the_order_given(tmp_path: Path) -> None:
    granite = _artifact(tmp_path, "granite/setup-sheet.md", b"granite")
    alpine = _artifact(tmp_path, "alpine/data-exchange.json", b"{}\n")

    assert write_manifest(tmp_path, [granite, alpine]) == 2
    first = (tmp_path / "manifest.json").read_bytes()
    write_manifest(tmp_path, [alpine, granite])

    assert (tmp_path / "manifest.json").read_bytes() == first
    document = json.loads(first)
    assert [entry["file"] for entry in document["artifacts"]] == [
        "alpine/data-exchange.json",
        "granite/setup-sheet.md",
    ]
    assert document["artifacts"][0] == {
        "district": "alpine",
        "plugin": "USIMS Student Backpack",
        "version": "1.0.0",
        "file": "alpine/data-exchange.json",
        "size": 3,
        "sha256": hashlib.sha256(b"{}\n").hexdigest(),
    }


def test_sha256sums_covers_the_artifacts_and_the_manifest(tmp_path: Path) -> None:
    alpine = _artifact(tmp_path, "alpine/x.zip", b"zip bytes")
    write_manifest(tmp_path, [alpine])

    lines = (tmp_path / "SHA256SUMS").read_text().splitlines()

    assert lines == [
        f"{alpine.sha256}  alpine/x.zip",
        f"{hashlib.sha256((tmp_path / 'manifest.json').read_bytes()).hexdigest()}  manifest.json",
    ]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs GNU sha256sum")
def test_sha256sum_checks_the_folder(tmp_path: Path) -> None:
    artifacts = [
        _artifact(tmp_path, "alpine/x.zip", b"a"),
        _artifact(tmp_path, "box elder/setup-sheet.html", b"b"),
    ]
    write_manifest(tmp_path, artifacts)

    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr

    (tmp_path / "alpine" / "x.zip").write_bytes(b"changed")
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True)
    assert check.returncode == 1


def test_names_with_a_backslash_are_escaped_as_sha256sum_expects() -> None:
    assert b"".join(sums_chunks([("a\\b", "00")])) == b"\\00  a\\\\b\n"


@given(
    st.text(min_size=1),
    st.text(min_size=1),
    st.text(),
    st.integers(min_value=0, max_value=2**40),
)
def test_each_manifest_line_is_the_artifact_as_sorted_json(
    file: str, plugin: str, version: str, size: int
) -> None:
    artifact = Artifact(file, "alpine", plugin, version, size, "ab" * 32)
    text = b"".join(manifest_chunks([artifact, artifact])).decode()

    line = json.dumps(artifact.as_dict(), sort_keys=True)
    assert text.splitlines()[2:4] == [f"    {line},", f"    {line}"]
    assert json.loads(text)["artifacts"] == [artifact.as_dict()] * 2


def test_an_artifact_crosses_a_pipe_unchanged() -> None:
    artifact = Artifact("alpine/x.zip", "alpine", "USIMS Backpack", "1.0.0", 3777, "ab" * 32)

    again = pickle.loads(pickle.dumps(artifact, protocol=pickle.HIGHEST_PROTOCOL))

    assert again == artifact and type(again) is Artifact
    assert again.as_dict() == artifact.as_dict()
