"""Build one district: skip it when nothing changed, else render, check, scan and write it."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from generator.errors import PspluginError
from generator.findings import Finding, has_errors
from generator.package.archive import select_entries, zip_bytes
from generator.package.atomic import fsync_folder, write_atomic
from generator.package.incremental import (
    DigestCache,
    DistrictState,
    artifacts_intact,
    inputs_digest,
    read_state,
    write_state,
)
from generator.package.manifest import Artifact
from generator.package.secrets_scan import scan_text
from generator.package.setup_sheet import render_setup_sheets, sheet_context
from generator.package.stages import ProjectLike, RenderedLike, Stages

Status = Literal["built", "unchanged", "failed"]


@dataclass(frozen=True)
class BuildSettings:
    """What every district's build shares: where to write, and what changes the output."""

    out_dir: Path
    force: bool = False
    source_date_epoch: int | None = None
    file_mode: int = 0o644

    def output_options(self) -> dict[str, object]:
        return {"source_date_epoch": self.source_date_epoch}


@dataclass
class DistrictOutcome:
    """How one district's build went; small, so that thousands fit in memory."""

    district: str
    status: Status
    findings: list[Finding] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)


@dataclass
class Package:
    """One district's artifacts in memory, before anything is written."""

    zip_name: str
    entries: list[tuple[str, bytes]]
    files: dict[str, bytes]

    def scanned(self) -> Iterator[tuple[str, bytes]]:
        """What the secret scan reads: the plugin's files as they go into the zip (its deflated
        bytes would hide a value) and every other artifact."""
        for path, content in self.entries:
            yield f"{self.zip_name}!{path}", content
        for name, content in self.files.items():
            if name != self.zip_name:
                yield name, content


def build_district(
    project: ProjectLike,
    district: str,
    stages: Stages,
    settings: BuildSettings,
    cache: DigestCache,
) -> DistrictOutcome:
    """Build `district` into `settings.out_dir / district`, or find it already up to date."""
    folder = settings.out_dir / district
    files = project.input_files(district)
    digest = inputs_digest(district, files, project.root, cache, settings.output_options())
    previous = read_state(folder)
    if (
        not settings.force
        and previous is not None
        and previous.inputs == digest
        and artifacts_intact(settings.out_dir, previous.artifacts)
    ):
        return DistrictOutcome(district, "unchanged", [], list(previous.artifacts))

    outcome = DistrictOutcome(district, "failed")
    try:
        rendered = stages.render_district(project, district)
    except PspluginError as error:
        outcome.findings.append(_finding_from_error(error, district))
        return outcome

    package = _package(rendered, settings, outcome)
    if package is None:
        return outcome
    secrets = project.secret_values(district)
    for name, content in package.scanned():
        outcome.findings.extend(scan_text(f"{district}/{name}", content, secrets))
    if has_errors(outcome.findings):
        return outcome

    outcome.artifacts = _write(folder, rendered, package, settings)
    write_state(folder, DistrictState(digest, tuple(outcome.artifacts)), settings.file_mode)
    fsync_folder(folder)
    _remove_stale(settings.out_dir, previous, outcome.artifacts)
    outcome.status = "built"
    return outcome


def _package(
    rendered: RenderedLike, settings: BuildSettings, outcome: DistrictOutcome
) -> Package | None:
    """The district's artifacts in memory; None, with findings, when the plugin has errors."""
    entries, findings = select_entries(rendered.tree)
    outcome.findings.extend(rendered.findings)
    outcome.findings.extend(findings)
    if has_errors(outcome.findings):
        return None

    zip_name = f"{rendered.plugin_slug}-{rendered.district}-{rendered.plugin_version}.zip"
    archive = zip_bytes(entries, settings.source_date_epoch)
    files = {zip_name: archive}
    if rendered.data_exchange is not None:
        text = json.dumps(rendered.data_exchange, indent=2, sort_keys=True) + "\n"
        files["data-exchange.json"] = text.encode("utf-8")
    context = sheet_context(rendered, zip_name, hashlib.sha256(archive).hexdigest())
    files["setup-sheet.md"], files["setup-sheet.html"] = render_setup_sheets(context)
    return Package(zip_name, entries, files)


def _write(
    folder: Path, rendered: RenderedLike, package: Package, settings: BuildSettings
) -> list[Artifact]:
    folder.mkdir(parents=True, exist_ok=True)
    artifacts = []
    for name, content in sorted(package.files.items()):
        write_atomic(folder / name, content, settings.file_mode)
        artifacts.append(
            Artifact(
                file=f"{folder.name}/{name}",
                district=folder.name,
                plugin=rendered.plugin_name,
                version=rendered.plugin_version,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    return artifacts


def _remove_stale(out_dir: Path, previous: DistrictState | None, current: list[Artifact]) -> None:
    # An artifact the previous build wrote and this one did not (a zip named after an older
    # version, a data-exchange.json the plugin no longer has) would otherwise linger in dist/.
    if previous is None:
        return
    keep = {artifact.file for artifact in current}
    for artifact in previous.artifacts:
        if artifact.file not in keep:
            with contextlib.suppress(FileNotFoundError):
                (out_dir / artifact.file).unlink()


def _finding_from_error(error: PspluginError, district: str) -> Finding:
    return Finding(
        file=error.file or district,
        line=error.line or 0,
        col=error.col or 0,
        rule="render-failed",
        message=error.message,
        key_path=error.key_path or "",
    )
