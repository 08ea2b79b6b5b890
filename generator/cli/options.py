"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from generator.report import FORMATS

F = TypeVar("F", bound=Callable[..., object])


def format_option(choices: tuple[str, ...] = FORMATS) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="text",
        show_default=True,
        envvar="PSPLUGIN_FORMAT",
        show_envvar=True,
        help="How findings are written.",
    )


def project_argument() -> Callable[[F], F]:
    return click.argument(
        "project",
        type=click.Path(file_okay=False, path_type=str),
        default=".",
        required=False,
    )


def is_quiet(ctx: click.Context) -> bool:
    return bool(ctx.find_root().obj and ctx.find_root().obj.get("quiet"))
