"""Small stand-ins for the project model and the renderer, so that packaging is tested alone.

A fake project is a folder with `plugin.txt` (the plugin's name and version on two lines) and
`districts/<name>.txt`; a district's file becomes its plugin's one page. A line `extra: PATH` in it
adds an empty file at PATH to the tree, `secret: VALUE` makes VALUE one of its secrets, and a line
`invalid` makes the district fail its check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.findings import Finding
from generator.package.stages import Stages
from generator.stamps import Stamp, file_stamp
from generator.tree import PluginTree


@dataclass
class FakeProject:
    root: Path

    @property
    def district_names(self) -> list[str]:
        return sorted(path.stem for path in (self.root / "districts").glob("*.txt"))

    def input_files(self, district: str) -> list[Path]:
        return [self.root / "districts" / f"{district}.txt"]

    def shared_input_files(self) -> list[Path]:
        return [self.root / "plugin.txt"]

    def input_stamps(self, district: str) -> dict[str, Stamp | None]:
        return {str(path): file_stamp(path) for path in self.input_files(district)}

    def shared_input_stamps(self) -> dict[str, Stamp | None]:
        paths = [*self.shared_input_files(), self.root / "districts"]
        return {str(path): file_stamp(path) for path in paths}

    def file_digests(self) -> dict[Path, str]:
        return {}

    def secret_references(self, district: str) -> list[dict[str, Any]]:
        lines = self._lines(district)
        return [
            {"value": line.removeprefix("secret: ")}
            for line in lines
            if line.startswith("secret: ")
        ]

    def resolve_secret(self, reference: Mapping[str, Any]) -> str | None:
        return str(reference["value"])

    def _lines(self, district: str) -> list[str]:
        return (self.root / "districts" / f"{district}.txt").read_text().splitlines()


@dataclass
class FakeRendered:
    district: str
    display_name: str
    plugin_name: str
    plugin_slug: str
    plugin_version: str
    tree: PluginTree
    data_exchange: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)


def open_fake(root: Path) -> FakeProject:
    return FakeProject(Path(root))


def check_fake(project: FakeProject, district: str) -> list[Finding]:
    if "invalid" in project._lines(district):
        return [Finding(f"districts/{district}.txt", 1, 1, "fake-check", "invalid district")]
    return []


def render_fake(project: FakeProject, district: str) -> FakeRendered:
    name, version = (project.root / "plugin.txt").read_text().splitlines()[:2]
    page = (project.root / "districts" / f"{district}.txt").read_bytes()
    tree = PluginTree(origin=district)
    tree.add("plugin.xml", f'<plugin name="{name}" version="{version}"/>\n'.encode())
    tree.add("web_root/admin/backpack.html", page)
    findings = []
    for line in page.decode().splitlines():
        if line.startswith("extra: "):
            tree.add(line.removeprefix("extra: "), b"")
        if line == "error":
            findings.append(Finding(f"{district}/plugin.xml", 1, 1, "fake-rule", "broken"))
    exchange = {
        "district": {"name": district, "display_name": district.title(), "lea_state_number": "07"},
        "profile": {"name": "USIMS Student Backpack", "type": "EDFI_UT"},
        "data_exchange_url": "https://usims.schools.utah.gov",
        "authentication_url": "https://usimsprod.b2clogin.com/usimsprod.onmicrosoft.com/B2C_1A_X",
        "school_years": ["25-26"],
        "service_options": ["Student Backpack"],
        "credentials": {"key": {"env": f"{district.upper()}_KEY"}},
        "staff_permissions": [{"name": "Student Backpack Access", "grant": "View Access"}],
        "assumptions": {},
        "state": "UT",
    }
    return FakeRendered(
        district=district,
        display_name=district.title(),
        plugin_name=name,
        plugin_slug="usims-backpack",
        plugin_version=version,
        tree=tree,
        data_exchange=None if "no-exchange" in page.decode() else exchange,
        findings=findings,
    )


FAKE_STAGES = Stages(open_project=open_fake, check_district=check_fake, render_district=render_fake)


def make_project(root: Path, districts: dict[str, str], version: str = "1.0.0") -> Path:
    """Write a fake project with the given district pages; returns its root."""
    (root / "districts").mkdir(parents=True, exist_ok=True)
    (root / "plugin.txt").write_text(f"USIMS Student Backpack\n{version}\n")
    for name, page in districts.items():
        (root / "districts" / f"{name}.txt").write_text(page)
    return root
