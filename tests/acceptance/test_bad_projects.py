"""Every file of the bad-input corpus ends in exit 1 with its file, line and rule, no traceback,
no hang, and nothing written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, run_psplugin

CORPUS = sorted((DATA / "bad").glob("*.yaml"))


def _expected_rule(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    match = re.fullmatch(r"# expect: (\S+)", first)
    assert match, f"{path.name} must start with '# expect: RULE'"
    return match.group(1)


def _place(project: Path, case: Path) -> str:
    """Put the bad file where its name says; return its path as findings name it."""
    if case.name.startswith("project-"):
        shutil.copyfile(case, project / "psplugin.yaml")
        return "psplugin.yaml"
    shutil.copyfile(case, project / "districts" / "bad.yaml")
    return "districts/bad.yaml"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("case", CORPUS, ids=[p.stem for p in CORPUS])
def test_bad_file_is_reported_with_its_place(project: Path, case: Path) -> None:
    shown = _place(project, case)
    before = _snapshot(project.parent)

    result = run_psplugin(["validate", "."], cwd=project, timeout=20)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    rule = _expected_rule(case)
    located = re.compile(rf"^{re.escape(shown)}:\d+:\d+: {re.escape(rule)}\b", re.MULTILINE)
    assert located.search(result.stdout), result.stdout
    assert _snapshot(project.parent) == before


def test_oversized_file_is_refused_before_parsing(project: Path) -> None:
    big = project / "districts" / "big.yaml"
    big.write_text("district:\n  display_name: x\n" + "# padding\n" * 1_100_000)

    result = run_psplugin(["validate", "."], cwd=project, timeout=20)

    assert result.returncode == 1
    assert "districts/big.yaml:1:1: yaml.too-large" in result.stdout


def test_secret_values_never_appear_in_output(project: Path) -> None:
    case = DATA / "bad" / "district-literal-secret.yaml"
    _place(project, case)

    for fmt in ("text", "json", "github"):
        result = run_psplugin(["validate", ".", "--format", fmt], cwd=project)
        assert "s3cr3t-VALUE" not in result.stdout + result.stderr
