"""Shared fixtures: sample projects made by `psplugin init`, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.project.scaffold import scaffold

DATA = Path(__file__).parent / "data"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh USIMS Student Backpack project with one district, `sample`."""
    root = tmp_path / "project"
    scaffold(root, "usims-backpack")
    return root


@pytest.fixture
def blank_project(tmp_path: Path) -> Path:
    root = tmp_path / "blank"
    scaffold(root, "blank")
    return root


def invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    """Run the CLI in-process, as a user would from a shell."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def run_psplugin(
    args: Sequence[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 30,
) -> subprocess.CompletedProcess[str]:
    """Run psplugin in a child process: what a shell or CI sees, tracebacks included."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
