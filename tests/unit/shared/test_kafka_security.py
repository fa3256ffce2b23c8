"""Broker security settings become FastStream's and aiokafka's security as configured."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from digitalwell_shared.kafka_security import aiokafka_options, broker_security
from digitalwell_shared.settings import ServiceSettings


def _settings(**values: object) -> ServiceSettings:
    return ServiceSettings.model_validate({"mongodb_database": "x", "http_port": 1, **values})


def test_plaintext_needs_no_security() -> None:
    settings = _settings()

    assert broker_security(settings) is None
    assert aiokafka_options(settings) == {"security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize(
    ("mechanism", "kind"),
    [("SCRAM-SHA-512", SASLScram512), ("SCRAM-SHA-256", SASLScram256), ("PLAIN", SASLPlaintext)],
)
def test_sasl_over_tls_maps_mechanism_user_and_password(
    mechanism: str, kind: type[BaseSecurity]
) -> None:
    settings = _settings(
        kafka_security_protocol="SASL_SSL",
        kafka_sasl_mechanism=mechanism,
        kafka_sasl_username="council",
        kafka_sasl_password="s3cret-broker-password",
    )

    security = broker_security(settings)

    assert type(security) is kind
    parsed = parse_security(security)
    assert parsed["security_protocol"] == "SASL_SSL"
    assert parsed["sasl_mechanism"] == mechanism
    assert parsed["sasl_plain_username"] == "council"
    assert parsed["sasl_plain_password"] == "s3cret-broker-password"
    assert isinstance(parsed["ssl_context"], ssl.SSLContext)
    options = aiokafka_options(settings)
    assert {key: options[key] for key in ("security_protocol", "sasl_mechanism")} == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": mechanism,
    }


def test_sasl_without_tls_has_no_tls_context() -> None:
    settings = _settings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="forum",
        kafka_sasl_password="s3cret-broker-password",
    )

    parsed = parse_security(broker_security(settings))

    assert parsed["security_protocol"] == "SASL_PLAINTEXT"
    assert parsed["sasl_mechanism"] == "SCRAM-SHA-512"
    assert parsed["ssl_context"] is None


def _self_signed_ca(folder: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test broker CA")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "ca.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def test_tls_trusts_the_configured_ca_and_may_skip_the_hostname_check(tmp_path: Path) -> None:
    settings = _settings(
        kafka_security_protocol="SSL",
        kafka_ssl_cafile=str(_self_signed_ca(tmp_path)),
        kafka_ssl_check_hostname=False,
    )

    parsed = parse_security(broker_security(settings))

    assert parsed["security_protocol"] == "SSL"
    context = parsed["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.check_hostname is False
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert [ca["subject"] for ca in context.get_ca_certs()] == [
        ((("commonName", "test broker CA"),),)
    ]
