"""`build` end to end over a fake project: layout, incremental runs, shards, jobs and failures."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from generator.package.atomic import TEMP_PREFIX, build_lock
from generator.package.build import BuildRequest, UnknownDistrict, run_build, usable_cpus
from generator.package.incremental import STATE_NAME
from generator.package.index import INDEX_NAME
from generator.package.workers import WorkerFailed

from .fakes import FAKE_STAGES, make_project

DISTRICTS = {name: f"<p>{name}</p>\n" for name in ("alpine", "box-elder", "cache", "granite")}


def _build(root: Path, **options: object) -> object:
    return run_build(BuildRequest(project=root, **options), FAKE_STAGES)  # type: ignore[arg-type]


def _snapshot(out_dir: Path) -> dict[str, bytes]:
    """Every file in the output folder, the hidden state files included, less the stamps in
    them and the build index (sizes and modification times, which belong to this machine and
    moment)."""
    return {
        path.relative_to(out_dir).as_posix(): _without_stamps(path)
        for path in sorted(out_dir.rglob("*"))
        if path.is_file() and path.name not in (".lock", INDEX_NAME)
    }


def _without_stamps(path: Path) -> bytes:
    if path.name != STATE_NAME:
        return path.read_bytes()
    state = json.loads(path.read_text())
    state.pop("stamps", None)
    return json.dumps(state, sort_keys=True).encode()


def test_a_build_writes_each_districts_artifacts_and_the_manifest(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)

    result = run_build(BuildRequest(project=root), FAKE_STAGES)

    assert result.ok and result.count("built") == 4
    files = sorted(_snapshot(root / "dist"))
    assert "alpine/usims-backpack-alpine-1.0.0.zip" in files
    assert {"manifest.json", "SHA256SUMS", f"alpine/{STATE_NAME}"} <= set(files)
    manifest = json.loads((root / "dist" / "manifest.json").read_text())
    assert [a["file"] for a in manifest["artifacts"]][:4] == [
        "alpine/data-exchange.json",
        "alpine/setup-sheet.html",
        "alpine/setup-sheet.md",
        "alpine/usims-backpack-alpine-1.0.0.zip",
    ]
    assert len(manifest["artifacts"]) == result.manifest_artifacts == 16
    assert not any(STATE_NAME in a["file"] for a in manifest["artifacts"])


def test_unchanged_districts_are_skipped_and_force_rebuilds_the_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    run_build(BuildRequest(project=root), FAKE_STAGES)
    first = _snapshot(root / "dist")

    again = run_build(BuildRequest(project=root), FAKE_STAGES)
    assert (again.count("built"), again.count("unchanged")) == (0, 4)

    (root / "districts" / "cache.txt").write_text("<p>cache, changed</p>\n")
    changed = run_build(BuildRequest(project=root), FAKE_STAGES)
    assert [o.district for o in changed.outcomes if o.status == "built"] == ["cache"]

    (root / "districts" / "cache.txt").write_text(DISTRICTS["cache"])
    forced = run_build(BuildRequest(project=root, force=True), FAKE_STAGES)
    assert forced.count("built") == 4
    assert _snapshot(root / "dist") == first


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"tampered"), id="altered"),
        pytest.param(lambda p: p.unlink(), id="missing"),
    ],
)
def test_a_damaged_artifact_is_rebuilt(tmp_path: Path, damage: object) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    run_build(BuildRequest(project=root), FAKE_STAGES)
    first = _snapshot(root / "dist")

    damage(root / "dist" / "granite" / "setup-sheet.md")  # type: ignore[operator]
    result = run_build(BuildRequest(project=root), FAKE_STAGES)

    assert [o.district for o in result.outcomes if o.status == "built"] == ["granite"]
    assert _snapshot(root / "dist") == first


def test_a_changed_source_date_epoch_rebuilds(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    run_build(BuildRequest(project=root), FAKE_STAGES)

    result = run_build(BuildRequest(project=root, source_date_epoch=1700000000), FAKE_STAGES)

    assert result.count("built") == 4


def test_shards_together_equal_a_full_build_byte_for_byte(tmp_path: Path) -> None:
    full = make_project(tmp_path / "full", DISTRICTS)
    sharded = make_project(tmp_path / "sharded", DISTRICTS)
    run_build(BuildRequest(project=full), FAKE_STAGES)

    built = []
    for index in (1, 2, 3):
        result = run_build(BuildRequest(project=sharded, shard=(index, 3)), FAKE_STAGES)
        built.append({o.district for o in result.outcomes})

    assert set.union(*built) == set(DISTRICTS)
    assert sum(map(len, built)) == len(DISTRICTS)
    assert _snapshot(sharded / "dist") == _snapshot(full / "dist")


def test_parallel_jobs_write_the_same_bytes(tmp_path: Path) -> None:
    serial = make_project(tmp_path / "serial", DISTRICTS)
    parallel = make_project(tmp_path / "parallel", DISTRICTS)
    run_build(BuildRequest(project=serial), FAKE_STAGES)

    result = run_build(BuildRequest(project=parallel, jobs=2), FAKE_STAGES)

    assert [o.district for o in result.outcomes] == sorted(DISTRICTS)
    assert _snapshot(parallel / "dist") == _snapshot(serial / "dist")


def test_a_failing_district_keeps_its_earlier_artifacts_and_fails_the_build(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    run_build(BuildRequest(project=root), FAKE_STAGES)
    first = _snapshot(root / "dist")

    (root / "districts" / "alpine.txt").write_text("<p>alpine</p>\nerror\n")
    result = run_build(BuildRequest(project=root), FAKE_STAGES)

    assert not result.ok
    alpine = next(o for o in result.outcomes if o.district == "alpine")
    assert alpine.status == "failed" and [f.rule for f in alpine.findings] == ["fake-rule"]
    assert _snapshot(root / "dist") == first


def test_a_secret_in_a_rendered_file_stops_that_district_with_a_masked_finding(
    tmp_path: Path,
) -> None:
    canary = "canary-9fQ2xL7w"
    root = make_project(tmp_path / "p", {"alpine": f"secret: {canary}\n", "granite": "<p/>\n"})

    result = run_build(BuildRequest(project=root), FAKE_STAGES)

    alpine = next(o for o in result.outcomes if o.district == "alpine")
    assert alpine.status == "failed"
    finding = alpine.findings[0]
    assert finding.file == "alpine/usims-backpack-alpine-1.0.0.zip!web_root/admin/backpack.html"
    assert (finding.line, finding.rule) == (1, "secret-value")
    assert "ca****" in finding.message and canary not in finding.message
    assert not (root / "dist" / "alpine").exists()
    assert all(canary.encode() not in data for data in _snapshot(root / "dist").values())


def test_junk_is_left_out_with_a_warning_and_the_build_succeeds(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"alpine": "extra: web_root/.DS_Store\n"})

    result = run_build(BuildRequest(project=root), FAKE_STAGES)

    assert result.ok
    assert [f.rule for f in result.outcomes[0].findings] == ["package-junk"]


def test_a_new_version_replaces_the_old_zip(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"alpine": "<p/>\n"})
    run_build(BuildRequest(project=root), FAKE_STAGES)

    make_project(root, {"alpine": "<p/>\n"}, version="1.1.0")
    run_build(BuildRequest(project=root), FAKE_STAGES)

    zips = sorted(path.name for path in (root / "dist" / "alpine").glob("*.zip"))
    assert zips == ["usims-backpack-alpine-1.1.0.zip"]


def test_a_plugin_without_data_exchange_gets_no_data_exchange_json(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"alpine": "<p/>\n"})
    run_build(BuildRequest(project=root), FAKE_STAGES)

    (root / "districts" / "alpine.txt").write_text("no-exchange\n")
    run_build(BuildRequest(project=root), FAKE_STAGES)

    assert not (root / "dist" / "alpine" / "data-exchange.json").exists()
    assert "data-exchange" not in (root / "dist" / "SHA256SUMS").read_text()


def test_temporaries_of_a_killed_build_are_removed_and_never_listed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    (root / "dist" / "alpine").mkdir(parents=True)
    leftover = root / "dist" / "alpine" / f"{TEMP_PREFIX}x1-usims-backpack-alpine-1.0.0.zip"
    leftover.write_bytes(b"half a zip")

    run_build(BuildRequest(project=root), FAKE_STAGES)

    assert not leftover.exists()
    assert TEMP_PREFIX not in (root / "dist" / "SHA256SUMS").read_text()


def test_selected_districts_only_and_the_manifest_still_covers_dist(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    run_build(BuildRequest(project=root, districts=("granite",)), FAKE_STAGES)
    result = run_build(BuildRequest(project=root, districts=("alpine",)), FAKE_STAGES)

    assert [o.district for o in result.outcomes] == ["alpine"]
    sums = (root / "dist" / "SHA256SUMS").read_text()
    assert "alpine/" in sums and "granite/" in sums and "cache/" not in sums


def test_an_unknown_district_is_a_usage_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)

    with pytest.raises(UnknownDistrict, match="no district named tooele") as raised:
        run_build(BuildRequest(project=root, districts=("tooele",)), FAKE_STAGES)
    assert raised.value.exit_code == 2


def test_a_build_into_a_locked_folder_is_refused_before_writing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    out = tmp_path / "out"

    with build_lock(out), pytest.raises(Exception, match="another build is writing to"):
        run_build(BuildRequest(project=root, out_dir=out), FAKE_STAGES)
    assert os.listdir(out) == [".lock"]


def test_one_districts_secret_in_another_districts_files_stops_that_district_too(
    tmp_path: Path,
) -> None:
    canary = "canary-4kP9zQ2m"
    districts = {"alpine": f"secret: {canary}\n", "granite": f"<p>{canary}</p>\n"}
    root = make_project(tmp_path / "p", districts)

    result = run_build(BuildRequest(project=root), FAKE_STAGES)

    assert [o.status for o in result.outcomes] == ["failed", "failed"]
    granite = result.outcomes[1]
    assert [f.rule for f in granite.findings] == ["secret-value"]
    assert canary not in granite.findings[0].message


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_district_failing_its_check_stops_the_build_before_anything_is_written(
    tmp_path: Path, jobs: int
) -> None:
    root = make_project(tmp_path / "p", {**DISTRICTS, "cache": "invalid\n"})

    result = run_build(BuildRequest(project=root, districts=("alpine",), jobs=jobs), FAKE_STAGES)

    assert not result.ok and result.outcomes == []
    assert [(f.file, f.rule) for f in result.project_findings] == [
        ("districts/cache.txt", "fake-check")
    ]
    assert not (root / "dist").exists()


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_secret_of_a_district_built_by_another_worker_is_still_found(
    tmp_path: Path, jobs: int
) -> None:
    # Each worker checks some districts and builds others: the secret references of every
    # district reach every worker.
    canary = "canary-H7pQ2rZ9"
    pages = {name: "<p/>\n" for name in ("a", "b", "c", "d", "e", "f")}
    pages["a"] = f"secret: {canary}\n<p/>\n"
    pages["f"] = f"<p>{canary}</p>\n"
    root = make_project(tmp_path / "p", pages)

    result = run_build(BuildRequest(project=root, districts=("f",), jobs=jobs), FAKE_STAGES)

    [outcome] = result.outcomes
    assert outcome.status == "failed"
    assert [f.rule for f in outcome.findings] == ["secret-value"]


def _broken_render(project: object, district: str) -> object:
    raise RuntimeError("renderer bug")


def test_a_worker_that_fails_stops_the_build_with_its_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    stages = dataclasses.replace(FAKE_STAGES, render_district=_broken_render)

    with pytest.raises(WorkerFailed, match="a build worker failed: RuntimeError: renderer bug"):
        run_build(BuildRequest(project=root, jobs=2), stages)

    assert not list((root / "dist").rglob(f"{TEMP_PREFIX}*"))


def _dying_render(project: object, district: str) -> object:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def test_a_worker_that_dies_stops_the_build_with_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", DISTRICTS)
    stages = dataclasses.replace(FAKE_STAGES, render_district=_dying_render)

    with pytest.raises(WorkerFailed, match="a build worker stopped unexpectedly"):
        run_build(BuildRequest(project=root, jobs=2), stages)

    # The lock was released: the next build can run.
    assert _build(root).ok  # type: ignore[attr-defined]


def test_workers_that_cannot_fork_open_the_project_themselves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where processes cannot fork, each worker starts afresh and opens the project itself.
    serial = make_project(tmp_path / "serial", DISTRICTS)
    spawned = make_project(tmp_path / "spawned", DISTRICTS)
    run_build(BuildRequest(project=serial), FAKE_STAGES)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])

    result = run_build(BuildRequest(project=spawned, jobs=2), FAKE_STAGES)

    assert result.ok and result.count("built") == 4
    assert _snapshot(spawned / "dist") == _snapshot(serial / "dist")


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("max 100000\n", 2), ("150000 100000\n", 2), ("50000 100000\n", 1), ("garbage\n", 2)],
)
def test_a_container_cpu_quota_caps_the_default_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu_max: str, expected: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    (tmp_path / "cpu.max").write_text(cpu_max)

    assert usable_cpus(tmp_path / "cpu.max") == expected
    assert usable_cpus(tmp_path / "missing") == 2
