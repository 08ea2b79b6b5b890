"""Checking and building districts in this process; `pool` spreads the same work over worker
processes.

A build runs in two steps over the same processes: every district of the project is read and
checked, and only when none has an error are the selected ones rendered, packaged and written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.errors import PspluginError
from generator.findings import Finding, has_errors
from generator.package.atomic import flush_all
from generator.package.district import build_district
from generator.package.incremental import DigestCache
from generator.package.outcome import BuildSettings, DistrictOutcome
from generator.package.secrets_scan import ProjectSecrets, unique_references
from generator.package.stages import ProjectLike, Stages
from generator.stamps import Stamp


class WorkerFailed(PspluginError):
    """A worker process stopped without finishing its districts."""


@dataclass
class Checked:
    """What checking some districts found: every finding, and for the districts without errors,
    their secret references and their inputs' stamps."""

    findings: list[Finding] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    stamps: dict[str, Stamp | None] = field(default_factory=dict)

    def add(self, other: Checked) -> None:
        self.findings.extend(other.findings)
        self.references.extend(other.references)
        self.stamps.update(other.stamps)


def check_districts(project: ProjectLike, stages: Stages, names: Sequence[str]) -> Checked:
    checked = Checked()
    for name in names:
        found = stages.check_district(project, name)
        checked.findings.extend(found)
        if not has_errors(found):
            checked.references.extend(project.secret_references(name))
            checked.stamps.update(project.input_stamps(name))
    return checked


class Runner:
    """Checks and builds districts in this process. Once `build` is exhausted, everything it
    wrote is on disk."""

    def __init__(
        self,
        project: ProjectLike,
        stages: Stages,
        settings: BuildSettings,
        names: Sequence[str],
        selected: Sequence[str],
    ) -> None:
        self.project, self.stages, self.settings = project, stages, settings
        self.names, self.selected = list(names), list(selected)
        self.references: list[dict[str, Any]] = []
        # The districts' own inputs, stamped before they were read: see the build index.
        self.input_stamps: dict[str, Stamp | None] = {}

    def check(self) -> list[Finding]:
        checked = check_districts(self.project, self.stages, self.names)
        self._checked(checked)
        return checked.findings

    def _checked(self, checked: Checked) -> None:
        self.references = unique_references(checked.references)
        self.input_stamps = checked.stamps

    def build(self) -> Iterator[DistrictOutcome]:
        project = self.project
        secrets = ProjectSecrets(self.references, project.resolve_secret)
        cache = DigestCache(project.file_digests())
        built = False
        for name in self.selected:
            outcome = build_district(project, name, self.stages, self.settings, cache, secrets)
            built = built or outcome.status == "built"
            yield outcome
        if built:
            flush_all()

    def close(self) -> None:
        pass
