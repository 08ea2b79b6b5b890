"""The stages `build` calls before packaging (loading the project, rendering a district), seen
through the few attributes packaging needs, so that tests can stand in for them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from generator.findings import Finding
from generator.tree import PluginTree


class ProjectLike(Protocol):
    @property
    def root(self) -> Path: ...

    @property
    def district_names(self) -> list[str]: ...

    def input_files(self, district: str) -> list[Path]: ...

    def secret_values(self, district: str) -> list[str]: ...

    def file_digests(self) -> Mapping[Path, str]: ...


class RenderedLike(Protocol):
    @property
    def district(self) -> str: ...

    @property
    def display_name(self) -> str: ...

    @property
    def plugin_name(self) -> str: ...

    @property
    def plugin_slug(self) -> str: ...

    @property
    def plugin_version(self) -> str: ...

    @property
    def tree(self) -> PluginTree: ...

    @property
    def findings(self) -> list[Finding]: ...

    @property
    def data_exchange(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Stages:
    """The functions that load a project and render one district."""

    load_project: Callable[[Path], ProjectLike]
    render_district: Callable[[Any, str], RenderedLike]
    # Lists and hashes a project's files without checking them, or gives None when it cannot.
    skim_project: Callable[[Path], ProjectLike | None] | None = None


def default_stages() -> Stages:
    """The real project model and renderer, imported only when a build runs."""
    from generator.project.skim import skim_project

    return Stages(_load_project, _render_district, skim_project)


# The full loader and the renderer bring in jsonschema, Jinja2 and lxml: they are imported when
# first called, so that a build in which nothing changed never loads them.
def _load_project(root: Path) -> ProjectLike:
    from generator.project.loader import load_project

    return load_project(root)


def _render_district(project: Any, district: str) -> RenderedLike:
    from generator.render import render_district

    return render_district(project, district)
