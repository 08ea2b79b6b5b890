"""`psplugin simulate`: serve a local state exchange until Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click

from generator.simulator.faults import FAULTS, SCOPES, FaultSetting, describe_faults
from generator.simulator.simulator import Simulator, SimulatorOptions

EPILOG = (
    "\b\nFaults (--fault NAME[:RATE][@SCOPE]; RATE above 0, at most 1, default 1, and 0.25\n"
    f"hits every fourth matching request; SCOPE is one of {', '.join(SCOPES)}):\n"
    + "\n".join(f"  {line}" for line in describe_faults().splitlines())
    + "\n\n\bThe data file format is in docs/simulator.md; without --data, three sample districts"
    "\nwith fake keys are served."
)


def _faults(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    for value in values:
        try:
            FaultSetting.parse(value)
        except ValueError as error:
            raise click.BadParameter(str(error), ctx, param) from None
    return list(values)


@click.command(epilog=EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="0 picks a free one.",
)
@click.option("--tls", is_flag=True, help="Serve https with a generated certificate and CA.")
@click.option("--cert", type=click.Path(dir_okay=False, path_type=Path), help="PEM certificate.")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="Its PEM private key.")
@click.option(
    "--data",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Districts, keys, schools and students (YAML or JSON).",
)
@click.option(
    "--edfi-version",
    type=click.Choice(["5", "6", "7"]),
    default="7",
    show_default=True,
    help="Which ODS/API release line to imitate.",
)
@click.option(
    "--latency",
    "latency_ms",
    type=click.IntRange(min=0),
    metavar="MS",
    help="Delay of the latency fault; alone, delays every request.",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="NAME[:RATE][@SCOPE]",
    callback=_faults,
    help="Inject a fault (repeatable); the list is below.",
)
@click.option(
    "--token-ttl",
    type=click.IntRange(min=1),
    metavar="S",
    help="Token lifetime (default 3600 at B2C, 1800 at Ed-Fi).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: URLs and credentials as one JSON object on the first line of stdout.",
)
def command(
    host: str,
    port: int,
    tls: bool,
    cert: Path | None,
    key: Path | None,
    data: Path | None,
    edfi_version: str,
    latency_ms: int | None,
    faults: list[str],
    token_ttl: int | None,
    fmt: str,
) -> None:
    """Serve a local state exchange: Azure AD B2C-style login and an Ed-Fi ODS/API.

    It prints its Data Exchange URL, its Authentication URL and sample credentials, then serves
    until Ctrl-C or SIGTERM. It binds to 127.0.0.1 unless --host says otherwise.
    """
    if tls and (cert or key):
        raise click.UsageError("use either --tls (generated certificate) or --cert/--key, not both")
    if (cert is None) != (key is None):
        raise click.UsageError("--cert and --key go together")
    uses_tls = tls or cert is not None
    if not uses_tls and any(FAULTS[FaultSetting.parse(f).name].needs_tls for f in faults):
        raise click.UsageError("the certificate faults need --tls or --cert/--key")

    options = SimulatorOptions(
        host=host,
        port=port,
        tls=tls,
        cert_file=cert,
        key_file=key,
        data=data,
        edfi_version=int(edfi_version),
        latency_ms=latency_ms,
        faults=faults,
        token_ttl=token_ttl,
    )
    simulator = Simulator(options)
    with _until_signalled() as stop:
        simulator.start()
        try:
            _announce(simulator, fmt)
            while not stop.wait(0.5):
                pass
        finally:
            simulator.stop()


@contextmanager
def _until_signalled() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM, so that either ends the command with exit status 0."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _announce(simulator: Simulator, fmt: str) -> None:
    info = simulator.describe()
    if fmt == "json":
        click.echo(json.dumps(info))
    else:
        click.echo(_text(info))
    sys.stdout.flush()


def _text(info: dict[str, Any]) -> str:
    mode = f" ({info['api_mode']})" if info["api_mode"] else ""
    lines = [
        f"psplugin simulate: Ed-Fi ODS/API {info['edfi_version']}{mode} with B2C-style login",
        f"  Data Exchange URL   {info['data_exchange_url']}",
        f"  Authentication URL  {info['auth_url']}",
    ]
    if info["ca_file"]:
        lines.append(f"  CA certificate      {info['ca_file']}")
    if info["faults"]:
        lines.append(f"  Faults              {', '.join(info['faults'])}")
    lines += ["", "Sample credentials (fake, valid only here):"]
    rows = [("district", "LEA", "key", "secret", "school years")] + [
        (
            d["name"],
            d["lea_state_number"],
            d["key"],
            d["secret"],
            ", ".join(d["school_years"]),
        )
        for d in info["districts"]
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[4]]))
    lines += ["", "Stop with Ctrl-C."]
    return "\n".join(lines)
