"""Build one district: skip it when nothing changed, else render, check, scan and write it."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import Bounded
from generator.errors import PspluginError
from generator.findings import Finding, has_errors
from generator.jsontext import SharedTexts, pretty
from generator.package.archive import select_entries, zip_bytes
from generator.package.atomic import write_atomic
from generator.package.incremental import (
    DigestCache,
    DistrictState,
    artifacts_intact,
    inputs_digest,
    read_state,
    write_state,
)
from generator.package.manifest import Artifact
from generator.package.outcome import BuildSettings, DistrictOutcome
from generator.package.secrets_scan import ProjectSecrets, SecretValues, scan_text
from generator.package.stages import ProjectLike, RenderedLike, Stages
from generator.stamps import Stamp


@dataclass
class Package:
    """One district's artifacts in memory, before anything is written."""

    zip_name: str
    entries: list[tuple[str, bytes]]
    files: dict[str, bytes]
    digests: dict[str, str]

    def scanned(self) -> Iterator[tuple[str, bytes]]:
        """What the secret scan reads: the plugin's files as they go into the zip (its deflated
        bytes would hide a value) and every other artifact."""
        for path, content in self.entries:
            yield f"{self.zip_name}!{path}", content
        for name, content in self.files.items():
            if name != self.zip_name:
                yield name, content


@dataclass
class PreparedDistrict:
    """A district checked and packaged in memory, waiting to be written (when `files` is set)."""

    outcome: DistrictOutcome
    files: dict[str, bytes] = field(default_factory=dict)
    inputs: str = ""
    previous: DistrictState | None = None


def check_unchanged(
    project: ProjectLike,
    district: str,
    settings: BuildSettings,
    cache: DigestCache,
    seen: dict[str, Stamp] | None = None,
) -> tuple[str, DistrictState | None, bool]:
    """The district's inputs digest, its recorded state, and whether that state still holds:
    same inputs, every artifact intact, and no --force. `seen` receives the artifacts' sizes
    and modification times as found."""
    files = project.input_files(district)
    options = settings.output_options()
    shared = project.shared_input_files()
    digest = inputs_digest(district, files, project.root, cache, options, shared)
    previous = read_state(settings.out_dir / district)
    unchanged = (
        not settings.force
        and previous is not None
        and previous.inputs == digest
        and artifacts_intact(settings.out_dir, previous.artifacts, previous.stamps, seen)
    )
    return digest, previous, unchanged


def prepare_district(
    project: ProjectLike,
    district: str,
    stages: Stages,
    settings: BuildSettings,
    cache: DigestCache,
    secrets: ProjectSecrets,
) -> PreparedDistrict:
    """Find `district` up to date, or render, check, package and scan it, all in memory."""
    seen: dict[str, Stamp] = {}
    digest, previous, unchanged = check_unchanged(project, district, settings, cache, seen)
    if unchanged and previous is not None:
        outcome = DistrictOutcome(district, "unchanged", [], list(previous.artifacts))
        outcome.stamps = seen
        return PreparedDistrict(outcome)

    outcome = DistrictOutcome(district, "failed")
    try:
        rendered = stages.render_district(project, district)
    except PspluginError as error:
        outcome.findings.append(_finding_from_error(error, district))
        return PreparedDistrict(outcome)

    package = _package(rendered, settings, outcome)
    if package is None:
        return PreparedDistrict(outcome)
    values = secrets.values()
    for name, content in package.scanned():
        outcome.findings.extend(_scan(f"{district}/{name}", content, values))
    if has_errors(outcome.findings):
        return PreparedDistrict(outcome)

    outcome.artifacts = _artifacts(district, rendered, package.files, package.digests)
    return PreparedDistrict(outcome, package.files, digest, previous)


def build_district(
    project: ProjectLike,
    district: str,
    stages: Stages,
    settings: BuildSettings,
    cache: DigestCache,
    secrets: ProjectSecrets,
) -> DistrictOutcome:
    """Prepare the district and write it when it changed; a write that fails fails the district."""
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


def write_district(out_dir: Path, prepared: PreparedDistrict, mode: int) -> None:
    """Write a prepared district's artifacts, then its state, each one atomically.

    The state goes last: a build killed before it leaves the old state, which no longer matches
    the files, so the next build redoes the district. Nothing here waits for the disk: each
    process flushes what it wrote once its share is done, before the manifest is written.
    """
    district = prepared.outcome.district
    folder = out_dir / district
    folder.mkdir(parents=True, exist_ok=True)
    stamps = {
        f"{district}/{name}": write_atomic(f"{folder}/{name}", content, mode)
        for name, content in sorted(prepared.files.items())
    }
    artifacts = tuple(prepared.outcome.artifacts)
    write_state(folder, DistrictState(prepared.inputs, artifacts, stamps), mode)
    prepared.outcome.stamps = stamps
    _remove_stale(out_dir, prepared.previous, prepared.outcome.artifacts)
    prepared.outcome.status = "built"


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
    archive, archive_sha256 = _zip_of(entries, settings.source_date_epoch)
    files = {zip_name: archive}
    if rendered.data_exchange is not None:
        text = pretty(rendered.data_exchange, _PROFILE_TEXTS) + "\n"
        files["data-exchange.json"] = text.encode("utf-8")
    # Jinja2 is imported only when a district is packaged: a build in which nothing changed
    # never needs it.
    from generator.package.setup_sheet import render_setup_sheets, sheet_context

    context = sheet_context(rendered, zip_name, archive_sha256)
    files["setup-sheet.md"], files["setup-sheet.html"] = render_setup_sheets(context)
    return Package(zip_name, entries, files, {zip_name: archive_sha256})


def _artifacts(
    district: str, rendered: RenderedLike, files: dict[str, bytes], digests: dict[str, str]
) -> list[Artifact]:
    return [
        Artifact(
            file=f"{district}/{name}",
            district=district,
            plugin=rendered.plugin_name,
            version=rendered.plugin_version,
            size=len(content),
            sha256=digests.get(name) or hashlib.sha256(content).hexdigest(),
        )
        for name, content in sorted(files.items())
    ]


# Districts often package the very same plugin files (only their Data Exchange profile and
# setup sheet differ), so the zip made of given entries, and the scan of given bytes, are kept
# for the next district instead of being made again. Keys hold the bytes themselves: equal
# content, equal result.
_ZIPS: Bounded[tuple[bytes, str]] = Bounded(32)
_SCANS: Bounded[tuple[SecretValues, list[Finding]]] = Bounded(256)
# The lists of a Data Exchange profile that districts share (school years, permissions,
# assumptions), as text.
_PROFILE_TEXTS = SharedTexts()


def _zip_of(entries: list[tuple[str, bytes]], epoch: int | None) -> tuple[bytes, str]:
    """The zip of the entries and its sha256."""

    def make() -> tuple[bytes, str]:
        archive = zip_bytes(entries, epoch)
        return archive, hashlib.sha256(archive).hexdigest()

    return _ZIPS.get_or_make((epoch, *(part for entry in entries for part in entry)), make)


def _scan(display: str, content: bytes, values: SecretValues) -> list[Finding]:
    # A remembered scan counts only for the very secret values it was made with.
    entry = _SCANS.get(content)
    if entry is None or entry[0] is not values:
        entry = _SCANS.put(content, (values, scan_text("", content, values)))
    return [finding._replace(file=display) for finding in entry[1]]


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
