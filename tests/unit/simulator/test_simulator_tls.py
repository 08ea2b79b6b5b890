"""TLS: the generated CA and certificate, the user's own files, and the bad-certificate faults."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests
import trustme

from generator.errors import ConfigError, PspluginError
from generator.simulator import running


def test_a_generated_certificate_verifies_with_the_printed_ca() -> None:
    with running(tls=True) as sim:
        assert sim.data_exchange_url.startswith("https://127.0.0.1:")
        assert sim.ca_file is not None and sim.ca_file.is_file()
        assert sim.describe()["ca_file"] == str(sim.ca_file)
        response = requests.get(sim.openid_configuration_url, verify=str(sim.ca_file), timeout=5)
        assert response.json()["token_endpoint"].startswith("https://")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{sim.data_exchange_url}/", timeout=5)
        ca_file = sim.ca_file
    assert not ca_file.exists()


def test_the_self_signed_fault_fails_verification() -> None:
    with (
        running(tls=True, faults=["self-signed-cert"]) as sim,
        pytest.raises(requests.exceptions.SSLError, match=r"self.signed"),
    ):
        requests.get(f"{sim.data_exchange_url}/", verify=str(sim.ca_file), timeout=5)


def test_the_wrong_host_fault_fails_the_host_name_check() -> None:
    with running(tls=True) as sim:
        sim.faults.set("wrong-host-cert")
        with pytest.raises(requests.exceptions.SSLError, match="match"):
            requests.get(f"{sim.data_exchange_url}/", verify=str(sim.ca_file), timeout=5)
        sim.faults.clear()
        assert requests.get(f"{sim.data_exchange_url}/", verify=str(sim.ca_file), timeout=5).ok


def test_certificate_faults_count_connections() -> None:
    with running(tls=True, faults=["wrong-host-cert:0.5"]) as sim:
        outcomes = []
        for _ in range(4):
            try:
                requests.get(f"{sim.data_exchange_url}/", verify=str(sim.ca_file), timeout=5)
                outcomes.append("ok")
            except requests.exceptions.SSLError:
                outcomes.append("refused")
        assert outcomes == ["ok", "refused", "ok", "refused"]


def test_a_redirect_under_tls_downgrades_to_http() -> None:
    with running(tls=True, faults=["redirect-http@root"]) as sim:
        response = requests.get(
            f"{sim.data_exchange_url}/", verify=str(sim.ca_file), allow_redirects=False, timeout=5
        )
        assert response.headers["Location"] == f"http://127.0.0.1:{sim.port}/"


def test_the_users_own_certificate_is_served(tmp_path: Path) -> None:
    ca = trustme.CA()
    issued = ca.issue_cert("127.0.0.1", "localhost")
    cert, key, bundle = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(bundle))

    with running(cert_file=cert, key_file=key) as sim:
        assert sim.ca_file is None
        response = requests.get(f"{sim.data_exchange_url}/", verify=str(bundle), timeout=5)
        assert response.json()["version"] == "7.3"


def test_an_unusable_certificate_is_a_clear_error(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("not a certificate")
    with (
        pytest.raises(PspluginError, match="cannot use the TLS certificate"),
        running(cert_file=cert, key_file=cert),
    ):
        pass


def test_a_certificate_needs_its_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--key"), running(cert_file=tmp_path / "c.pem"):
        pass


def test_certificate_faults_need_tls() -> None:
    with pytest.raises(ConfigError, match="need TLS"), running(faults=["self-signed-cert"]):
        pass


def test_without_cryptography_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    monkeypatch.setitem(sys.modules, "cryptography.x509", None)
    with pytest.raises(PspluginError) as raised, running(tls=True):
        pass
    assert "cryptography" in raised.value.message
    assert raised.value.tip is not None and "pip install 'psplugin[tls]'" in raised.value.tip
