"""Where the shipped templates, presets and schemas are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder `plugin_templates` or `schemas`: inside the package when installed from a wheel,
    beside it in a checkout."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def templates_dir() -> Path:
    return data_dir("plugin_templates")


def schemas_dir() -> Path:
    return data_dir("schemas")


def presets_dir() -> Path:
    return templates_dir() / "presets"


def preset_names() -> list[str]:
    """The presets shipped with psplugin: each a folder with a preset.yaml and a scaffold."""
    return sorted(p.name for p in presets_dir().iterdir() if (p / "preset.yaml").is_file())
