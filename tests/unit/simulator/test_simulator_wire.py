"""Every fault over real HTTP: what a client sees, and that the simulator stays healthy after."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from generator.simulator import Simulator, SimulatorOptions, running
from tests.unit.simulator.conftest import b2c_token, bearer, get_data


def root(sim: Simulator, **kwargs: object) -> requests.Response:
    return requests.get(f"{sim.data_exchange_url}/", timeout=kwargs.pop("timeout", 5), **kwargs)  # type: ignore[arg-type]


def test_latency_delays_the_answer() -> None:
    with running(latency_ms=300) as sim:
        started = time.monotonic()
        assert root(sim).status_code == 200
        assert time.monotonic() - started >= 0.3


def test_a_latency_rate_delays_only_its_share() -> None:
    with running(latency_ms=300, faults=["latency:0.5"]) as sim:
        timings = []
        for _ in range(2):
            started = time.monotonic()
            root(sim)
            timings.append(time.monotonic() - started)
        assert timings[0] < 0.3 <= timings[1]


def test_a_hang_lasts_until_the_client_gives_up_and_does_not_block_stopping() -> None:
    simulator = Simulator(SimulatorOptions(faults=["hang"])).start()
    try:
        for _ in range(2):
            with pytest.raises(requests.ReadTimeout):
                root(simulator, timeout=(2, 0.3))
    finally:
        started = time.monotonic()
        simulator.stop()
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("fault", "status", "code", "retry_after"),
    [
        pytest.param("http-500", 500, "AADB2C90085", None, id="500"),
        pytest.param("http-503", 503, "AADB2C90035", "1", id="503"),
        pytest.param("http-429", 429, "AADB2C90229", "1", id="429"),
    ],
)
def test_server_errors_take_the_shape_of_the_endpoint(
    sim: Simulator, fault: str, status: int, code: str, retry_after: str | None
) -> None:
    alpine = sim.districts["alpine"]
    token = b2c_token(sim, alpine)
    sim.faults.set(fault)

    b2c = requests.post(
        sim.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": alpine.key,
            "client_secret": alpine.secret,
        },
        timeout=5,
    )
    edfi = get_data(sim, "schools", token)

    assert b2c.status_code == edfi.status_code == status
    assert b2c.json()["error_description"].startswith(f"{code}: ")
    assert edfi.json()["status"] == status
    assert b2c.headers.get("Retry-After") == edfi.headers.get("Retry-After") == retry_after


def test_a_reset_breaks_the_connection(sim: Simulator) -> None:
    sim.faults.set("reset")
    with pytest.raises(requests.ConnectionError):
        root(sim)
    sim.faults.clear()
    assert root(sim).status_code == 200


def test_malformed_json_is_cut_off(sim: Simulator) -> None:
    sim.faults.set("malformed-json", scope="root")
    response = root(sim)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_an_html_error_page_comes_from_a_proxy(sim: Simulator) -> None:
    sim.faults.set("html-error")
    response = root(sim)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_expired_tokens_are_issued_expired_and_refused(sim: Simulator) -> None:
    alpine = sim.districts["alpine"]
    fresh = b2c_token(sim, alpine)
    sim.faults.set("expired-token")

    body = requests.post(
        sim.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": alpine.key,
            "client_secret": alpine.secret,
        },
        timeout=5,
    ).json()
    refused = get_data(sim, "schools", fresh)

    assert body["expires_on"] < time.time()
    assert refused.status_code == 401
    assert "expired" in refused.headers["WWW-Authenticate"]
    sim.faults.clear()
    assert get_data(sim, "schools", body["access_token"]).status_code == 401
    assert get_data(sim, "schools", fresh).status_code == 200


def test_a_redirect_points_at_plain_http(sim: Simulator) -> None:
    sim.faults.set("redirect-http")
    response = requests.get(f"{sim.data_exchange_url}/", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == f"http://127.0.0.1:{sim.port}/"


def test_an_oversized_body_is_larger_than_any_client_limit() -> None:
    with running(faults=["oversized"], oversized_bytes=4 * 1024 * 1024) as sim:
        with root(sim, stream=True) as response:
            declared = int(response.headers["Content-Length"])
            first = next(response.iter_content(1024 * 1024))
        assert declared >= 4 * 1024 * 1024 - 65536
        assert first.startswith(b'["xxx')
        # The server carries on after the client walked away mid-body.
        sim.faults.clear()
        assert root(sim).status_code == 200


def test_a_whole_oversized_body_is_valid_json() -> None:
    with running(faults=["oversized"], oversized_bytes=200_000) as sim:
        assert root(sim).json()[-1] == "end"


def test_a_rate_and_scope_pick_the_requests_to_hit(sim: Simulator) -> None:
    token = b2c_token(sim, sim.districts["alpine"])
    sim.faults.set("http-503", rate=0.5, scope="data")

    statuses = [get_data(sim, "schools", token, limit=1).status_code for _ in range(4)]

    assert statuses == [200, 503, 200, 503]
    assert root(sim).status_code == 200


def test_faults_on_the_command_line_shape_show_in_the_description() -> None:
    with running(faults=["http-429:0.25@token"], latency_ms=10) as sim:
        assert sim.describe()["faults"] == ["http-429:0.25@token", "latency"]


def test_bodies_over_the_limit_are_refused(sim: Simulator) -> None:
    response = requests.post(sim.edfi_oauth_url, data=b"x" * 70_000, timeout=5)
    assert response.status_code == 413


def test_chunked_bodies_are_refused(sim: Simulator) -> None:
    response = requests.post(sim.edfi_oauth_url, data=iter([b"grant_type=", b"x"]), timeout=5)
    assert response.status_code == 411


def test_stopping_ends_idle_keep_alive_connections() -> None:
    session = requests.Session()
    with running() as sim:
        assert session.get(f"{sim.data_exchange_url}/", timeout=5).status_code == 200
        started = time.monotonic()
    assert time.monotonic() - started < 2
    with pytest.raises(requests.ConnectionError):
        session.get(f"{sim.data_exchange_url}/", timeout=2)


def test_token_and_bearer_flow_survives_every_fault_being_cleared(sim: Simulator) -> None:
    for name in ("http-500", "reset", "html-error", "malformed-json"):
        sim.faults.set(name)
    sim.faults.clear()
    token = b2c_token(sim, sim.districts["alpine"])
    assert get_data(sim, "schools", token, limit=1).status_code == 200
    assert requests.get(sim.data_url(2026, "schools"), headers=bearer(token), timeout=5).ok


def test_a_content_length_that_is_not_a_number_is_refused(sim: Simulator) -> None:
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as stream:
        stream.sendall(b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        answer = stream.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 ")
