"""How `psplugin build` scales: time against the floor of writing the same bytes with zipfile
alone, peak memory at 1,000 districts against 100, and a no-change rebuild against a full build.

    .venv/bin/python benchmarks/build_bench.py [--districts 1000] [--small 100] [--jobs 0]
        [--scratch DIR]

The floor ends as a build does, with everything it wrote flushed to disk; its time before the
flush is printed too. Beside the whole times, the script prints what the districts themselves
cost: each time less that of the same build of a project with a single district (starting
Python, loading the libraries and templates, opening the project, writing the manifest), which
the floor, timed inside this process, never pays.

Each build runs in a child process; its peak memory is the ru_maxrss that wait4 reports, which
covers the child and the workers it waited for. The children run from compiled bytecode, as an
installed package does (pip compiles it at install), even where PYTHONDONTWRITEBYTECODE is set:
they keep it under the benchmark's scratch folder. Targets missed are named; with --strict they
also make the exit status 1.

It also times the least any no-change rebuild costs: starting Python and loading Click, which
every command pays, then reading the build index and one stat of each file it lists. When that
comes to a tenth of 1.5 times the floor, the floor and no-change targets cannot both be met on
this machine and file system, and the script says so.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from generator.package.index import INDEX_NAME

RUNS = 5
TARGET_FLOOR_RATIO = 1.5
TARGET_MEMORY_RATIO = 1.2
TARGET_REBUILD_RATIO = 0.1

DISTRICT = """\
district:
  display_name: District {number}
  lea_state_number: "{lea:03d}"
  credentials:
    key: {{env: {env}_USIMS_KEY}}
    secret: {{env: {env}_USIMS_SECRET}}
"""


def make_project(root: Path, districts: int) -> Path:
    subprocess.run(
        [sys.executable, "-m", "generator", "init", str(root)], check=True, capture_output=True
    )
    (root / "districts" / "sample.yaml").unlink()
    for number in range(1, districts + 1):
        name = f"d{number:04d}"
        text = DISTRICT.format(number=number, lea=number % 1000, env=name.upper())
        (root / "districts" / f"{name}.yaml").write_text(text)
    return root


def child_environment(bytecode: Path) -> dict[str, str]:
    """The environment of every timed child: no SOURCE_DATE_EPOCH, bytecode kept in `bytecode`."""
    unset = ("SOURCE_DATE_EPOCH", "PYTHONDONTWRITEBYTECODE")
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    environment["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return environment


def district_secrets(districts: int) -> dict[str, str]:
    """A key and a secret for every district, as a CI job that holds them all would have them."""
    values = {}
    for number in range(1, districts + 1):
        env = f"D{number:04d}"
        values[f"{env}_USIMS_KEY"] = secrets.token_hex(8)
        values[f"{env}_USIMS_SECRET"] = secrets.token_urlsafe(24)
    return values


def run_child(command: list[str], environment: dict[str, str], what: str) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{what} failed with exit status {code}")
    return seconds, usage.ru_maxrss


def run_build(
    root: Path, jobs: int, *extra: str, more_environment: dict[str, str] | None = None
) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one `psplugin build` in a child process."""
    environment = child_environment(root.parent / "bytecode") | (more_environment or {})
    command = [sys.executable, "-m", "generator", "-q", "build", str(root), "--jobs", str(jobs)]
    return run_child([*command, *extra], environment, f"build of {root}")


def look_seconds(dist: Path) -> tuple[int, float]:
    """How many files a no-change rebuild of `dist` looks at (those its build index lists), and
    the time, in this process, of reading the index and one os.stat of each, best of the runs."""

    def once() -> tuple[int, float]:
        started = time.perf_counter()
        document = json.loads((dist / INDEX_NAME).read_bytes())
        paths = [*document["inputs"], *(f"{dist}/{name}" for name in document["outputs"])]
        # One stat each; an input recorded as absent (a templates/ folder) may still be absent.
        for path in paths:
            os.path.exists(path)
        return len(paths), time.perf_counter() - started

    runs = [once() for _ in range(RUNS)]
    return runs[0][0], min(seconds for _, seconds in runs)


