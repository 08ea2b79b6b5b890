"""What `build` tells its user at the end: one summary line, or one JSON document."""

from __future__ import annotations

from generator.findings import Finding, sort_findings
from generator.package.build import BuildResult


def build_findings(result: BuildResult) -> list[Finding]:
    """The project's findings, or every district's, in a stable order."""
    findings = list(result.project_findings)
    for outcome in result.outcomes:
        findings.extend(outcome.findings)
    return sort_findings(findings)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(result: BuildResult, seconds: float) -> str:
    """E.g. `built 12 districts, 3 unchanged, into dist/ (60 artifacts, 4.2 s)`."""
    if result.project_findings:
        return f"build stopped: {_plural(len(result.project_findings), 'finding')} in the project"
    parts = [f"built {_plural(result.count('built'), 'district')}"]
    parts.append(f"{result.count('unchanged')} unchanged")
    failed = result.count("failed")
    if failed:
        parts.append(f"{failed} failed")
    artifacts = _plural(result.manifest_artifacts, "artifact")
    return f"{', '.join(parts)}, into {result.out_dir}/ ({artifacts}, {seconds:.1f} s)"


def build_document(result: BuildResult) -> dict[str, object]:
    """The machine summary: counts, and each district's status, artifacts and findings."""
    return {
        "ok": result.ok,
        "out": str(result.out_dir),
        "built": result.count("built"),
        "unchanged": result.count("unchanged"),
        "failed": result.count("failed"),
        "manifest_artifacts": result.manifest_artifacts,
        "project_findings": [finding.as_dict() for finding in result.project_findings],
        "districts": [
            {
                "district": outcome.district,
                "status": outcome.status,
                "artifacts": [artifact.as_dict() for artifact in outcome.artifacts],
                "findings": [finding.as_dict() for finding in outcome.findings],
            }
            for outcome in result.outcomes
        ],
    }
