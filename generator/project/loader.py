"""Reading a bundle project from disk and checking all of it, reporting every finding at once."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.findings import Finding, Severity, format_key_path, sort_findings
from generator.project import schema
from generator.project.merge import locate
from generator.project.model import (
    DISTRICTS_DIR,
    PROJECT_FILE,
    Preset,
    Project,
    ProjectInvalid,
)
from generator.project.rules import RuleContext, check_document
from generator.project.yamlsource import KeyPath, SourceDoc, YamlError, load_yaml
from generator.resources import preset_names, presets_dir
from generator.stamps import file_stamp

DISTRICT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass
class ValidationResult:
    project: Project | None
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def load_project(root: str | Path) -> Project:
    """The validated project at `root`; raises ProjectInvalid with every finding otherwise."""
    result = validate_project(root)
    if result.project is None or not result.ok:
        raise ProjectInvalid(result.findings)
    return result.project


def validate_project(root: str | Path) -> ValidationResult:
    """Parse and check every file of the project, then every district's merged document."""
    opened = open_project(root)
    findings = list(opened.findings)
    for name in opened.files:
        findings.extend(check_district(opened, name))
    unique = sort_findings(set(findings))
    return ValidationResult(opened.project, unique, opened.files_checked)


@dataclass
class OpenedProject:
    """A project read up to its districts: psplugin.yaml and the preset parsed and checked, the
    district files found. Each district is then read and checked on its own (check_district), so
    that districts can be spread over processes."""

    root: Path
    # None when psplugin.yaml is missing or broken: districts are then checked file by file only.
    project: Project | None
    files: dict[str, Path]
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    _base_missing: list[tuple[KeyPath, str]] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.project is not None and not any(f.is_error for f in self.findings)

    def base_missing(self) -> list[tuple[KeyPath, str]]:
        # What the districts do not override is checked once, on the base, for all of them.
        if self._base_missing is None:
            assert self.project is not None
            self._base_missing = list(schema.missing_required(self.project.base()))
        return self._base_missing


def open_project(root: str | Path) -> OpenedProject:
    """Read and check psplugin.yaml and its preset, and find the district files."""
    reader = _Reader(Path(root))
    project = reader.read()
    # Without a psplugin.yaml this is not a project at all: its districts are not looked for.
    stamp = file_stamp(reader.root / DISTRICTS_DIR)
    files = reader.district_files() if reader.files_checked else {}
    if project is not None:
        project.districts_stamp = stamp
    checked = reader.files_checked + len(files)
    return OpenedProject(reader.root, project, files, reader.findings, checked)