def startup_seconds(scratch: Path) -> float:
    """Wall seconds of starting Python and loading Click, the least any psplugin command costs
    (a no-change rebuild included), best of the runs."""
    environment = child_environment(scratch / "bytecode")
    command = [sys.executable, "-c", "import click"]
    return min(run_child(command, environment, "loading Click")[0] for _ in range(RUNS))


def floor_seconds(
    dist: Path, scratch: Path, settle: Callable[[], None] = lambda: None
) -> tuple[float, float]:
    """Time to write every artifact of `dist` again into the empty folder `scratch` (the district
    folders, the zips through zipfile, the other files as they are, and nothing else), and that
    time with the flush to disk that a build makes before its manifest."""
    zips: list[tuple[Path, list[tuple[zipfile.ZipInfo, bytes]]]] = []
    plain: list[tuple[Path, bytes]] = []
    for path in sorted(dist.glob("*/*")):
        if path.name.startswith("."):
            continue
        target = scratch / path.relative_to(dist)
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                zips.append((target, [(i, archive.read(i)) for i in archive.infolist()]))
        else:
            plain.append((target, path.read_bytes()))
    folders = sorted({target.parent for target, _ in [*zips, *plain]})
    scratch.mkdir()
    settle()

    started = time.perf_counter()
    for folder in folders:
        folder.mkdir()
    for target, entries in zips:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, content in entries:
                archive.writestr(info, content)
    for target, content in plain:
        target.write_bytes(content)
    written = time.perf_counter() - started
    os.sync()
    return written, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=0, help="--jobs for build; 0: one per CPU")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--scratch",
        type=Path,
        help="where the projects and outputs go (default: the system's temporary folder); "
        "a folder on a memory file system, such as /dev/shm, leaves the disk out of every figure",
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(
        prefix="psplugin-build-bench-", dir=options.scratch
    ) as scratch:
        base = Path(scratch)
        large = make_project(base / "large", options.districts)
        small = make_project(base / "small", options.small)
        single = make_project(base / "single", 1)
        # An untimed build first, which compiles every module a build loads.
        run_build(single, options.jobs, "--out", str(base / "warm-up"))

        # Each time is the best of five runs, the one least disturbed by the rest of the machine.
        # Every full build and every floor run writes into a folder of its own that nothing has
        # used before, and they take turns, so that both meet the file system in the same state:
        # nothing is deleted until the end (removing thousands of files keeps the file system's
        # journal busy for a while after).
        # Each also starts with nothing waiting to be written back from the run before it
        # (os.sync), so that neither pays for the other's writes.
        fulls, floors = [], []
        for run in range(RUNS):
            os.sync()
            fulls.append(run_build(large, options.jobs, "--out", str(base / f"dist{run}")))
            os.sync()
            floors.append(floor_seconds(base / "dist0", base / f"floor{run}", settle=os.sync))
        full, large_rss = min(fulls)
        floor_written = min(written for written, _ in floors)
        floor = min(flushed for _, flushed in floors)
        last = base / f"dist{RUNS - 1}"
        if not (last / INDEX_NAME).is_file():
            raise SystemExit(f"the last full build left no {INDEX_NAME}")
        os.sync()
        rebuild = min(run_build(large, options.jobs, "--out", str(last))[0] for _ in range(RUNS))
        looked_at, look = look_seconds(last)
        # The same with the index removed each time, as after a fresh checkout, whose files all
        # have new modification times: the build then goes by the files' content.
        by_content = []
        for _ in range(RUNS):
            (last / INDEX_NAME).unlink()
            by_content.append(run_build(large, options.jobs, "--out", str(last))[0])
        _, small_rss = run_build(small, options.jobs)
        # Every file is searched for every configured secret value: a full build again, with all
        # districts' keys and secrets in the environment.
        configured = district_secrets(options.districts)
        with_secrets = min(
            run_build(
                large,
                options.jobs,
                "--out",
                str(base / f"secrets{run}"),
                more_environment=configured,
            )[0]
            for run in range(RUNS)
        )
        # What any build costs before and after its districts: starting Python, loading the
        # libraries, reading the project, the flush and the manifest; and what a no-change
        # rebuild costs whatever the number of districts.
        fixed = min(
            run_build(single, options.jobs, "--out", str(base / f"single{run}"))[0]
            for run in range(RUNS)
        )
        single_rebuild = min(
            run_build(single, options.jobs, "--out", str(base / "single0"))[0] for _ in range(RUNS)
        )
        startup = startup_seconds(base)

    floor_ratio = full / floor
    memory_ratio = large_rss / small_rss
    rebuild_ratio = rebuild / full
    districts_cost = full - fixed
    print(f"build of {options.districts} districts (--jobs {options.jobs}): {full:.2f} s")
    print(f"  a build of 1 district: {fixed:.2f} s")
    print(f"  with every district's key and secret in the environment: {with_secrets:.2f} s")
    print(
        "floor (the same folders and bytes, the zips made with zipfile alone, flushed to disk "
        f"as a build leaves them): {floor:.2f} s; {floor_written:.2f} s before the flush"
    )
    print(
        f"  ratio {floor_ratio:.2f} (target <= {TARGET_FLOOR_RATIO}); against the floor before "
        f"its flush: {full / floor_written:.2f}"
    )
    print(
        f"  what the {options.districts} districts add to a build of 1: {districts_cost:.2f} s, "
        f"{districts_cost / floor:.2f} times the floor"
    )
    print(
        f"peak memory: {large_rss / 1024:.1f} MiB at {options.districts} districts, "
        f"{small_rss / 1024:.1f} MiB at {options.small}"
    )
    print(f"  ratio {memory_ratio:.2f} (target <= {TARGET_MEMORY_RATIO})")
    print(f"no-change rebuild: {rebuild:.3f} s; of 1 district: {single_rebuild:.3f} s")
    print(f"  ratio {rebuild_ratio:.3f} (target < {TARGET_REBUILD_RATIO})")
    print(
        "  what the districts add to a no-change rebuild of 1, against what they add to a "
        f"full build: {(rebuild - single_rebuild) / districts_cost:.3f}"
    )
    # A no-change rebuild starts Python and loads Click like any command, and looks at every
    # file it depends on: with both time targets, that must stay under a tenth of 1.5 times the
    # floor.
    joint = TARGET_REBUILD_RATIO * TARGET_FLOOR_RATIO * floor
    least = startup + look
    print(
        f"the least a no-change rebuild costs: {least:.3f} s (starting Python and loading Click "
        f"{startup:.3f} s; reading the build index and looking at the {looked_at} files it lists, "
        f"in this process, {look:.3f} s)"
    )
    print(
        "  both time targets together ask for a no-change rebuild under "
        f"{TARGET_REBUILD_RATIO} x {TARGET_FLOOR_RATIO} x the floor = {joint:.3f} s"
    )
    if least >= joint:
        print(
            "  so here no build on Python and Click can meet both: one fast enough for the "
            "floor target makes even the least no-change rebuild more than a tenth of it"
        )
    content = min(by_content)
    print(f"no-change rebuild going by content (no build index): {content:.2f} s")
    print(f"  ratio {content / full:.3f}")

    missed = [
        name
        for name, miss in (
            ("floor", floor_ratio > TARGET_FLOOR_RATIO),
            ("memory", memory_ratio > TARGET_MEMORY_RATIO),
            ("no-change rebuild", rebuild_ratio >= TARGET_REBUILD_RATIO),
        )
        if miss
    ]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    return 1 if missed and options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
