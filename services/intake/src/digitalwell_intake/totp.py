"""One-time codes (TOTP, RFC 6238) for the second factor, and their QR code, without I/O."""

from __future__ import annotations

import hmac
import io
from datetime import datetime

import pyotp
import segno

ISSUER_NAME = "DigitalWell"
STEP_SECONDS = 30
CODE_DIGITS = 6


def new_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def otpauth_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (shown as text and as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER_NAME)


def qr_svg(uri: str) -> str:
    """``uri`` as an inline SVG QR code, drawn here: no image service sees the secret."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step ``code`` belongs to (this one or a neighbour, for clock drift), or None."""
    code = code.strip().replace(" ", "")
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(at)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None
