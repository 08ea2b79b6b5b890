"""`build` from start to end: choose the districts, build them (in parallel when asked), and
describe what dist/ holds in manifest.json and SHA256SUMS."""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PspluginError
from generator.findings import Finding
from generator.package.atomic import build_lock, file_mode, remove_temporaries
from generator.package.district import (
    BuildSettings,
    DistrictOutcome,
    check_unchanged,
    prepare_district,
    write_district,
)
from generator.package.incremental import DigestCache, artifacts_intact, read_state
from generator.package.manifest import Artifact, write_manifest
from generator.package.secrets_scan import ProjectSecrets
from generator.package.shard import select_shard
from generator.package.stages import ProjectLike, Stages, default_stages

log = logging.getLogger(__name__)


class UnknownDistrict(PspluginError):
    """`--district` names a district the project does not have: a usage error."""

    exit_code = 2


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked `build` for."""

    project: Path
    out_dir: Path | None = None
    districts: tuple[str, ...] = ()
    shard: tuple[int, int] | None = None
    jobs: int = 1
    force: bool = False
    source_date_epoch: int | None = None


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
    stages = stages or default_stages()
    out_dir = request.out_dir or request.project / "dist"
    settings = BuildSettings(out_dir, request.force, request.source_date_epoch, file_mode())
    if not request.force:
        quick = _when_nothing_changed(request, stages, settings)
        if quick is not None:
            return quick
    try:
        project = stages.load_project(request.project)
    except PspluginError as error:
        findings = getattr(error, "findings", None)
        if not isinstance(findings, list):
            raise
        return BuildResult(out_dir, project_findings=findings)

    selected = select_districts(project, request)
    result = BuildResult(out_dir)
    with build_lock(out_dir):
        _remove_leftovers(out_dir, project.district_names)
        if on_start is not None:
            on_start(len(selected))
        for outcome in _build_all(project, selected, stages, settings, request):
            result.outcomes.append(outcome)
            if on_district is not None:
                on_district(outcome)
        result.outcomes.sort(key=lambda outcome: outcome.district)
        result.manifest_artifacts = write_manifest(
            out_dir,
            collect_artifacts(out_dir, project.district_names, result.outcomes),
            settings.file_mode,
        )
    return result


def _when_nothing_changed(
    request: BuildRequest, stages: Stages, settings: BuildSettings
) -> BuildResult | None:
    """The result of a build in which no district of the project changed since its last good
    build, found without parsing or checking the project (what was built was valid, and its
    inputs are the same bytes); None as soon as anything differs, for a full build to follow."""
    project = stages.skim_project(request.project) if stages.skim_project else None
    if project is None or not project.district_names:
        return None
    try:
        selected = set(select_districts(project, request))
    except PspluginError:
        return None
    cache = DigestCache(project.file_digests())
    outcomes = []
    # Every district counts, not only those selected: a full load fails on any broken one.
    for district in project.district_names:
        _, previous, unchanged = check_unchanged(project, district, settings, cache)
        if not unchanged or previous is None:
            return None
        if district in selected:
            outcomes.append(DistrictOutcome(district, "unchanged", [], list(previous.artifacts)))

    result = BuildResult(settings.out_dir, outcomes)
    with build_lock(settings.out_dir):
        result.manifest_artifacts = write_manifest(
            settings.out_dir,
            collect_artifacts(settings.out_dir, project.district_names, outcomes),
            settings.file_mode,
        )
    return result


def select_districts(project: ProjectLike, request: BuildRequest) -> list[str]:
    """The districts this run builds: those named (or all), then this shard of them."""
    known = list(project.district_names)
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
    for district in districts:
        remove_temporaries(out_dir / district)


def _build_all(
    project: ProjectLike,
    districts: list[str],
    stages: Stages,
    settings: BuildSettings,
    request: BuildRequest,
) -> Iterator[DistrictOutcome]:
    """Prepare and write each district, here or in worker processes.

    Each process writes the districts it prepares: handing the bytes to writer threads instead
    costs more in contention for the interpreter lock than the overlap with fsync saves.
    """
    jobs = request.jobs if request.jobs > 0 else (os.cpu_count() or 1)
    yield from _prepare_all(project, districts, stages, settings, jobs)


def _prepare_and_write(
    project: ProjectLike,
    district: str,
    stages: Stages,
    settings: BuildSettings,
    cache: DigestCache,
    secrets: ProjectSecrets,
) -> DistrictOutcome:
    prepared = prepare_district(project, district, stages, settings, cache, secrets)
    outcome = prepared.outcome
    if prepared.files:
        try:
            write_district(settings.out_dir, prepared, settings.file_mode)
        except OSError as error:
            outcome.status = "failed"
            outcome.artifacts = []
            message = f"cannot write the district's artifacts: {error.strerror or error}"
            outcome.findings.append(Finding(outcome.district, 0, 0, "write-failed", message))
    return outcome


def _prepare_all(
    project: ProjectLike,
    districts: list[str],
    stages: Stages,
    settings: BuildSettings,
    jobs: int,
) -> Iterator[DistrictOutcome]:
    if jobs == 1 or len(districts) < 2:
        cache, secrets = DigestCache(project.file_digests()), ProjectSecrets(project)
        for district in districts:
            yield _prepare_and_write(project, district, stages, settings, cache, secrets)
        return

    # Where processes fork, workers inherit the project loaded here; elsewhere each loads it once.
    # Either way each keeps its own digest cache; only names go in, and no more than two tasks
    # per worker are in flight, so finished districts cannot pile up.
    global _worker
    forking = "fork" in multiprocessing.get_all_start_methods()
    workers = min(jobs, len(districts))
    if forking:
        _worker = _worker_state(project, stages, settings)
    try:
        if forking:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        else:
            pool = ProcessPoolExecutor(
                workers, initializer=_start_worker, initargs=(project.root, stages, settings)
            )
        with pool:
            yield from _run_pool(pool, districts, jobs)
    finally:
        _worker = None


def _run_pool(
    pool: ProcessPoolExecutor, districts: list[str], jobs: int
) -> Iterator[DistrictOutcome]:
    in_flight: deque[Future[DistrictOutcome]] = deque()
    for district in districts:
        in_flight.append(pool.submit(_worker_prepare, district))
        if len(in_flight) >= 2 * jobs:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


_worker: tuple[ProjectLike, Stages, BuildSettings, DigestCache, ProjectSecrets] | None = None


def _worker_state(
    project: ProjectLike, stages: Stages, settings: BuildSettings
) -> tuple[ProjectLike, Stages, BuildSettings, DigestCache, ProjectSecrets]:
    return project, stages, settings, DigestCache(project.file_digests()), ProjectSecrets(project)


def _start_worker(root: Path, stages: Stages, settings: BuildSettings) -> None:
    # Secrets are resolved again in each worker rather than sent to it through a pipe.
    global _worker
    _worker = _worker_state(stages.load_project(root), stages, settings)


def _worker_prepare(district: str) -> DistrictOutcome:
    assert _worker is not None, "the pool initializer loads the project"
    project, stages, settings, cache, secrets = _worker
    return _prepare_and_write(project, district, stages, settings, cache, secrets)


def collect_artifacts(
    out_dir: Path, districts: Sequence[str], outcomes: Sequence[DistrictOutcome]
) -> list[Artifact]:
    """Every intact artifact in the output folder of the project's districts.

    Districts built or checked in this run contribute what they just wrote; the others (built by
    an earlier run or another shard into the same folder) what their recorded state lists, once
    the files are checked against it.
    """
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
