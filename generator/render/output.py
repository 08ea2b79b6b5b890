"""Writing a rendered district to a folder, all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from generator.errors import InputError
from generator.render.district import RenderedDistrict

PLUGIN_DIR = "plugin"
DATA_EXCHANGE_FILE = "data-exchange.json"


def data_exchange_bytes(profile: object) -> bytes:
    return (json.dumps(profile, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_rendered(rendered: RenderedDistrict, out: Path) -> None:
    """Replace `out` with the district's plugin tree and profile; on failure `out` is untouched."""
    if out.exists() and any(out.iterdir()) and not (out / PLUGIN_DIR / "plugin.xml").is_file():
        raise InputError(
            "the folder exists and holds no rendered plugin; choose another --out", file=out
        )
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        for relative, content in sorted(rendered.tree.files.items()):
            target = staging / PLUGIN_DIR / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        if rendered.data_exchange is not None:
            (staging / DATA_EXCHANGE_FILE).write_bytes(data_exchange_bytes(rendered.data_exchange))
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    retired = out.with_name(f".{out.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(out, retired)
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)
