"""`psplugin validate`: every finding in a project's files, at once."""

from __future__ import annotations

import sys

import click

from generator.cli.options import format_option, is_quiet, project_argument


@click.command("validate")
@project_argument()
@format_option()
@click.pass_context
def command(ctx: click.Context, project: str, fmt: str) -> None:
    """Check PROJECT's files against the JSON Schema and the semantic rules.

    Each finding is one line, `file:line:col: RULE key.path: message`. Exit status 1 when any
    finding is an error.
    """
    from generator.project.loader import validate_project
    from generator.report import write_findings

    result = validate_project(project)
    write_findings(
        result.findings, fmt, sys.stdout, checked=result.files_checked, quiet=is_quiet(ctx)
    )
    ctx.exit(0 if result.ok else 1)
