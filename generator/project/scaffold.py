"""`psplugin init`: a new project from a preset's scaffold, valid and renderable at once."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import ConfigError, InputError
from generator.project.model import PROJECT_FILE
from generator.project.schema import layer_schema
from generator.resources import preset_names, presets_dir

SCHEMA_FILE = "psplugin.schema.json"
GITIGNORE = "dist/\nsecrets.env\n*.secrets.env\n"


def available_presets() -> list[str]:
    return preset_names()


def scaffold(target: Path, preset: str) -> list[Path]:
    """Create the project in `target` (new or empty) and return the files written."""
    if preset not in available_presets():
        raise ConfigError(f"no preset '{preset}'; available: {', '.join(available_presets())}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(
            "the folder is not empty; choose a new folder for the project",
            file=target,
            tip=f"{target / PROJECT_FILE} would be overwritten" if target.is_dir() else None,
        )

    # Everything is written into a temporary folder beside the target and moved in at the end,
    # so that a failed init leaves nothing half-made.
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        shutil.copytree(presets_dir() / preset / "scaffold", staging, dirs_exist_ok=True)
        schema_text = json.dumps(layer_schema(), indent=2) + "\n"
        (staging / SCHEMA_FILE).write_text(schema_text, encoding="utf-8")
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        written = sorted(p.relative_to(staging) for p in staging.rglob("*") if p.is_file())
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / p for p in written]
