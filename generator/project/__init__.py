"""The bundle project model: reading, merging and validating psplugin.yaml and district files."""

from generator.project.loader import (
    ValidationResult,
    load_project,
    skim_project,
    validate_project,
)
from generator.project.model import Preset, Project, ProjectInvalid

__all__ = [
    "Preset",
    "Project",
    "ProjectInvalid",
    "ValidationResult",
    "load_project",
    "skim_project",
    "validate_project",
]
