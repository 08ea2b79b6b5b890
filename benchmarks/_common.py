"""Helpers shared by the benchmark scripts: sample projects and timing."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.project.scaffold import scaffold

DISTRICT = """\
# yaml-language-server: $schema=../psplugin.schema.json
district:
  display_name: District {n}
  lea_state_number: "{lea}"
  credentials:
    key: {{env: D{n}_KEY}}
    secret: {{secrets_file: secrets.env, name: D{n}_SECRET}}
data_exchange:
  school_years: ["24-25", "25-26"]
"""


def make_project(root: Path, districts: int, preset: str = "usims-backpack") -> Path:
    """A project with `districts` district files, all valid."""
    scaffold(root, preset)
    (root / "districts" / "sample.yaml").unlink()
    for n in range(districts):
        text = DISTRICT.format(n=n, lea=f"{n % 1000:03d}")
        (root / "districts" / f"district-{n:04d}.yaml").write_text(text)
    return root


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of `runs` timings of `action`, in seconds: the least disturbed by noise."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def run(command: Sequence[str], cwd: Path | None = None, ok: Sequence[int] = (0,)) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode not in ok:
        raise SystemExit(
            f"{command[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
