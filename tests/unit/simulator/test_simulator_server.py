"""The server under load and at its edges: bursts of clients, busy ports, and clean stops."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlsplit

import pytest

from generator.errors import PspluginError
from generator.simulator import Simulator, running
from tests.unit.simulator.conftest import b2c_token

CLIENTS = 200


def fetch(url: str, headers: dict[str, str], ready: threading.Barrier | None = None) -> int:
    """One GET on a fresh connection; with `ready`, connect first and wait for the others."""
    parts = urlsplit(url)
    # Under a second: a connection the listen backlog had no room for waits a second for its
    # SYN to be sent again, so it fails here instead of passing slowly.
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=0.9)
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.settimeout(30)
        if ready is not None:
            ready.wait()
        connection.request("GET", f"{parts.path}?{parts.query}", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_hundred_simultaneous_clients_are_all_served(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    url = sim.data_url(2026, "schools") + "?limit=5&totalCount=true"
    headers = {"Authorization": f"Bearer {token}"}
    # Every client connects before any of them asks, so all 200 connections are open at once.
    ready = threading.Barrier(CLIENTS, timeout=30)
    outcomes: list[object] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            outcome: object = fetch(url, headers, ready)
        except (OSError, threading.BrokenBarrierError) as error:
            outcome = error
            ready.abort()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes == [200] * CLIENTS


def test_a_busy_port_is_a_clear_error(sim: Simulator) -> None:
    with pytest.raises(PspluginError, match="cannot listen") as raised, running(port=sim.port):
        pass
    assert raised.value.tip is not None and "--port 0" in raised.value.tip


def test_an_unknown_edfi_version_is_refused() -> None:
    with pytest.raises(PspluginError, match="Ed-Fi version 4"), running(edfi_version=4):
        pass


def test_a_stopped_simulator_refuses_connections() -> None:
    with running() as sim:
        url = f"{sim.data_exchange_url}/"
    with pytest.raises(OSError):
        fetch(url, {})
