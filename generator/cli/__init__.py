"""The `psplugin` command group.

Subcommands live in their own modules and are imported only when invoked, so that `psplugin --help`
stays fast and loads none of the heavy libraries (lxml, jinja2, jsonschema, requests).
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

import generator.log
from generator import __version__
from generator.errors import PspluginError

# name -> (module under generator.cli, one-line help shown in `psplugin --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "Scaffold a bundle project from a preset."),
    "validate": ("validate", "Check project files against the schema and the semantic rules."),
    "render": ("render", "Write one district's rendered plugin tree, unzipped."),
    "build": ("build", "Render, check and package every district into dist/."),
    "simulate": ("simulate", "Serve a local state exchange (B2C login and Ed-Fi API)."),
    "schema": ("schema", "Print the JSON Schema of the project files."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use, with their short help kept here."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"generator.cli.{entry[0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            import difflib

            close = difflib.get_close_matches(name, COMMANDS, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise click.UsageError(f"No such command '{name}'.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PspluginError as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {error}", err=True)
            if error.tip:
                click.echo(f"tip: {error.tip}", err=True)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as error:
            # A file that cannot be read or written: the user's to fix, so no traceback.
            if ctx.obj and ctx.obj.get("debug"):
                raise
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"error: {where}{error.strerror or error}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error} (rerun with --debug for details)",
                err=True,
            )
            ctx.exit(1)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "PSPLUGIN"},
)
@click.version_option(__version__, "--version", prog_name="psplugin")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option("-v", "--verbose", count=True, help="More detail.")
@click.option("-q", "--quiet", is_flag=True, help="Only findings and errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, verbose: int, quiet: bool) -> None:
    """Build, check and smoke-test PowerSchool plugins and state Data Exchange setups."""
    ctx.obj = {"debug": debug, "verbose": verbose, "quiet": quiet}
    generator.log.configure(
        generator.log.DEBUG if debug else generator.log.INFO if verbose else generator.log.WARNING
    )


def main() -> None:
    """The `psplugin` program: run the command line, then exit."""
    try:
        cli.main(prog_name="psplugin")
    finally:
        # Everything still alive lives until the process ends: the collector's last pass over
        # all of it at exit would take longer than a build in which nothing changed spends on
        # its own work. Frozen, the objects are left to the end of the process.
        gc.freeze()


if __name__ == "__main__":
    main()
