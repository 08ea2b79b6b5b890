"""Validate 1,000 district files with `psplugin validate` and with check-jsonschema, in one run.

Both read the same files against the same per-file schema; psplugin also merges each district over
psplugin.yaml and its preset, applies the semantic rules and reports line numbers. Printed: the
best of three wall times of each, and their ratio (below 1.0 means psplugin is faster).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from _common import best_of, make_project, run

DISTRICTS = 1000


def main() -> None:
    bin_dir = Path(sys.executable).parent
    check_jsonschema = shutil.which("check-jsonschema", path=str(bin_dir)) or shutil.which(
        "check-jsonschema"
    )
    if check_jsonschema is None:
        raise SystemExit("check-jsonschema is not installed (pip install check-jsonschema)")

    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "project", DISTRICTS)
        files = sorted(str(p) for p in (project / "districts").glob("*.yaml"))
        schema = str(project / "psplugin.schema.json")

        ours = best_of(
            3, lambda: run([sys.executable, "-m", "generator", "-q", "validate", str(project)])
        )
        theirs = best_of(3, lambda: run([check_jsonschema, "--schemafile", schema, *files]))

    print(f"districts:                     {DISTRICTS}")
    print(f"psplugin validate:             {ours:.2f} s")
    print(f"check-jsonschema (same files): {theirs:.2f} s")
    print(f"ratio psplugin / check-jsonschema: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
