"""A bundle project on disk: psplugin.yaml, its preset, its districts and its templates."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import PspluginError
from generator.findings import Finding
from generator.project import secrets
from generator.project.merge import merge_layers, overlay
from generator.project.yamlsource import SourceDoc
from generator.resources import templates_dir
from generator.stamps import Stamp, file_stamp

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
    # The districts folder's size and modification time, taken before its files were listed.
    districts_stamp: Stamp | None = None
    _base: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)
    _template_files: list[Path] | None = field(default=None, init=False, repr=False, compare=False)
    _template_dirs: list[Path] | None = field(default=None, init=False, repr=False, compare=False)
    _secrets_files: dict[Path, dict[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _last_merged: tuple[str, dict[str, Any]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _template_names: set[str] | None = field(default=None, init=False, repr=False, compare=False)
    _shared_inputs: tuple[Path, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _fingerprint: tuple[tuple[str, int, int], ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

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
        """The district's document: preset, psplugin.yaml and district file, merged. It shares
        parts with other districts' documents: read it, never change it."""
        if self._last_merged is None or self._last_merged[0] != district:
            merged: dict[str, Any] = overlay(self.base(), self.districts[district].data)
            merged.pop("preset", None)
            self._last_merged = (district, merged)
        return self._last_merged[1]

    def file_digests(self) -> dict[Path, str]:
        """sha256 of every project file already read, so that nothing reads them twice."""
        docs = [self.config, *self.districts.values()]
        if self.preset:
            docs.append(self.preset.doc)
        return {doc.path: doc.sha256 for doc in docs if doc.path is not None and doc.sha256}

    def template_dirs(self) -> list[Path]:
        """Where templates are looked up, first match wins: the project's, the preset's, core."""
        if self._template_dirs is None:
            dirs = [self.root / TEMPLATES_DIR]
            if self.preset:
                dirs.append(self.preset.templates)
            dirs.append(templates_dir() / CORE_TEMPLATES)
            self._template_dirs = [d for d in dirs if d.is_dir()]
        return list(self._template_dirs)

    def templates_fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """Path, size and modification time of every template: a template environment made for
        one fingerprint never needs to look at the files again."""
        if self._fingerprint is None:
            stamps = []
            for path in self.template_files():
                stat = path.stat()
                stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
            self._fingerprint = tuple(stamps)
        return self._fingerprint

    def shared_input_stamps(self) -> dict[str, Stamp | None]:
        """Size and modification time, taken before they were read, of psplugin.yaml, the
        preset, the districts folder and the templates: the files every district depends on."""
        stamps = {str(doc.path): doc.stamp for doc in self.layers(None) if doc.path is not None}
        stamps[str(self.root / DISTRICTS_DIR)] = self.districts_stamp
        stamps.update(self.template_stamps())
        return stamps

    def input_stamps(self, district: str) -> dict[str, Stamp | None]:
        """Size and modification time of the district's own file, taken before it was read."""
        doc = self.districts[district]
        return {str(doc.path): doc.stamp} if doc.path is not None else {}

    def template_stamps(self) -> dict[str, Stamp | None]:
        """Size and modification time of every template folder and file, and None for a
        template folder that does not exist: while all of them stay the same, so do the
        templates, since a file added or removed changes its folder's time. The folders are
        stamped before their files are listed, so that a change in between shows next time."""
        candidates = [self.root / TEMPLATES_DIR, templates_dir() / CORE_TEMPLATES]
        if self.preset:
            candidates.insert(1, self.preset.templates)
        stamps: dict[str, Stamp | None] = {}
        for folder in candidates:
            stamps[str(folder)] = file_stamp(folder)
            for directory, _, _ in os.walk(folder):
                stamps[directory] = file_stamp(directory)
        for folder in candidates:
            for directory, _, files in os.walk(folder):
                for name in files:
                    path = os.path.join(directory, name)
                    stamps[path] = file_stamp(path)
        return stamps

    def has_template(self, name: str) -> bool:
        """Whether a template of that name is in one of the template folders. The folders are
        listed once; a name not in the listing (spelled another way, or behind a link the
        listing does not follow) is looked up on disk."""
        if self._template_names is None:
            self._template_names = {
                path.relative_to(folder).as_posix()
                for folder in self.template_dirs()
                for path in self.template_files()
                if path.is_relative_to(folder)
            }
        if name in self._template_names:
            return True
        return any((folder / name).is_file() for folder in self.template_dirs())

    def template_files(self) -> list[Path]:
        """Every file in the template folders, listed once per project."""
        if self._template_files is None:
            found = [p for d in self.template_dirs() for p in d.rglob("*") if p.is_file()]
            self._template_files = sorted(found)
        return self._template_files

    def input_files(self, district: str) -> list[Path]:
        """The files whose bytes feed this district's render and no other district's."""
        path = self.districts[district].path
        return [path] if path is not None else []

    def shared_input_files(self) -> tuple[Path, ...]:
        """The files whose bytes feed every district's render: psplugin.yaml, the preset and
        the templates."""
        if self._shared_inputs is None:
            files = [doc.path for doc in self.layers(None) if doc.path is not None]
            self._shared_inputs = tuple(sorted({*files, *self.template_files()}))
        return self._shared_inputs

    def credential_references(self, district: str) -> dict[str, dict[str, Any]]:
        district_section = self.merged(district).get("district") or {}
        credentials = district_section.get("credentials") or {}
        return {name: ref for name, ref in credentials.items() if isinstance(ref, dict)}

    def secret_references(self, district: str) -> list[dict[str, Any]]:
        """Where the district's key and secret come from: references, never values."""
        return list(self.credential_references(district).values())

    def resolve_secret(self, reference: dict[str, Any]) -> str | None:
        """The value a reference points to, when it is available here; each secrets file is
        read once per project."""
        return secrets.resolve(reference, self.root, self._secrets_files)

    def secret_values(self, district: str) -> list[str]:
        """The district's key and secret values that can be resolved here, for leak scanning."""
        values = [self.resolve_secret(ref) for ref in self.secret_references(district)]
        return [value for value in values if value]
