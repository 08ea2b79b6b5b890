"""What a build is asked to do, and how each district's build went: the records every part of a
build passes around, kept apart from the work so that a build with nothing to do loads little."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from generator.findings import Finding
from generator.package.manifest import Artifact
from generator.stamps import Stamp

Status = Literal["built", "unchanged", "failed"]


class BuildSettings(NamedTuple):
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
    # Size and modification time of each artifact as this build left it, by path in the output
    # folder: what the build index records.
    stamps: dict[str, Stamp] = field(default_factory=dict)
