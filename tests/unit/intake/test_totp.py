"""One-time codes for the second factor: which step a code is, and its QR code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from digitalwell_intake import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
AT = datetime(2026, 12, 1, 21, 0, 10, tzinfo=UTC)


def test_a_code_names_its_step_or_a_neighbouring_one_for_clock_drift() -> None:
    app = pyotp.TOTP(SECRET)
    step = app.timecode(AT)

    assert totp.matching_step(SECRET, app.at(AT), AT) == step
    assert totp.matching_step(SECRET, app.at(AT - timedelta(seconds=30)), AT) == step - 1
    assert totp.matching_step(SECRET, app.at(AT + timedelta(seconds=30)), AT) == step + 1
    assert totp.matching_step(SECRET, app.at(AT + timedelta(seconds=90)), AT) is None


def test_a_code_may_be_typed_with_a_space_but_not_be_anything_else() -> None:
    code = pyotp.TOTP(SECRET).at(AT)

    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", AT) is not None
    assert totp.matching_step(SECRET, "12345", AT) is None
    assert totp.matching_step(SECRET, "abcdef", AT) is None


def test_the_qr_code_is_inline_svg_that_loads_nothing() -> None:
    uri = totp.otpauth_uri(SECRET, "admin@example.org")
    svg = totp.qr_svg(uri)

    assert uri.startswith(
        "otpauth://totp/DigitalWell:admin%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
    assert svg.startswith("<svg")
    assert "href" not in svg
    assert SECRET not in svg  # the secret is only in the drawn modules
