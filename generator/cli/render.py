"""`psplugin render`: one district's plugin tree, unzipped, for review and diffs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.options import format_option, is_quiet, project_argument


@click.command("render")
@project_argument()
@click.option("--district", "-d", required=True, metavar="NAME", help="The district to render.")
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write: the plugin under plugin/, and data-exchange.json beside it.",
)
@format_option()
@click.pass_context
def command(ctx: click.Context, project: str, district: str, out: Path, fmt: str) -> None:
    """Render one district of PROJECT into a folder, after checking it with the same rules as
    `build`. Nothing is written when a check fails."""
    from generator.project.loader import load_project
    from generator.project.model import ProjectInvalid
    from generator.render import render_district
    from generator.render.output import write_rendered
    from generator.report import write_findings

    quiet = is_quiet(ctx)
    try:
        loaded = load_project(project)
    except ProjectInvalid as error:
        write_findings(error.findings, fmt, sys.stdout, checked=1, quiet=quiet)
        ctx.exit(1)
    if district not in loaded.districts:
        known = ", ".join(loaded.district_names) or "none"
        raise click.BadParameter(
            f"no district '{district}' (known: {known})", param_hint="--district"
        )

    rendered = render_district(loaded, district)
    if rendered.findings:
        write_findings(rendered.findings, fmt, sys.stdout, checked=len(rendered.tree), quiet=True)
    if any(f.is_error for f in rendered.findings):
        click.echo(
            f"error: {district} was not written: its plugin breaks the rules above", err=True
        )
        ctx.exit(1)

    write_rendered(rendered, out)
    if not quiet:
        click.echo(f"rendered {district}: {len(rendered.tree)} files in {out / 'plugin'}")
