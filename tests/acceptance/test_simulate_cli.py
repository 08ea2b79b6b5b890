"""`psplugin simulate` as scripts and CI use it: start, read the first line, use it, SIGTERM it."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from generator.cli import cli
from generator.simulator import FAULTS

ROOT = Path(__file__).resolve().parents[2]


class Started:
    def __init__(self, process: subprocess.Popen[str], first_line: str) -> None:
        self.process = process
        self.first_line = first_line

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(sig)
        _, stderr = self.process.communicate(timeout=10)
        return self.process.returncode, stderr


def read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout):
        raise AssertionError("the simulator printed nothing in time")
    return process.stdout.readline()


@contextmanager
def simulate(args: Sequence[str] = ()) -> Iterator[Started]:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "simulate", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Buffered like a pipe in CI: the start line must arrive because it is flushed.
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )
    try:
        yield Started(process, read_line(process, timeout=20))
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def login(info: dict[str, Any], district: dict[str, Any], **kwargs: Any) -> str:
    response = requests.post(
        info["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_id": district["key"],
            "client_secret": district["secret"],
        },
        timeout=5,
        **kwargs,
    )
    assert response.status_code == 200
    token: str = response.json()["access_token"]
    return token


def test_json_start_line_then_requests_then_sigterm_exits_zero() -> None:
    with simulate(["--format", "json", "--edfi-version", "6"]) as started:
        info = json.loads(started.first_line)
        alpine = next(d for d in info["districts"] if d["name"] == "alpine")
        token = login(info, alpine)

        root = requests.get(f"{info['data_exchange_url']}/", timeout=5).json()
        schools = requests.get(
            f"{info['data_exchange_url']}/data/v3/2026/ed-fi/schools",
            params={"limit": "0", "totalCount": "true"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        )
        status, stderr = started.stop()

    assert info["auth_url"].endswith("/usimssim.onmicrosoft.com/B2C_1A_StudentInformationSystem")
    assert {"name", "lea_state_number", "key", "secret", "school_years"} <= set(alpine)
    assert alpine["school_years"] == ["24-25", "25-26"]
    assert root["apiMode"] == "Year Specific"
    assert schools.headers["Total-Count"] == "30"
    assert status == 0
    assert "Traceback" not in stderr


def test_ctrl_c_stops_cleanly_too() -> None:
    with simulate() as started:
        assert started.first_line.startswith("psplugin simulate: Ed-Fi ODS/API 7.3")
        time.sleep(0.2)
        status, stderr = started.stop(signal.SIGINT)
    assert status == 0
    assert "Traceback" not in stderr


def test_tls_with_faults_from_the_command_line() -> None:
    with simulate(["--format", "json", "--tls", "--fault", "http-503@data"]) as started:
        info = json.loads(started.first_line)
        token = login(info, info["districts"][0], verify=info["ca_file"])
        response = requests.get(
            f"{info['data_exchange_url']}/2026/data/v3/ed-fi/schools",
            headers={"Authorization": f"Bearer {token}"},
            verify=info["ca_file"],
            timeout=5,
        )
        status, _ = started.stop()

    assert info["data_exchange_url"].startswith("https://")
    assert info["faults"] == ["http-503@data"]
    assert (response.status_code, response.headers["Retry-After"]) == (503, "1")
    assert status == 0
    assert not Path(info["ca_file"]).exists()


def test_a_data_file_is_served(tmp_path: Path) -> None:
    data = tmp_path / "exchange.yaml"
    data.write_text(
        "auth: {tenant: teststate, policy: B2C_1A_Rehearsal}\n"
        "districts:\n"
        "  - name: north\n"
        "    lea_state_number: '42'\n"
        "    local_education_agency_id: 4242\n"
        "    key: north-key\n"
        "    secret: north-secret\n"
        "    school_years: ['25-26']\n"
        "    schools: [{school_id: 4242001, name_of_institution: North High}]\n"
    )
    with simulate(["--format", "json", "--data", str(data)]) as started:
        info = json.loads(started.first_line)
        started.stop()
    assert info["auth_url"].endswith("/teststate.onmicrosoft.com/B2C_1A_Rehearsal")
    assert [d["name"] for d in info["districts"]] == ["north"]


def run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "simulate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_bad_data_file_exits_1_with_file_and_key_path(tmp_path: Path) -> None:
    data = tmp_path / "bad.yaml"
    data.write_text("districts:\n  - name: north\n    key: 7\n")
    result = run(["--data", str(data)])
    assert result.returncode == 1
    assert f"{data}: districts[0]" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--fault", "teapot"], id="unknown-fault"),
        pytest.param(["--fault", "reset:2"], id="bad-rate"),
        pytest.param(["--tls", "--cert", "c.pem", "--key", "k.pem"], id="tls-and-cert"),
        pytest.param(["--cert", "c.pem"], id="cert-without-key"),
        pytest.param(["--fault", "self-signed-cert"], id="cert-fault-without-tls"),
        pytest.param(["--edfi-version", "4"], id="version"),
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["simulate", *args])
    assert result.exit_code == 2, result.output
    assert "Error" in result.output


def test_help_documents_every_fault() -> None:
    result = CliRunner().invoke(cli, ["simulate", "--help"])
    assert result.exit_code == 0
    for name, spec in FAULTS.items():
        assert f"{name}  " in result.output and spec.help in result.output
