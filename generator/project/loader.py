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
    reader = _Reader(Path(root))
    project = reader.read()
    if project is not None:
        # What the districts do not override is checked once, on the base, for all of them.
        base_missing = list(schema.missing_required(project.base()))
        for name in project.district_names:
            found = _check_district(project, name, base_missing)
            reader.findings.extend(_not_reported_yet(found, reader.findings))
    unique = sort_findings(set(reader.findings))
    return ValidationResult(project, unique, reader.files_checked)


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
        config = self.parse(config_path)
        if config is None:
            # Still read the districts, so that their own findings are reported in the same run.
            self.read_districts(Project(root=self.root, config=SourceDoc("", None, {})))
            return None
        if "district" in (config.data or {}):
            self.report(
                config,
                ("district",),
                "project.district-section",
                "the district section belongs in districts/NAME.yaml",
            )
        project = Project(root=self.root, config=config, preset=self.preset(config))
        self.read_districts(project)
        return project

    def parse(self, path: Path, *, preset: bool = False) -> SourceDoc | None:
        self.files_checked += 0 if preset else 1
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
        doc = self.parse(root / "preset.yaml", preset=True)
        return Preset(name, root, doc) if doc is not None else None

    def read_districts(self, project: Project) -> None:
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
        for path in paths:
            name = path.stem
            if not DISTRICT_NAME.match(name) or name in project.districts:
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
            doc = self.parse(path)
            if doc is None:
                continue
            if "preset" in doc.data:
                message = "a preset is chosen once, in psplugin.yaml"
                self.report(doc, ("preset",), "district.preset", message)
            project.districts[name] = doc


def _not_reported_yet(found: list[Finding], reported: list[Finding]) -> list[Finding]:
    """The district's findings less those about a value a file's own check already reported
    (a school year of the wrong type is one problem, not a type error and a format error)."""
    flagged = {(f.file, f.key_path) for f in reported if f.is_error}

    def covered(finding: Finding) -> bool:
        path = finding.key_path
        ends = [i for i, char in enumerate(path) if char in ".["] + [len(path)]
        return any((finding.file, path[:end]) in flagged for end in ends)

    return [finding for finding in found if not covered(finding)]


def _check_district(
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

    context = RuleContext(document, project.template_dirs())
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
