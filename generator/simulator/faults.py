"""Faults on demand: which exist, how a `--fault` value reads, and which requests they hit."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

# Request kinds a fault can be limited to with `@SCOPE`: the B2C discovery document and keys, both
# token endpoints, the Ed-Fi discovery root, and the Ed-Fi data routes.
SCOPES = ("all", "openid", "token", "root", "data")
CONNECTION = "connection"


@dataclass(frozen=True)
class FaultSpec:
    name: str
    help: str
    kinds: frozenset[str] = frozenset(SCOPES[1:])
    needs_tls: bool = False


def _spec(name: str, help: str, kinds: Iterable[str] = SCOPES[1:], tls: bool = False) -> FaultSpec:
    return FaultSpec(name, help, frozenset(kinds), tls)


FAULTS: dict[str, FaultSpec] = {
    spec.name: spec
    for spec in (
        _spec("latency", "answer late, by --latency MS (1500 ms unless given)"),
        _spec("hang", "read the request, then never answer, until the client gives up"),
        _spec("http-500", "500 Internal Server Error, shaped like the endpoint's own errors"),
        _spec("http-503", "503 Service Unavailable with Retry-After"),
        _spec("http-429", "429 Too Many Requests with Retry-After"),
        _spec("reset", "reset the TCP connection instead of answering"),
        _spec("malformed-json", "the real answer, its JSON body cut off in the middle"),
        _spec("html-error", "502 with an HTML error page, as a proxy in front would send"),
        _spec(
            "expired-token",
            "tokens are issued already expired, and the API refuses tokens as expired",
            kinds=("token", "data"),
        ),
        _spec("redirect-http", "301 to the same path over plain http"),
        _spec("oversized", "200 with a JSON body far larger than any real answer"),
        _spec(
            "self-signed-cert",
            "TLS handshake with a self-signed certificate (per connection)",
            kinds=(CONNECTION,),
            tls=True,
        ),
        _spec(
            "wrong-host-cert",
            "TLS handshake with a certificate for another host name (per connection)",
            kinds=(CONNECTION,),
            tls=True,
        ),
    )
}


@dataclass(frozen=True)
class FaultSetting:
    """One fault, the share of matching requests it hits, and the request kinds it is limited to."""

    name: str
    rate: float = 1.0
    scope: str = "all"

    def __post_init__(self) -> None:
        if self.name not in FAULTS:
            known = ", ".join(FAULTS)
            raise ValueError(f"unknown fault {self.name!r} (known: {known})")
        if not 0.0 < self.rate <= 1.0:
            raise ValueError(f"fault rate {self.rate} must be above 0 and at most 1")
        if self.scope not in SCOPES:
            raise ValueError(f"unknown fault scope {self.scope!r} (known: {', '.join(SCOPES)})")
        kinds = FAULTS[self.name].kinds
        if self.scope != "all" and self.scope not in kinds:
            where = ", ".join(sorted(kinds))
            raise ValueError(f"fault {self.name} cannot be limited to {self.scope} (only: {where})")

    @classmethod
    def parse(cls, text: str) -> FaultSetting:
        """Read `NAME`, `NAME:RATE`, `NAME@SCOPE` or `NAME:RATE@SCOPE` (`http-503:0.25@data`)."""
        rest, _, scope = text.partition("@")
        name, colon, rate = rest.partition(":")
        try:
            value = float(rate) if colon else 1.0
        except ValueError:
            raise ValueError(f"fault rate {rate!r} is not a number") from None
        return cls(name.strip(), value, scope.strip() or "all")

    def __str__(self) -> str:
        rate = "" if self.rate == 1.0 else f":{self.rate:g}"
        scope = "" if self.scope == "all" else f"@{self.scope}"
        return f"{self.name}{rate}{scope}"

    def applies_to(self, kind: str) -> bool:
        return kind in FAULTS[self.name].kinds and self.scope in ("all", kind)


class _Counter:
    """Fires on exactly `rate` of the matching requests, spread evenly: 0.25 is every fourth."""

    def __init__(self, setting: FaultSetting) -> None:
        self.setting = setting
        self._rate = Fraction(setting.rate).limit_denominator(1_000_000)
        self._seen = 0

    def fires(self) -> bool:
        self._seen += 1
        return int(self._seen * self._rate) > int((self._seen - 1) * self._rate)


class FaultPlan:
    """The faults in force; safe to change from any thread while the simulator is serving."""

    def __init__(self, settings: Iterable[FaultSetting] = ()) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, _Counter] = {}
        for setting in settings:
            self.set(setting.name, setting.rate, setting.scope)

    def set(self, name: str, rate: float = 1.0, scope: str = "all") -> None:
        """Turn a fault on (or change its rate or scope); its count of requests starts again."""
        setting = FaultSetting(name, rate, scope)
        with self._lock:
            self._counters[name] = _Counter(setting)

    def clear(self, name: str | None = None) -> None:
        """Turn one fault off, or all of them."""
        with self._lock:
            if name is None:
                self._counters.clear()
            else:
                self._counters.pop(name, None)

    def settings(self) -> list[FaultSetting]:
        with self._lock:
            return [counter.setting for counter in self._counters.values()]

    @property
    def needs_tls(self) -> bool:
        return any(FAULTS[setting.name].needs_tls for setting in self.settings())

    def draw(self, kind: str) -> frozenset[str]:
        """The faults that hit this request (or, for kind `connection`, this TLS handshake)."""
        with self._lock:
            return frozenset(
                name
                for name, counter in self._counters.items()
                if counter.setting.applies_to(kind) and counter.fires()
            )

    @contextmanager
    def applied(self, name: str, rate: float = 1.0, scope: str = "all") -> Iterator[None]:
        """A fault for the duration of a `with` block, e.g. one step of a test."""
        self.set(name, rate, scope)
        try:
            yield
        finally:
            self.clear(name)


def describe_faults() -> str:
    """One line per fault, for `--help`."""
    width = max(len(name) for name in FAULTS)
    return "\n".join(f"{spec.name.ljust(width)}  {spec.help}" for spec in FAULTS.values())
