"""SMTP delivery through aiosmtplib: failures sorted into temporary and permanent."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr

import aiosmtplib

from digitalwell_notify.domain import is_permanent_smtp_code
from digitalwell_notify.settings import Settings
from digitalwell_shared.mongo import Document


class DeliveryError(Exception):
    """Sending failed; ``permanent`` says whether trying again can help."""

    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.permanent = permanent


def build_message(email: Document, mail_from: str) -> EmailMessage:
    """The MIME message of a stored e-mail: plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = formataddr((email["recipient_name"], email["recipient"]))
    message["Subject"] = email["subject"]
    message["Message-ID"] = email["message_id"]
    message["Date"] = format_datetime(email["created_at"])
    # Tells auto-responders and vacation replies not to answer (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["X-DigitalWell-Template"] = email["template"]
    message.set_content(email["text"])
    message.add_alternative(email["html"], subtype="html")
    return message


class SmtpTransport:
    """Sends messages to the configured SMTP relay."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> str:
        """Send one message; return the server's reply or raise DeliveryError."""
        settings = self._settings
        try:
            _refused, reply = await aiosmtplib.send(
                message,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password or None,
                use_tls=settings.smtp_security == "tls",
                start_tls=settings.smtp_security == "starttls",
                timeout=settings.smtp_timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [error.code for error in refused.recipients]
            permanent = all(is_permanent_smtp_code(code) for code in codes)
            raise DeliveryError(f"recipient refused: {refused}", permanent=permanent) from refused
        except aiosmtplib.SMTPResponseException as response:
            raise DeliveryError(
                f"{response.code} {response.message}",
                permanent=is_permanent_smtp_code(response.code),
            ) from response
        except (aiosmtplib.SMTPException, OSError) as unreachable:
            # Refused connections, time-outs and dropped links heal by themselves.
            raise DeliveryError(
                f"{type(unreachable).__name__}: {unreachable}", permanent=False
            ) from unreachable
        return reply
