"""The stages `build` calls before packaging (opening the project, checking and rendering a
district), seen through the few attributes packaging needs, so that tests can stand in for them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from generator.findings import Finding
from generator.stamps import Stamp
from generator.tree import PluginTree


class ProjectLike(Protocol):
    """A project opened for a build: its own files read and checked, its districts known by name
    and read one at a time by the check_district stage."""

    @property
    def root(self) -> Path: ...

    @property
    def district_names(self) -> list[str]: ...

    def input_files(self, district: str) -> list[Path]:
        """The files that feed this district alone."""
        ...

    def shared_input_files(self) -> Sequence[Path]:
        """The files that feed every district (the same list each time it is asked)."""
        ...

    def input_stamps(self, district: str) -> dict[str, Stamp | None]:
        """Size and modification time of the district's own inputs, from before they were read
        (None for one that was missing)."""
        ...

    def shared_input_stamps(self) -> dict[str, Stamp | None]:
        """The same for the inputs every district shares, and the folders they are listed from."""
        ...

    def secret_references(self, district: str) -> list[dict[str, Any]]: ...

    def resolve_secret(self, reference: Mapping[str, Any]) -> str | None: ...

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
    """The functions that open a project, check and render one district."""

    # Raises ProjectInvalid, with every finding of the project, when its own files are broken.
    open_project: Callable[[Path], ProjectLike]
    # Reads and checks one district, which the project then holds; returns the findings.
    check_district: Callable[[Any, str], list[Finding]]
    render_district: Callable[[Any, str], RenderedLike]
    # Lists and hashes a project's files without checking them, or gives None when it cannot.
    skim_project: Callable[[Path], Any | None] | None = None


def default_stages() -> Stages:
    """The real project model and renderer, imported only when a build runs."""
    return Stages(_open_project, _check_district, _render_district, _skim_project)


def _skim_project(root: Path) -> Any | None:
    from generator.project.skim import skim_project

    return skim_project(root)


# The loader and the renderer bring in PyYAML, Jinja2 and lxml: they are imported when first
# called, so that a build in which nothing changed never loads them.
def _open_project(root: Path) -> ProjectLike:
    from generator.project.loader import open_project, validate_project
    from generator.project.model import ProjectInvalid

    opened = open_project(root)
    if not opened.ok:
        # Every finding at once, the districts' included, as `validate` reports them.
        raise ProjectInvalid(validate_project(root).findings)
    return _BuildProject(opened)


def _check_district(project: _BuildProject, district: str) -> list[Finding]:
    from generator.project.loader import check_district

    return check_district(project.opened, district)


def _render_district(project: _BuildProject, district: str) -> RenderedLike:
    from generator.render import render_district

    return render_district(project.project, district)


class _BuildProject:
    """The project model as the build sees it."""

    def __init__(self, opened: Any) -> None:
        self.opened = opened
        self.project = opened.project
        self._root = Path(opened.root)

    @property
    def root(self) -> Path:
        return self._root

    @property
    def district_names(self) -> list[str]:
        return list(self.opened.files)

    def input_files(self, district: str) -> list[Path]:
        return list(self.project.input_files(district))

    def shared_input_files(self) -> Sequence[Path]:
        files: Sequence[Path] = self.project.shared_input_files()
        return files

    def input_stamps(self, district: str) -> dict[str, Stamp | None]:
        return dict(self.project.input_stamps(district))

    def shared_input_stamps(self) -> dict[str, Stamp | None]:
        return dict(self.project.shared_input_stamps())

    def secret_references(self, district: str) -> list[dict[str, Any]]:
        return list(self.project.secret_references(district))

    def resolve_secret(self, reference: Mapping[str, Any]) -> str | None:
        value = self.project.resolve_secret(dict(reference))
        return value if isinstance(value, str) else None

    def file_digests(self) -> Mapping[Path, str]:
        return dict(self.project.file_digests())
