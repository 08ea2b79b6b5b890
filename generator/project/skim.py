"""Finding a project's files without checking them: what a build needs to tell that nothing
changed, at a fraction of the cost of a full load."""

from __future__ import annotations

import hashlib
from pathlib import Path

from generator.project.model import DISTRICTS_DIR, PROJECT_FILE, Preset, Project
from generator.project.yamlsource import SourceDoc, YamlError, load_yaml
from generator.resources import presets_dir
from generator.stamps import file_stamp


def skim_project(root: str | Path) -> Project | None:
    """The project's files, found and hashed but not checked: enough to tell whether anything
    changed since a build. Only psplugin.yaml is parsed (it names the preset); None when even
    that fails, so that the caller falls back to a full load."""
    root = Path(root)
    try:
        config = load_yaml(root / PROJECT_FILE, str(root / PROJECT_FILE))
        preset = None
        name = config.data.get("preset") if isinstance(config.data, dict) else None
        if isinstance(name, str):
            preset_file = presets_dir() / name / "preset.yaml"
            preset = Preset(name, preset_file.parent, _hashed(preset_file))
        folder = root / DISTRICTS_DIR
        districts_stamp = file_stamp(folder)  # before listing: a change in between shows later
        paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
        districts = {path.stem: _hashed(path) for path in paths}
    except (YamlError, OSError):
        return None
    if len(districts) != len(paths):
        return None
    project = Project(root=root, config=config, preset=preset, districts=districts)
    project.districts_stamp = districts_stamp
    return project


def _hashed(path: Path) -> SourceDoc:
    stamp = file_stamp(path)  # before reading: a change after it shows next time
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return SourceDoc(str(path), path, {}, sha256=digest, stamp=stamp)
