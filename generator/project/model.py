"""A bundle project on disk: psplugin.yaml, its preset, its districts and its templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import PspluginError
from generator.findings import Finding
from generator.project import secrets
from generator.project.merge import merge_layers, overlay
from generator.project.yamlsource import SourceDoc
from generator.resources import templates_dir

PROJECT_FILE = "psplugin.yaml"
DISTRICTS_DIR = "districts"
TEMPLATES_DIR = "templates"
CORE_TEMPLATES = "core"


class ProjectInvalid(PspluginError):
    """Validation found errors; `findings` holds all of them."""

    def __init__(self, findings: list[Finding]) -> None:
        errors = sum(1 for f in findings if f.is_error)
        super().__init__(f"the project has {errors} error{'' if errors == 1 else 's'}")
        self.findings = findings


@dataclass
class Preset:
    """A shipped starting point: a preset.yaml laid under psplugin.yaml, and its templates."""

    name: str
    root: Path
    doc: SourceDoc

    @property
    def templates(self) -> Path:
        return self.root / TEMPLATES_DIR


@dataclass
class Project:
    root: Path
    config: SourceDoc
    preset: Preset | None = None
    districts: dict[str, SourceDoc] = field(default_factory=dict)
    _base: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def district_names(self) -> list[str]:
        return sorted(self.districts)

    def layers(self, district: str | None) -> list[SourceDoc]:
        """The files that make up a district's document, bottom first (without one: the base)."""
        below = [self.preset.doc] if self.preset else []
        top = [self.districts[district]] if district is not None else []
        return [*below, self.config, *top]

    def base(self) -> dict[str, Any]:
        """The preset with psplugin.yaml laid over it: what every district starts from."""
        if self._base is None:
            self._base = merge_layers(self.layers(None))
        return self._base

    def merged(self, district: str) -> dict[str, Any]:
        merged: dict[str, Any] = overlay(self.base(), self.districts[district].data)
        merged.pop("preset", None)
        return merged

    def template_dirs(self) -> list[Path]:
        """Where templates are looked up, first match wins: the project's, the preset's, core."""
        dirs = [self.root / TEMPLATES_DIR]
        if self.preset:
            dirs.append(self.preset.templates)
        dirs.append(templates_dir() / CORE_TEMPLATES)
        return [d for d in dirs if d.is_dir()]

    def input_files(self, district: str) -> list[Path]:
        """Every file whose bytes feed this district's render."""
        files = [doc.path for doc in self.layers(district) if doc.path is not None]
        for directory in self.template_dirs():
            files.extend(p for p in directory.rglob("*") if p.is_file())
        return sorted(set(files))

    def credential_references(self, district: str) -> dict[str, dict[str, Any]]:
        district_section = self.merged(district).get("district") or {}
        credentials = district_section.get("credentials") or {}
        return {name: ref for name, ref in credentials.items() if isinstance(ref, dict)}

    def secret_values(self, district: str) -> list[str]:
        """The district's key and secret values that can be resolved here, for leak scanning."""
        values = []
        for reference in self.credential_references(district).values():
            value = secrets.resolve(reference, self.root)
            if value:
                values.append(value)
        return values
