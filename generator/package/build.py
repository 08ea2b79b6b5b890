"""`build` from start to end: choose the districts, build them (in parallel when asked), and
describe what dist/ holds in manifest.json and SHA256SUMS."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import PspluginError
from generator.findings import Finding, has_errors, sort_findings
from generator.log import get_log
from generator.package.atomic import build_lock, file_mode, remove_temporaries
from generator.package.index import (
    INDEX_NAME,
    BuildIndex,
    IndexKey,
    current_index,
    index_key,
    remove_index,
    write_index,
)
from generator.package.manifest import (
    MANIFEST_NAME,
    SUMS_NAME,
    Artifact,
    read_manifest,
    write_manifest,
)
from generator.package.outcome import BuildSettings, DistrictOutcome
from generator.package.shard import select_shard
from generator.stamps import Stamp, file_stamp

if TYPE_CHECKING:
    from generator.package.stages import Stages

log = get_log(__name__)


# With --jobs 0, each worker process gets at least this many districts to check.
DISTRICTS_PER_WORKER = 25


class UnknownDistrict(PspluginError):
    """`--district` names a district the project does not have: a usage error."""

    exit_code = 2


class BuildRequest(NamedTuple):
    """What the user asked `build` for."""

    project: Path
    out_dir: Path | None = None
    districts: tuple[str, ...] = ()
    shard: tuple[int, int] | None = None
    jobs: int = 1
    force: bool = False
    source_date_epoch: int | None = None
    # Whether each district's outcome lists its artifacts even when nothing was rebuilt (the
    # machine summary shows them; the summary line only counts them).
    list_artifacts: bool = True


@dataclass
class BuildResult:
    """The outcome of every selected district, and what the manifest lists."""

    out_dir: Path
    outcomes: list[DistrictOutcome] = field(default_factory=list)
    manifest_artifacts: int = 0
    project_findings: list[Finding] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def ok(self) -> bool:
        return not self.project_findings and self.count("failed") == 0


Progress = Callable[[DistrictOutcome], None]


def run_build(
    request: BuildRequest,
    stages: Stages | None = None,
    on_start: Callable[[int], None] | None = None,
    on_district: Progress | None = None,
) -> BuildResult:
    """Build the selected districts into the output folder and rewrite its manifest."""
    out_dir = request.out_dir or request.project / "dist"
    settings = BuildSettings(out_dir, request.force, request.source_date_epoch, file_mode())
    key = index_key(request.project, out_dir, settings.output_options(), time.time_ns())
    quick = None if request.force else _unchanged_by_index(request, settings, key)
    if quick is not None:
        return quick
    # Past the build index: what a build with anything to look at needs.
    from generator.package.stages import default_stages

    stages = stages or default_stages()
    quick = None if request.force else _when_nothing_changed(request, stages, settings, key)
    if quick is not None:
        return quick
    try:
        project = stages.open_project(request.project)
    except PspluginError as error:
        findings = getattr(error, "findings", None)
        if not isinstance(findings, list):
            raise
        return BuildResult(out_dir, project_findings=findings)

    # What only a build with work to do needs is imported here, not at the top: a build in
    # which nothing changed answers from the index in a fraction of the time.
    from generator.package.incremental import sheet_template_stamps
    from generator.package.workers import Runner

    names = project.district_names
    selected = select_districts(names, request)
    # Stamped before any worker reads them: see the build index.
    inputs = {**project.shared_input_stamps(), **sheet_template_stamps()}
    if request.jobs > 0:
        workers = min(request.jobs, len(names))
    else:
        # One per CPU, but no worker for fewer districts than it takes to pay for its start.
        workers = min(usable_cpus(), len(names) // DISTRICTS_PER_WORKER)
    if workers > 1:
        from generator.package.pool import WorkerPool

        runner: Runner = WorkerPool(project, stages, settings, names, selected, workers)
    else:
        runner = Runner(project, stages, settings, names, selected)
    try:
        # Every district is checked, not only those selected: one broken file stops the build,
        # whichever districts it asked for, before anything is written.
        findings = runner.check()
        if has_errors(findings):
            return BuildResult(out_dir, project_findings=sort_findings(set(findings)))
        result = BuildResult(out_dir)
        with build_lock(out_dir):
            remove_index(out_dir)
            _remove_leftovers(out_dir, names)
            if on_start is not None:
                on_start(len(selected))
            try:
                for outcome in runner.build():
                    result.outcomes.append(outcome)
                    if on_district is not None:
                        on_district(outcome)
            finally:
                # No worker may still be writing once the lock is released.
                runner.close()
            result.outcomes.sort(key=lambda outcome: outcome.district)
            # The runner flushed what it built, so the artifacts are on disk before the manifest
            # that vouches for them.
            result.manifest_artifacts = write_manifest(
                out_dir, collect_artifacts(out_dir, names, result.outcomes), settings.file_mode
            )
            if result.ok and len(selected) == len(names):
                inputs.update(runner.input_stamps)
                _write_index(
                    settings, key, names, inputs, result.outcomes, result.manifest_artifacts
                )
        return result
    finally:
        runner.close()


def usable_cpus(cgroup: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The CPUs this process may use: those it is allowed to run on, and no more than a
    container's CPU quota (cgroup v2), which CI runners often set below what the machine has."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        quota, period = cgroup.read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return cpus


def _unchanged_by_index(
    request: BuildRequest, settings: BuildSettings, key: IndexKey
) -> BuildResult | None:
    """The result of a build in which nothing changed, told from the build index alone: every
    file the last complete build read and wrote still has the size and modification time it
    had. None when anything differs."""
    out_dir = settings.out_dir
    if not (out_dir / INDEX_NAME).is_file():
        return None
    with build_lock(out_dir):
        index = current_index(out_dir, key)
        if index is None:
            return None
        by_district: dict[str, list[Artifact]] = {}
        if request.list_artifacts:
            artifacts = read_manifest(out_dir)
            if artifacts is None:
                return None
            for artifact in artifacts:
                by_district.setdefault(artifact.district, []).append(artifact)
        outcomes = [
            DistrictOutcome(district, "unchanged", [], by_district.get(district, []))
            for district in select_districts(index.districts, request)
        ]
        return BuildResult(out_dir, outcomes, manifest_artifacts=index.manifest_artifacts)


def _write_index(
    settings: BuildSettings,
    key: IndexKey,
    districts: Sequence[str],
    inputs: dict[str, Stamp | None],
    outcomes: Sequence[DistrictOutcome],
    manifest_artifacts: int,
) -> None:
    """Record what this build, which covered every district and found no problem, read and
    left in the output folder."""
    outputs: dict[str, Stamp] = {}
    for outcome in outcomes:
        outputs.update(outcome.stamps)
    for name in (MANIFEST_NAME, SUMS_NAME):
        stamp = file_stamp(settings.out_dir / name)
        if stamp is None:
            return
        outputs[name] = stamp
    index = BuildIndex(dict(key.fields), tuple(districts), inputs, outputs, manifest_artifacts)
    write_index(settings.out_dir, index, key.started_ns, settings.file_mode)


def _when_nothing_changed(
    request: BuildRequest, stages: Stages, settings: BuildSettings, key: IndexKey
) -> BuildResult | None:
    """The result of a build in which no district of the project changed since its last good
    build, found without parsing or checking the project (what was built was valid, and its
    inputs are the same bytes); None as soon as anything differs, for a full build to follow."""
    if not (settings.out_dir / MANIFEST_NAME).is_file():
        return None  # never built here, or the last build did not finish
    project = stages.skim_project(request.project) if stages.skim_project else None
    if project is None or not project.district_names:
        return None
    try:
        selected = set(select_districts(project.district_names, request))
    except PspluginError:
        return None
    from generator.package.district import check_unchanged
    from generator.package.incremental import DigestCache, sheet_template_stamps

    inputs = {**project.shared_input_stamps(), **sheet_template_stamps()}
    cache = DigestCache(project.file_digests())
    outcomes = []
    outputs: list[DistrictOutcome] = []
    # Every district counts, not only those selected: a full load fails on any broken one.
    for district in project.district_names:
        seen: dict[str, Stamp] = {}
        _, previous, unchanged = check_unchanged(project, district, settings, cache, seen)
        if not unchanged or previous is None:
            return None
        inputs.update(project.input_stamps(district))
        outcome = DistrictOutcome(district, "unchanged", [], list(previous.artifacts))
        outcome.stamps = seen
        outputs.append(outcome)
        if district in selected:
            outcomes.append(outcome)

    result = BuildResult(settings.out_dir, outcomes)
    with build_lock(settings.out_dir):
        result.manifest_artifacts = write_manifest(
            settings.out_dir,
            collect_artifacts(settings.out_dir, project.district_names, outcomes),
            settings.file_mode,
        )
        _write_index(
            settings, key, project.district_names, inputs, outputs, result.manifest_artifacts
        )
    return result


def select_districts(names: Sequence[str], request: BuildRequest) -> list[str]:
    """The districts this run builds: those named (or all), then this shard of them."""
    known = list(names)
    if request.districts:
        unknown = sorted(set(request.districts) - set(known))
        if unknown:
            raise UnknownDistrict(
                f"no district named {', '.join(unknown)} in {request.project}",
                tip=f"the project's districts are: {', '.join(known) or 'none'}",
            )
        known = sorted(set(request.districts))
    if request.shard is not None:
        return select_shard(known, *request.shard)
    return sorted(known)


def _remove_leftovers(out_dir: Path, districts: Sequence[str]) -> None:
    # Under the lock no other build is writing, so every temporary file is a killed build's.
    remove_temporaries(out_dir)
    # Only the district folders that exist are looked into: a first build has none of them.
    wanted = set(districts)
    with os.scandir(out_dir) as entries:
        present = [e.name for e in entries if e.name in wanted and e.is_dir(follow_symlinks=False)]
    for district in present:
        remove_temporaries(out_dir / district)


def collect_artifacts(
    out_dir: Path, districts: Sequence[str], outcomes: Sequence[DistrictOutcome]
) -> list[Artifact]:
    """Every intact artifact in the output folder of the project's districts.

    Districts built or checked in this run contribute what they just wrote; the others (built by
    an earlier run or another shard into the same folder) what their recorded state lists, once
    the files are checked against it.
    """
    from generator.package.incremental import artifacts_intact, read_state

    fresh = {outcome.district: outcome for outcome in outcomes if outcome.status != "failed"}
    artifacts: list[Artifact] = []
    for district in districts:
        if district in fresh:
            artifacts.extend(fresh[district].artifacts)
            continue
        state = read_state(out_dir / district)
        if state is None:
            continue
        if artifacts_intact(out_dir, state.artifacts, state.stamps):
            artifacts.extend(state.artifacts)
        else:
            log.warning(
                "%s/%s was changed after it was built; it is not in the manifest", out_dir, district
            )
    return artifacts
