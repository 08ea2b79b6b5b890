"""The command group: help, version, usage errors, and what `--help` loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator import __version__
from generator.cli import COMMANDS
from tests.conftest import invoke

HEAVY = ("lxml", "jinja2", "jsonschema", "requests")


def test_help_loads_no_heavy_library() -> None:
    probe = (
        "import sys\n"
        "from generator.cli import cli\n"
        "try:\n"
        "    cli.main(['--help'], prog_name='psplugin')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_help_lists_every_command() -> None:
    result = invoke(["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    result = invoke([name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_version() -> None:
    assert __version__ in invoke(["--version"]).output


def test_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    result = invoke(["valdate"])
    assert result.exit_code == 2
    assert "Did you mean 'validate'" in result.output


def test_unknown_option_is_a_usage_error() -> None:
    assert invoke(["validate", "--no-such-option"]).exit_code == 2


def test_options_come_from_environment_variables(project: object) -> None:
    result = invoke(["validate", str(project)], env={"PSPLUGIN_FORMAT": "json"})
    assert result.output.lstrip().startswith("{")

    result = invoke(
        ["render", str(project), "--out", "x"], env={"PSPLUGIN_RENDER_DISTRICT": "nope"}
    )
    assert "no district 'nope'" in result.output


def test_an_unwritable_output_is_an_error_not_a_traceback(project: object) -> None:
    result = invoke(["render", str(project), "-d", "sample", "-o", "/proc/psplugin-test/out"])

    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output


def test_an_unknown_preset_is_a_usage_error(tmp_path: object) -> None:
    result = invoke(["init", f"{tmp_path}/new", "--preset", "nope"])

    assert result.exit_code == 2
    assert "usims-backpack" in result.output
