"""`psplugin init`: scaffold a bundle project."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import is_quiet

DEFAULT_PRESET = "usims-backpack"


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--preset",
    default=DEFAULT_PRESET,
    show_default=True,
    metavar="NAME",
    help="The preset the project starts from (usims-backpack or blank).",
)
@click.pass_context
def command(ctx: click.Context, directory: Path, preset: str) -> None:
    """Create a bundle project in DIRECTORY, which must be new or empty.

    The project validates and renders at once: one sample district, schema references for
    editors, and comments that explain the format.
    """
    from generator.project.scaffold import available_presets, scaffold

    if preset not in available_presets():
        choices = ", ".join(available_presets())
        raise click.BadParameter(
            f"no preset '{preset}'; available: {choices}", param_hint="--preset"
        )
    written = scaffold(directory, preset)
    if not is_quiet(ctx):
        for path in written:
            click.echo(f"created {path}")
        click.echo(f"next: psplugin validate {directory}")