def check_district(opened: OpenedProject, name: str) -> list[Finding]:
    """Read and check one district's file, then, when it parses and the project's own files do,
    its merged document. The parsed file joins `opened.project`'s districts."""
    reader = _Reader(opened.root)
    doc = reader.parse(opened.files[name])
    if doc is not None and "preset" in doc.data:
        message = "a preset is chosen once, in psplugin.yaml"
        reader.report(doc, ("preset",), "district.preset", message)
    project = opened.project
    if doc is None or project is None:
        return reader.findings
    project.districts[name] = doc
    found = _check_merged(project, name, opened.base_missing())
    # A value the files' own checks reported is not reported again by the merged document's.
    reader.findings.extend(_not_reported_yet(found, [*opened.findings, *reader.findings]))
    return reader.findings


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.findings: list[Finding] = []
        self.files_checked = 0

    def read(self) -> Project | None:
        config_path = self.root / PROJECT_FILE
        if not config_path.is_file():
            self.findings.append(
                Finding(
                    str(config_path),
                    1,
                    1,
                    "project.missing",
                    f"no {PROJECT_FILE} here; create a project with `psplugin init {self.root}`",
                )
            )
            return None
        self.files_checked += 1
        config = self.parse(config_path)
        if config is None:
            # The districts are still read, so that their own findings are reported in the same run.
            return None
        if "district" in (config.data or {}):
            self.report(
                config,
                ("district",),
                "project.district-section",
                "the district section belongs in districts/NAME.yaml",
            )
        return Project(root=self.root, config=config, preset=self.preset(config))

    def parse(self, path: Path) -> SourceDoc | None:
        try:
            doc = load_yaml(path, str(path))
        except YamlError as error:
            self.findings.append(
                Finding(
                    error.file or "", error.line or 1, error.col or 1, error.rule, error.message
                )
            )
            return None
        if not isinstance(doc.data, dict):
            self.report(doc, (), "yaml.not-mapping", "the file must be a mapping of keys to values")
            return None
        self.findings.extend(schema.check_layer(doc))
        return doc

    def report(self, doc: SourceDoc, path: tuple[str, ...], rule: str, message: str) -> None:
        line, col = doc.key_positions.get(path) or doc.nearest(path)[1]
        self.findings.append(Finding(doc.display, line, col, rule, message, format_key_path(path)))

    def preset(self, config: SourceDoc) -> Preset | None:
        name = config.data.get("preset")
        if not isinstance(name, str):
            return None
        available = preset_names()
        if name not in available:
            close = difflib.get_close_matches(name, available, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"available: {', '.join(available)}"
            self.report(config, ("preset",), "preset.unknown", f"no preset '{name}'; {hint}")
            return None
        root = presets_dir() / name
        doc = self.parse(root / "preset.yaml")
        return Preset(name, root, doc) if doc is not None else None

    def district_files(self) -> dict[str, Path]:
        folder = self.root / DISTRICTS_DIR
        paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
        if not paths:
            self.findings.append(
                Finding(
                    str(folder),
                    1,
                    1,
                    "project.no-districts",
                    "no district files; add districts/NAME.yaml",
                    severity=Severity.WARNING,
                )
            )
        files: dict[str, Path] = {}
        for path in paths:
            name = path.stem
            if not DISTRICT_NAME.match(name) or name in files:
                self.findings.append(
                    Finding(
                        str(path),
                        1,
                        1,
                        "district.name",
                        f"'{path.name}': district file names are lower-case letters, digits, "
                        "'-' and '_', one file per district",
                    )
                )
                continue
            files[name] = path
        return dict(sorted(files.items()))


def _not_reported_yet(found: list[Finding], reported: list[Finding]) -> list[Finding]:
    """The district's findings less those about a value a file's own check already reported
    (a school year of the wrong type is one problem, not a type error and a format error)."""
    flagged = {(f.file, f.key_path) for f in reported if f.is_error}

    def covered(finding: Finding) -> bool:
        path = finding.key_path
        ends = [i for i, char in enumerate(path) if char in ".["] + [len(path)]
        return any((finding.file, path[:end]) in flagged for end in ends)

    return [finding for finding in found if not covered(finding)]


def _check_merged(
    project: Project, name: str, base_missing: list[tuple[KeyPath, str]]
) -> list[Finding]:
    layers = project.layers(name)
    document = project.merged(name)
    touched = set(project.districts[name].data)
    missing_here = [item for item in base_missing if item[0] and item[0][0] not in touched]
    missing_here += schema.missing_required(document, touched)
    findings = []
    for path, missing in missing_here:
        doc, line, col = locate(layers, path)
        key_path = format_key_path((*path, missing))
        where = f" (in {layers[-1].display} or {project.config.display})" if not path else ""
        findings.append(
            Finding(
                doc.display,
                line,
                col,
                "schema.required",
                f"'{missing}' is required{where}",
                key_path,
            )
        )
    if findings:
        return findings

    context = RuleContext(document, project.template_dirs(), project.has_template)
    for problem in check_document(context):
        doc, line, col = locate(layers, problem.path)
        findings.append(
            Finding(
                doc.display,
                line,
                col,
                problem.rule,
                problem.message,
                format_key_path(problem.path),
                problem.severity,
            )
        )
    return findings
