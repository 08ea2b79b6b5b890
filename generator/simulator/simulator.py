"""Start and stop a simulator: options in, URLs and credentials out, served on a daemon thread."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ConfigError, PspluginError
from generator.log import get_log
from generator.simulator.data import District, ExchangeData, edfi_school_year, load_data
from generator.simulator.exchange import Exchange
from generator.simulator.faults import FAULTS, FaultPlan, FaultSetting
from generator.simulator.sample import sample_data
from generator.simulator.server import SimulatorHTTPServer, WireSettings
from generator.simulator.tls import KeyPair, TlsProvider
from generator.simulator.versions import EdFiProfile, profile_for

logger = get_log(__name__)

WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


@dataclass(frozen=True)
class SimulatorOptions:
    """What `psplugin simulate` takes; `data` is a file, loaded data, or None for the sample."""

    host: str = "127.0.0.1"
    port: int = 0
    tls: bool = False
    cert_file: Path | None = None
    key_file: Path | None = None
    data: ExchangeData | str | Path | None = None
    edfi_version: int = 7
    latency_ms: int | None = None
    faults: Sequence[str | FaultSetting] = field(default_factory=tuple)
    token_ttl: int | None = None
    retry_after: int = 1
    oversized_bytes: int = 16 * 1024 * 1024


class Simulator:
    """A running (or ready to run) state exchange; see `running()` for the usual way to get one."""

    def __init__(self, options: SimulatorOptions | None = None) -> None:
        self.options = options or SimulatorOptions()
        self.profile: EdFiProfile = _profile(self.options.edfi_version)
        self.data = _data(self.options.data)
        self.faults = FaultPlan(_fault_settings(self.options))
        self._server: SimulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._workdir: Path | None = None
        self._exchange: Exchange | None = None
        self._tls: TlsProvider | None = None

    def start(self) -> Simulator:
        """Bind the port and serve on a daemon thread; returns at once, ready for requests."""
        options = self.options
        uses_tls = options.tls or options.cert_file is not None
        if self.faults.needs_tls and not uses_tls:
            raise ConfigError("the certificate faults need TLS: add --tls or --cert/--key")
        self._workdir = Path(tempfile.mkdtemp(prefix="psplugin-simulate-"))
        try:
            if uses_tls:
                self._tls = self._tls_provider()
                if self.faults.needs_tls:
                    self._tls.prepare_bad_certificates()
            self._server = self._bind()
        except BaseException:
            self._remove_workdir()
            raise

        scheme = "https" if uses_tls else "http"
        base_url = f"{scheme}://{self._url_host()}:{self.port}"
        self._exchange = Exchange(self.data, self.profile, base_url, options.token_ttl)
        self._server.exchange = self._exchange
        self._server.http_origin = f"http://{self._url_host()}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="psplugin-simulator",
            daemon=True,
        )
        self._thread.start()
        logger.info("simulator serving on %s", base_url)
        return self

    def stop(self) -> None:
        """Stop serving, end open connections (hung ones included) and remove generated files."""
        server, self._server = self._server, None
        if server is not None:
            server.stopping.set()
            server.shutdown()
            server.server_close()
            server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._remove_workdir()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return int(self._server.server_address[1])

    @property
    def exchange(self) -> Exchange:
        if self._exchange is None:
            raise RuntimeError("the simulator is not running")
        return self._exchange

    @property
    def data_exchange_url(self) -> str:
        """The Data Exchange URL, without a trailing slash, as PowerSchool's setting holds it."""
        return self.exchange.edfi.base_url

    @property
    def auth_url(self) -> str:
        """The Authentication URL: `{base}/{tenant}.onmicrosoft.com/{policy}`."""
        return self.exchange.auth.auth_url

    @property
    def token_url(self) -> str:
        return self.exchange.auth.token_url

    @property
    def openid_configuration_url(self) -> str:
        return self.exchange.auth.openid_configuration_url

    @property
    def edfi_oauth_url(self) -> str:
        return self.exchange.edfi.oauth_url

    @property
    def ca_file(self) -> Path | None:
        """The CA certificate to verify the generated TLS certificate with (None without one)."""
        return self._tls.ca_file if self._tls is not None else None

    @property
    def districts(self) -> dict[str, District]:
        return {district.name: district for district in self.data.districts}

    def data_url(self, school_year: int | str, resource: str = "") -> str:
        """The URL of an Ed-Fi resource (e.g. `schools`) for a school year (2026 or `25-26`)."""
        year = edfi_school_year(school_year)
        path = self.profile.year_route(year) + (f"ed-fi/{resource}" if resource else "")
        return f"{self.data_exchange_url}{path}"

    def describe(self) -> dict[str, Any]:
        """Where to go and how to log in: what `psplugin simulate --format json` prints first."""
        return {
            "data_exchange_url": self.data_exchange_url,
            "auth_url": self.auth_url,
            "openid_configuration_url": self.openid_configuration_url,
            "token_url": self.token_url,
            "edfi_oauth_url": self.edfi_oauth_url,
            "edfi_version": self.profile.version,
            "api_mode": self.profile.api_mode,
            "tls": self._tls is not None,
            "ca_file": str(self.ca_file) if self.ca_file else None,
            "faults": [str(setting) for setting in self.faults.settings()],
            "districts": [
                {
                    "name": district.name,
                    "lea_state_number": district.lea_state_number,
                    "local_education_agency_id": district.local_education_agency_id,
                    "key": district.key,
                    "secret": district.secret,
                    "school_years": district.school_year_labels,
                    "edfi_school_years": list(district.school_years),
                }
                for district in self.data.districts
            ],
        }

    def _tls_provider(self) -> TlsProvider:
        assert self._workdir is not None
        options = self.options
        hosts = sorted({"localhost", "127.0.0.1", "::1", self._url_host().strip("[]")})
        own = None
        if options.cert_file is not None:
            if options.key_file is None:
                raise ConfigError("--cert needs --key: give the certificate's private key too")
            own = KeyPair(Path(options.cert_file), Path(options.key_file))
        return TlsProvider(self._workdir / "tls", hosts, own)

    def _bind(self) -> SimulatorHTTPServer:
        options = self.options
        wire = WireSettings(
            latency=(options.latency_ms if options.latency_ms is not None else 1500) / 1000,
            retry_after=options.retry_after,
            oversized_bytes=options.oversized_bytes,
        )
        try:
            return SimulatorHTTPServer((options.host, options.port), self.faults, wire, self._tls)
        except OSError as error:
            raise PspluginError(
                f"cannot listen on {options.host}:{options.port}: {error.strerror or error}",
                tip="choose another --port, or --port 0 for any free one",
            ) from None

    def _url_host(self) -> str:
        host = WILDCARD_HOSTS.get(self.options.host, self.options.host)
        return f"[{host}]" if ":" in host else host

    def _remove_workdir(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def _profile(version: int) -> EdFiProfile:
    try:
        return profile_for(version)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def _data(source: ExchangeData | str | Path | None) -> ExchangeData:
    if source is None:
        return sample_data()
    if isinstance(source, ExchangeData):
        return source
    return load_data(source)


def _fault_settings(options: SimulatorOptions) -> list[FaultSetting]:
    """The faults asked for; `--latency` alone delays every request, as `--fault latency` would."""
    settings = []
    for fault in options.faults:
        try:
            settings.append(fault if isinstance(fault, FaultSetting) else FaultSetting.parse(fault))
        except ValueError as error:
            raise ConfigError(str(error)) from None
    if options.latency_ms is not None and all(s.name != "latency" for s in settings):
        settings.append(FaultSetting("latency"))
    return settings


@contextmanager
def running(**options: Any) -> Iterator[Simulator]:
    """Serve a simulator on a free port for the `with` block, e.g. `running(edfi_version=6)`."""
    simulator = Simulator(SimulatorOptions(**options))
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


__all__ = ["FAULTS", "Simulator", "SimulatorOptions", "running"]
