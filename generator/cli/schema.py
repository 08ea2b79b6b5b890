"""`psplugin schema`: the JSON Schema of the project files, for editors and other tools."""

from __future__ import annotations

import json

import click


@click.command("schema")
@click.option(
    "--merged",
    is_flag=True,
    help="The schema of a district's merged document, with every required key, instead of the "
    "per-file schema editors use.",
)
def command(merged: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of psplugin.yaml and district files."""
    from generator.project.schema import bundle_schema, layer_schema

    schema = bundle_schema() if merged else layer_schema()
    click.echo(json.dumps(schema, indent=2))
