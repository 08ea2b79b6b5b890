"""The inputs digest and the recorded state that let unchanged districts be skipped."""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.package.incremental import (
    STATE_NAME,
    DigestCache,
    DistrictState,
    artifacts_intact,
    inputs_digest,
    read_state,
    write_state,
)
from generator.package.manifest import Artifact


def _digest(root: Path, district: str = "alpine", epoch: int | None = None) -> str:
    files = [root / "psplugin.yaml", root / "districts" / f"{district}.yaml"]
    return inputs_digest(district, files, root, DigestCache(), {"source_date_epoch": epoch})


def _project(root: Path) -> Path:
    (root / "districts").mkdir(parents=True)
    (root / "psplugin.yaml").write_text("plugin: {name: Backpack}\n")
    (root / "districts" / "alpine.yaml").write_text("lea_state_number: '01'\n")
    (root / "districts" / "granite.yaml").write_text("lea_state_number: '01'\n")
    return root


def test_the_digest_follows_the_inputs_bytes_district_and_options(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    before = _digest(root)

    assert _digest(root) == before
    assert _digest(root, "granite") != before
    assert _digest(root, epoch=1700000000) != before
    (root / "psplugin.yaml").write_text("plugin: {name: Backpack 2}\n")
    assert _digest(root) != before


def test_the_digest_is_the_same_in_another_checkout(tmp_path: Path) -> None:
    assert _digest(_project(tmp_path / "one")) == _digest(_project(tmp_path / "two"))


def test_the_digest_does_not_depend_on_the_order_of_the_files(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    files = [root / "psplugin.yaml", root / "districts" / "alpine.yaml"]
    options = {"source_date_epoch": None}

    forward = inputs_digest("alpine", files, root, DigestCache(), options)
    backward = inputs_digest("alpine", files[::-1], root, DigestCache(), options)
    assert forward == backward


def test_a_missing_input_changes_the_digest(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    before = _digest(root)
    (root / "districts" / "alpine.yaml").unlink()

    assert _digest(root) != before


def test_state_round_trips_and_garbage_is_ignored(tmp_path: Path) -> None:
    artifact = Artifact("alpine/x.zip", "alpine", "Backpack", "1.0", 3, "ab" * 32)
    write_state(tmp_path, DistrictState("d" * 64, (artifact,)))

    assert read_state(tmp_path) == DistrictState("d" * 64, (artifact,))
    (tmp_path / STATE_NAME).write_text("{not json")
    assert read_state(tmp_path) is None
    (tmp_path / STATE_NAME).write_text('{"inputs": "x", "artifacts": [{"file": 1}]}')
    assert read_state(tmp_path) is None
    assert read_state(tmp_path / "missing") is None


def test_artifacts_are_intact_only_with_their_recorded_size_and_digest(tmp_path: Path) -> None:
    (tmp_path / "alpine").mkdir()
    (tmp_path / "alpine" / "x.zip").write_bytes(b"abc")
    digest = hashlib.sha256(b"abc").hexdigest()
    artifact = Artifact("alpine/x.zip", "alpine", "Backpack", "1.0", 3, digest)

    assert artifacts_intact(tmp_path, [artifact])
    (tmp_path / "alpine" / "x.zip").write_bytes(b"abd")
    assert not artifacts_intact(tmp_path, [artifact])
    (tmp_path / "alpine" / "x.zip").unlink()
    assert not artifacts_intact(tmp_path, [artifact])


def test_an_artifact_with_its_recorded_stamp_is_not_read_again(tmp_path: Path) -> None:
    (tmp_path / "alpine").mkdir()
    path = tmp_path / "alpine" / "x.zip"
    path.write_bytes(b"abc")
    artifact = Artifact("alpine/x.zip", "alpine", "Backpack", "1.0", 3, "0" * 64)
    stat = path.stat()

    # The digest recorded here is wrong on purpose: with a matching stamp it is not consulted.
    assert artifacts_intact(tmp_path, [artifact], {"alpine/x.zip": (3, stat.st_mtime_ns)})
    assert not artifacts_intact(tmp_path, [artifact], {"alpine/x.zip": (3, stat.st_mtime_ns + 1)})
    assert not artifacts_intact(tmp_path, [artifact])


def test_the_state_keeps_the_stamps(tmp_path: Path) -> None:
    artifact = Artifact("alpine/x.zip", "alpine", "Backpack", "1.0", 3, "d" * 64)
    write_state(tmp_path, DistrictState("d" * 64, (artifact,), {"alpine/x.zip": (3, 17)}))

    state = read_state(tmp_path)

    assert state is not None and state.stamps == {"alpine/x.zip": (3, 17)}
