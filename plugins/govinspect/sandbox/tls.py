"""Certificates for the TLS faults (``tls_self_signed``, ``tls_expired``), generated at run time.

Nothing is stored: keys and certificates are made with :mod:`cryptography` when a host needs them,
written to a private temporary folder only long enough for :meth:`ssl.SSLContext.load_cert_chain` to read
them, and the folder is removed at once. One :class:`SandboxTLS` (one throw-away "sandbox CA") per
:class:`~govinspect.sandbox.Sandbox`.

- ``self_signed``: a certificate for the host's address (IP SAN) signed by its own key, valid now;
  clients fail with ``CERTIFICATE_VERIFY_FAILED … self-signed certificate``.
- ``expired``: a certificate for the host's address signed by the sandbox CA, whose validity ended
  30 days ago (real time: TLS clients check the machine's clock, not the simulated one); clients fail
  with ``… certificate has expired`` once they trust the CA (:attr:`SandboxTLS.ca_pem`), and with an
  unknown-issuer error otherwise. Either way the check fails; ``verify=False`` gets the page.
"""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TLS_KINDS: dict[str, str] = {"tls_self_signed": "self_signed", "tls_expired": "expired"}


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "govinspect sandbox"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _san(address: str) -> x509.SubjectAlternativeName:
    try:
        return x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))])
    except ValueError:
        return x509.SubjectAlternativeName([x509.DNSName(address)])


class SandboxTLS:
    """Makes server-side :class:`ssl.SSLContext` objects for TLS-faulted hosts (thread-safe, lazy CA)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None

    def _authority(self) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        with self._lock:
            if self._ca is None:
                key = _key()
                now = datetime.now(UTC)
                name = _name("govinspect sandbox CA (not trusted anywhere)")
                cert = (
                    x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(x509.random_serial_number())
                    .not_valid_before(now - timedelta(days=3650)).not_valid_after(now + timedelta(days=3650))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                    .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                 key_encipherment=False, data_encipherment=False,
                                                 key_agreement=False, key_cert_sign=True, crl_sign=True,
                                                 encipher_only=False, decipher_only=False), critical=True)
                    .sign(key, hashes.SHA256())
                )
                self._ca = (key, cert)
            return self._ca

    @property
    def ca_pem(self) -> str:
        """The sandbox CA certificate (PEM), for clients that want the *expiry* to be the only problem."""
        return self._authority()[1].public_bytes(serialization.Encoding.PEM).decode("ascii")

    def certificate(self, mode: str, address: str) -> tuple[bytes, bytes]:
        """(certificate PEM, key PEM) for ``address``; ``mode`` is ``self_signed`` or ``expired``."""
        key = _key()
        now = datetime.now(UTC)
        subject = _name(address)
        if mode == "self_signed":
            issuer_key, issuer = key, subject
            start, end = now - timedelta(days=1), now + timedelta(days=365)
        elif mode == "expired":
            ca_key, ca_cert = self._authority()
            issuer_key, issuer = ca_key, ca_cert.subject
            start, end = now - timedelta(days=395), now - timedelta(days=30)
        else:
            raise ValueError(f"unknown TLS mode {mode!r}")
        cert = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(_san(address), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(issuer_key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM), _pem_key(key)

    def server_context(self, mode: str, address: str) -> ssl.SSLContext:
        """A server context presenting a fresh ``mode`` certificate for ``address`` (HTTP/1.1 only)."""
        cert_pem, key_pem = self.certificate(mode, address)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.set_alpn_protocols(["http/1.1"])
        folder = Path(tempfile.mkdtemp(prefix="govinspect-tls-"))
        try:
            (folder / "cert.pem").write_bytes(cert_pem)
            key_file = folder / "key.pem"
            key_file.touch(mode=0o600)
            key_file.write_bytes(key_pem)
            ctx.load_cert_chain(folder / "cert.pem", key_file)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return ctx
