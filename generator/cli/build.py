"""`psplugin build`: render, check and package districts into dist/."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from generator.cli.options import format_option, is_quiet, project_argument

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

    from generator.package.build import BuildResult
    from generator.package.outcome import DistrictOutcome


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    from generator.package.shard import parse_shard

    try:
        return parse_shard(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH from the environment, the reproducible-builds way to fix timestamps."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise click.UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {text!r}"
        ) from None


@click.command("build")
@project_argument()
@click.option(
    "--district",
    "districts",
    multiple=True,
    metavar="NAME",
    help="Build only this district (repeatable).",
)
@click.option(
    "--shard",
    metavar="I/N",
    callback=_shard,
    help="Build only part I of N of the districts (CI matrices).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes that check and build districts; 0 means one per CPU.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder [default: PROJECT/dist].",
)
@click.option("--force", is_flag=True, help="Rebuild districts whose inputs did not change.")
@format_option()
@click.pass_context
def command(
    ctx: click.Context,
    project: str,
    districts: tuple[str, ...],
    shard: tuple[int, int] | None,
    jobs: int,
    out: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Render, check and package every district of PROJECT into dist/<district>/.

    Each district gets its plugin zip, data-exchange.json and a setup sheet (Markdown and HTML);
    dist/manifest.json and dist/SHA256SUMS list every artifact in the folder. Districts whose
    inputs did not change are not rebuilt. Exit status 1 when any district has an error finding.
    """
    from generator.package.build import BuildRequest, run_build

    request = BuildRequest(
        project=Path(project),
        out_dir=out,
        districts=districts,
        shard=shard,
        jobs=jobs,
        force=force,
        source_date_epoch=source_date_epoch(),
        list_artifacts=fmt == "json",
    )
    started = time.monotonic()
    progress = _Progress(enabled=sys.stderr.isatty() and not is_quiet(ctx) and fmt == "text")
    try:
        result = run_build(request, on_start=progress.start, on_district=progress.advance)
    finally:
        progress.finish()
    _report(result, fmt, sys.stdout, quiet=is_quiet(ctx), seconds=time.monotonic() - started)
    ctx.exit(0 if result.ok else 1)


class _Progress:
    """A progress bar on stderr, only when a person is watching a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.stack = contextlib.ExitStack()
        self.bar: ProgressBar[int] | None = None

    def start(self, total: int) -> None:
        if self.enabled and total > 1:
            bar: ProgressBar[int] = click.progressbar(
                length=total, label="building", file=sys.stderr, show_pos=True
            )
            self.bar = self.stack.enter_context(bar)

    def advance(self, outcome: DistrictOutcome) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def finish(self) -> None:
        self.stack.close()


def _report(result: BuildResult, fmt: str, out: TextIO, *, quiet: bool, seconds: float) -> None:
    from generator.package.summary import build_document, build_findings, summary_line
    from generator.report import write_findings

    findings = build_findings(result)
    if fmt == "json":
        out.write(json.dumps(build_document(result), indent=2, sort_keys=True) + "\n")
        return
    write_findings(findings, fmt, out, checked=len(result.outcomes), noun="district", quiet=True)
    if not quiet or not result.ok:
        click.echo(summary_line(result, seconds), err=fmt != "text")
