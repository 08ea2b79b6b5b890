"""TLS for the simulator: a throwaway CA and certificates, good and deliberately bad ones."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import PspluginError
from generator.log import get_log

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.x509 import Certificate, CertificateBuilder, Name

logger = get_log(__name__)

WRONG_HOST = "wrong-host.invalid"
INSTALL_TIP = "pip install 'psplugin[tls]'"


@dataclass(frozen=True)
class KeyPair:
    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class CertificateSet:
    """A CA to trust, a certificate it signed for the simulator's hosts, and the two bad ones."""

    ca_file: Path
    server: KeyPair
    self_signed: KeyPair
    wrong_host: KeyPair


def _require_cryptography() -> None:
    """Fail with the install hint when the optional `cryptography` package is missing."""
    try:
        import cryptography.x509  # noqa: F401
    except ImportError:
        raise PspluginError(
            "generating a TLS certificate needs the 'cryptography' package, which is not installed",
            tip=f"{INSTALL_TIP}, or give your own certificate with --cert FILE --key FILE",
        ) from None


def generate_certificates(directory: Path, hosts: Sequence[str]) -> CertificateSet:
    """Write a CA, a server certificate for `hosts`, a self-signed one and one for another host."""
    _require_cryptography()
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def name(common_name: str) -> Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    directory.mkdir(parents=True, exist_ok=True)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate(
        name("psplugin simulator CA"),
        ca_key,
        name("psplugin simulator CA"),
        ca_key,
        hosts=(),
        is_ca=True,
    )
    ca_file = directory / "ca.pem"
    _write_pem(ca_file, ca_cert)

    def leaf(stem: str, leaf_hosts: Sequence[str], self_signed: bool) -> KeyPair:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = name(leaf_hosts[0])
        issuer_name, issuer_key = (subject, key) if self_signed else (ca_cert.subject, ca_key)
        cert = _certificate(subject, key, issuer_name, issuer_key, hosts=leaf_hosts, is_ca=False)
        pair = KeyPair(directory / f"{stem}.pem", directory / f"{stem}.key")
        _write_pem(pair.cert_file, cert)
        _write_key(pair.key_file, key)
        return pair

    return CertificateSet(
        ca_file=ca_file,
        server=leaf("server", hosts, self_signed=False),
        self_signed=leaf("self-signed", hosts, self_signed=True),
        wrong_host=leaf("wrong-host", [WRONG_HOST], self_signed=False),
    )


def _certificate(
    subject: Name,
    key: EllipticCurvePrivateKey,
    issuer: Name,
    issuer_key: EllipticCurvePrivateKey,
    *,
    hosts: Sequence[str],
    is_ca: bool,
) -> Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    builder = _ca_extensions(builder) if is_ca else _server_extensions(builder, hosts)
    return builder.sign(issuer_key, hashes.SHA256())


def _ca_extensions(builder: CertificateBuilder) -> CertificateBuilder:
    from cryptography import x509

    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    return builder.add_extension(usage, critical=True)


def _server_extensions(builder: CertificateBuilder, hosts: Sequence[str]) -> CertificateBuilder:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
    )


def _write_pem(path: Path, cert: Certificate) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    path.write_bytes(cert.public_bytes(Encoding.PEM))


def _write_key(path: Path, key: EllipticCurvePrivateKey) -> None:
    from cryptography.hazmat.primitives import serialization

    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def server_context(pair: KeyPair) -> ssl.SSLContext:
    """A server context for a certificate and key, with a clear error when they are unusable."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(pair.cert_file, pair.key_file)
    except (OSError, ssl.SSLError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or str(error)
        raise PspluginError(
            f"cannot use the TLS certificate {pair.cert_file} with key {pair.key_file}: {reason}",
            tip="give a PEM certificate and its matching unencrypted PEM private key",
        ) from None
    return context


class TlsProvider:
    """Chooses the certificate for each connection: the good one, or a bad one a fault asks for."""

    def __init__(self, directory: Path, hosts: Sequence[str], own: KeyPair | None = None) -> None:
        self._directory = directory
        self._hosts = list(hosts)
        self._lock = threading.Lock()
        self._generated: CertificateSet | None = None
        self._bad: dict[str, ssl.SSLContext] = {}
        # The CA to trust when the certificate is generated; the user knows their own certificate.
        self.ca_file: Path | None = None
        if own is None:
            self._generated = generate_certificates(directory, self._hosts)
            self.ca_file = self._generated.ca_file
            own = self._generated.server
        self.context = server_context(own)

    def prepare_bad_certificates(self) -> None:
        """Make the self-signed and wrong-host certificates now, so that problems show at start."""
        with self._lock:
            if not self._bad:
                if self._generated is None:
                    self._generated = generate_certificates(self._directory / "faults", self._hosts)
                self._bad = {
                    "self-signed-cert": server_context(self._generated.self_signed),
                    "wrong-host-cert": server_context(self._generated.wrong_host),
                }

    def context_for(self, faults: frozenset[str]) -> ssl.SSLContext:
        """For one handshake: a bad certificate if a fault hit it, else the good one."""
        for name in ("self-signed-cert", "wrong-host-cert"):
            if name in faults:
                try:
                    self.prepare_bad_certificates()
                except PspluginError as error:
                    # Set while running, without cryptography: serve the good certificate.
                    logger.warning("cannot apply the %s fault: %s", name, error)
                    return self.context
                return self._bad[name]
        return self.context
