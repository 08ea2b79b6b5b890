"""`psplugin build` through the command line, on real projects made by `psplugin init`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.package.atomic import TEMP_PREFIX, build_lock

DISTRICT = """\
district:
  display_name: {title}
  lea_state_number: "{number:02d}"
  credentials:
    key: {{env: {env}_USIMS_KEY}}
    secret: {{env: {env}_USIMS_SECRET}}
"""


def make_project(root: Path, districts: int = 3) -> Path:
    """A USIMS Backpack project with districts d001, d002, ... in place of the sample."""
    subprocess.run(
        [sys.executable, "-m", "generator", "init", str(root)], check=True, capture_output=True
    )
    (root / "districts" / "sample.yaml").unlink()
    for number in range(1, districts + 1):
        name = f"d{number:03d}"
        text = DISTRICT.format(title=f"District {number}", number=number % 100, env=name.upper())
        (root / "districts" / f"{name}.yaml").write_text(text)
    return root


def psplugin(
    *args: str, env: dict[str, str] | None = None, umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        env=environment,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
        timeout=600,
    )


def digests(out_dir: Path) -> dict[str, str]:
    """sha256 of every file the manifest or SHA256SUMS could list."""
    return {
        path.relative_to(out_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out_dir.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def everything_in(out_dir: Path) -> list[tuple[str, bytes]]:
    """Every file in the folder, and every entry of every zip in it, uncompressed."""
    found = []
    for path in sorted(out_dir.rglob("*")):
        if path.is_file():
            found.append((str(path), path.read_bytes()))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as opened:
                found.extend((f"{path}!{name}", opened.read(name)) for name in opened.namelist())
    return found


def sha256sum_check(out_dir: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("needs GNU sha256sum")
    check = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=out_dir, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_two_copies_built_apart_give_identical_artifacts(tmp_path: Path) -> None:
    first = make_project(tmp_path / "first")
    second = make_project(tmp_path / "second")
    for path in second.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))  # 2001: other modification times

    one = psplugin("build", str(first), umask=0o022, env={"TZ": "UTC"})
    time.sleep(1.1)  # a timestamp taken from the clock would now differ by a second
    two = psplugin("build", str(second), umask=0o077, env={"TZ": "America/Denver"})

    assert one.returncode == 0, one.stdout + one.stderr
    assert two.returncode == 0, two.stdout + two.stderr
    assert digests(first / "dist") == digests(second / "dist")
    assert len(digests(first / "dist")) == 3 * 4 + 2
    sha256sum_check(first / "dist")
    sha256sum_check(second / "dist")


def test_source_date_epoch_sets_the_zip_timestamps(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=1)

    result = psplugin("build", str(root), env={"SOURCE_DATE_EPOCH": "1700000000"})

    assert result.returncode == 0, result.stderr
    (archive,) = (root / "dist" / "d001").glob("*.zip")
    with zipfile.ZipFile(archive) as opened:
        assert opened.namelist()[0] != "" and "plugin.xml" in opened.namelist()
        assert opened.namelist() == sorted(opened.namelist())
        assert {info.date_time for info in opened.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert not [name for name in opened.namelist() if name.endswith("/") or "\\" in name]


def test_every_zip_passes_the_rule_engine_without_a_finding(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=2)
    assert psplugin("build", str(root)).returncode == 0

    from generator.rules import check_tree
    from generator.rules.readers import read_plugin

    for archive in sorted((root / "dist").glob("*/*.zip")):
        read = read_plugin(archive)
        findings = [*read.findings, *check_tree(read.tree)]
        assert findings == [], archive
        assert "plugin.xml" in read.tree.files


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_killed_build_leaves_no_partial_file_and_the_rerun_completes(
    tmp_path: Path, jobs: str
) -> None:
    root = make_project(tmp_path / "p", districts=200)
    out = root / "dist"
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    build = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", str(root), "--jobs", jobs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    deadline = time.monotonic() + 300
    # Killed as soon as a few districts are written: workers build a district in about a
    # millisecond, and the kill must land while most are still to come.
    while len(list(out.glob("*/.build-state.json"))) < 5 and build.poll() is None:
        assert time.monotonic() < deadline, "the build wrote nothing"
        time.sleep(0.002)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert build.returncode == -signal.SIGKILL, "the build ended before it could be killed"

    # Every artifact under its own name is whole; what a killed write leaves is only ever under a
    # hidden temporary name, which the next build removes.
    artifacts = [p for p in out.glob("*/*") if not p.name.startswith(TEMP_PREFIX)]
    for archive in (p for p in artifacts if p.suffix == ".zip"):
        with zipfile.ZipFile(archive) as opened:
            assert opened.testzip() is None
    for document in (p for p in artifacts if p.name == "data-exchange.json"):
        json.loads(document.read_text())
    for sheet in (p for p in artifacts if p.name == "setup-sheet.html"):
        assert sheet.read_text().endswith("</html>\n")

    rerun = psplugin("build", str(root))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert not list(out.rglob(f"{TEMP_PREFIX}*"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert len({artifact["district"] for artifact in manifest["artifacts"]}) == 200
    sha256sum_check(out)


def test_secret_values_never_reach_dist_or_the_output(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=2)
    canaries = {
        "D001_USIMS_KEY": "canary-key-7Hq2Lw9x",
        "D001_USIMS_SECRET": "canary-secret-Mz4p8K",
    }

    clean = psplugin("build", str(root), "--format", "json", env=canaries)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    good = digests(root / "dist")

    (root / "templates" / "fragments").mkdir(parents=True, exist_ok=True)
    leaked = root / "templates" / "fragments" / "report_link.html"
    leaked.write_text(f"<p>\nsee {canaries['D001_USIMS_SECRET']}\n</p>\n")
    stopped = psplugin("build", str(root), env=canaries)

    assert stopped.returncode == 1
    output = clean.stdout + clean.stderr + stopped.stdout + stopped.stderr
    assert "ca****" in stopped.stdout and "report_link" in stopped.stdout
    assert "secret-value" in stopped.stdout
    for value in canaries.values():
        assert value not in output
        assert not [name for name, data in everything_in(root / "dist") if value.encode() in data]
    assert digests(root / "dist") == good


def test_shards_built_into_one_folder_equal_a_full_build(tmp_path: Path) -> None:
    full = make_project(tmp_path / "full", districts=5)
    sharded = make_project(tmp_path / "sharded", districts=5)

    assert psplugin("build", str(full)).returncode == 0
    for shard in ("1/2", "2/2"):
        assert psplugin("build", str(sharded), "--shard", shard).returncode == 0

    assert digests(sharded / "dist") == digests(full / "dist")


def test_json_summary_and_a_no_change_rebuild(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=2)
    runner = CliRunner()

    first = runner.invoke(cli, ["build", str(root), "--format", "json", "--jobs", "2"])
    second = runner.invoke(cli, ["build", str(root)])

    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    assert (document["built"], document["unchanged"], document["failed"]) == (2, 0, 0)
    assert [d["district"] for d in document["districts"]] == ["d001", "d002"]
    assert second.exit_code == 0
    assert second.output.startswith("built 0 districts, 2 unchanged, into ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--shard", "3/2"], "I must be between 1 and N", id="shard-out-of-range"),
        pytest.param(["--shard", "two"], "not of the form I/N", id="shard-malformed"),
        pytest.param(["--district", "tooele"], "no district named tooele", id="unknown-district"),
        pytest.param(["--jobs", "-1"], "--jobs", id="negative-jobs"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    root = make_project(tmp_path / "p", districts=1)

    result = CliRunner().invoke(cli, ["build", str(root), *args])

    assert result.exit_code == 2
    assert message in result.output


def test_a_bad_source_date_epoch_is_a_usage_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=1)

    result = psplugin("build", str(root), env={"SOURCE_DATE_EPOCH": "yesterday"})

    assert result.returncode == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr


def test_a_second_build_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=1)

    with build_lock(root / "dist"):
        result = psplugin("build", str(root))

    assert result.returncode == 1
    assert f"another build is writing to {root / 'dist'}" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_invalid_project_is_reported_and_nothing_is_built(tmp_path: Path, jobs: str) -> None:
    root = make_project(tmp_path / "p", districts=3)
    (root / "districts" / "d001.yaml").write_text('district:\n  lea_state_number: "x1"\n')

    result = psplugin("build", str(root), "--district", "d002", "--jobs", jobs)

    assert result.returncode == 1
    assert "d001.yaml:2:" in result.stdout
    assert "build stopped" in result.stdout
    assert not (root / "dist").exists()


def test_a_no_change_rebuild_skips_loading_and_an_edit_rebuilds(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", districts=3)
    assert psplugin("build", str(root)).returncode == 0
    before = digests(root / "dist")

    again = psplugin("build", str(root), "--format", "json")

    assert again.returncode == 0
    assert {d["status"] for d in json.loads(again.stdout)["districts"]} == {"unchanged"}
    assert digests(root / "dist") == before

    # An edit that breaks one district is caught: the quick path gives way to a full check.
    (root / "districts" / "d002.yaml").write_text("district: {display_name: [\n")
    broken = psplugin("build", str(root), "--district", "d001")
    assert broken.returncode == 1
    assert "yaml.syntax" in broken.stdout + broken.stderr


def test_log_messages_show_from_the_level_asked_for(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", districts=2)
    out = tmp_path / "dist"
    build = ("build", str(project), "--out", str(out), "--district", "d001")
    assert psplugin("build", str(project), "--out", str(out)).returncode == 0
    # An artifact changed by hand in a district this run does not build: a warning.
    (out / "d002" / "setup-sheet.md").write_text("edited\n")
    left = out / "d001" / f"{TEMP_PREFIX}1-0-left.zip"  # as a killed build leaves it

    left.write_bytes(b"partial")
    quiet = psplugin(*build)
    left.write_bytes(b"partial")
    verbose = psplugin("-v", *build)

    warning = f"WARNING generator.package.build: {out}/d002 was changed after it was built"
    removed = "INFO generator.package.atomic: removed 1 temporary file(s) left in"
    assert quiet.returncode == 0 and verbose.returncode == 0
    assert warning in quiet.stderr and "INFO" not in quiet.stderr
    assert warning in verbose.stderr and removed in verbose.stderr
    assert not left.exists()


def test_workers_give_each_district_its_own_plugin_when_a_template_reads_it(
    tmp_path: Path,
) -> None:
    # Districts share every part of the plugin's source but their own section: the plugin is
    # made once per worker, except where a template reads that section.
    root = make_project(tmp_path / "p", districts=60)
    (root / "templates" / "fragments").mkdir(parents=True)
    (root / "templates" / "fragments" / "report_link.html").write_text(
        "<li>{{ district.display_name }}</li>\n"
    )
    fragment = "web_root/admin/home.usims_backpack_report_link.leftnav.footer.txt"

    result = psplugin("build", str(root), "--jobs", "2")

    assert result.returncode == 0, result.stderr
    seen = {}
    for number in range(1, 61):
        name = f"d{number:03d}"
        with zipfile.ZipFile(root / "dist" / name / f"usims-backpack-{name}-1.0.0.zip") as opened:
            seen[name] = opened.read(fragment).decode()
    assert seen == {f"d{number:03d}": f"<li>District {number}</li>\n" for number in range(1, 61)}
