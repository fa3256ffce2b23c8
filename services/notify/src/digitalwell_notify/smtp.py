"""SMTP delivery through aiosmtplib: failures sorted into temporary and permanent."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime
from typing import Any, Literal

import aiosmtplib

from digitalwell_notify.domain import is_permanent_smtp_code
from digitalwell_notify.records import Email
from digitalwell_notify.settings import Settings
from digitalwell_shared.logging import get_logger

log = get_logger(__name__)


class DeliveryError(Exception):
    """Sending failed; ``permanent`` says whether trying again can help.

    ``relay_down`` says the relay itself did not take messages (unreachable, timed out, 421
    "service not available"), as opposed to a reply about this message or its recipient: the
    delivery worker then watches for the relay to come back and sends what waited for it.
    """

    def __init__(self, detail: str, *, permanent: bool, relay_down: bool = False) -> None:
        super().__init__(detail)
        self.permanent = permanent
        self.relay_down = relay_down


class UnbuildableMessageError(ValueError):
    """A stored e-mail cannot become a message (a line break in its name, a broken address).

    Trying again cannot help: the e-mail fails at once, and the rest of its batch goes on.
    The reason names the field, never its value, since values are personal data.
    """


# C0 controls (CR and LF among them), DEL and C1: none belongs in a one-line header value, and
# a line break would start a header of its own ("Eve\r\nBcc: x@example.net").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def build_message(email: Email, mail_from: str) -> EmailMessage:
    """The MIME message of a stored e-mail: plain text with an HTML alternative.

    Raises UnbuildableMessageError for stored data no message can carry. Data stored before
    input was checked (or by a bug) may hold anything, so every header value taken from the
    stored e-mail is checked here, and the display name is quoted or encoded by the email
    package (``Address``), never pasted into the header.
    """
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = _recipient(email)
    message["Subject"] = _one_line(email.subject, "subject")
    message["Message-ID"] = _one_line(email.message_id, "Message-ID")
    message["Date"] = format_datetime(email.created_at)
    # Tells auto-responders and vacation replies not to answer (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["X-DigitalWell-Template"] = _one_line(email.template, "template")
    if email.unsubscribe_url:
        # RFC 8058 one-click: mail clients show an unsubscribe button that POSTs to the URL.
        link = _ListUnsubscribe(_bracketed_url(email.unsubscribe_url))
        message.set_raw(link.name, link)
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        main_type, _, sub_type = attachment.content_type.partition("/")
        sub_type, _, parameters = sub_type.partition(";")
        message.add_attachment(
            attachment.data,
            maintype=main_type,
            subtype=sub_type.strip(),
            filename=attachment.filename,
            params=dict(
                part.strip().split("=", 1) for part in parameters.split(";") if "=" in part
            ),
        )
    return message


def _one_line(value: object, field_name: str) -> str:
    """``value`` as a header value, or UnbuildableMessageError if it is not one line of text."""
    if not isinstance(value, str) or _CONTROL.search(value):
        raise UnbuildableMessageError(
            f"the message cannot be built: the {field_name} holds a line break or another "
            "control character"
        )
    return value


def _recipient(email: Email) -> Address:
    name = _one_line(email.recipient_name, "recipient's name")
    address = _one_line(email.recipient, "recipient")
    try:
        return Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError, HeaderParseError) as broken:  # the parser's ways of saying no
        raise UnbuildableMessageError(
            "the message cannot be built: the recipient's address is not valid"
        ) from broken


class _ListUnsubscribe(str):
    """The List-Unsubscribe header's value, written as it is, on one line.

    The standard folding turns a long URL into RFC 2047 encoded words, which mail clients do not
    read as a link; RFC 5322 allows lines of up to 998 characters, and a URL needs far fewer.
    The e-mail generator writes any value with a ``name`` and a ``fold`` through ``fold``.
    """

    __slots__ = ()
    name = "List-Unsubscribe"

    def fold(self, *, policy: Policy) -> str:
        """The header line, unfolded."""
        return f"{self.name}: {self}{policy.linesep}"


def _bracketed_url(url: str) -> str:
    """``<url>`` for a List-* header (RFC 2369), refusing what would break out of it."""
    if any(character in url for character in "\r\n<> "):
        raise UnbuildableMessageError(
            "the message cannot be built: the unsubscribe URL holds spaces, line breaks or "
            "angle brackets"
        )
    return f"<{url}>"


SERVICE_NOT_AVAILABLE = 421
"""The reply of a relay that is closing or refusing service for now (RFC 5321 4.2.3)."""

PROBE_TIMEOUT_SECONDS = 5.0
"""A probe is a greeting and two commands: a relay slower than this counts as away."""

RETRY_PRIMARY_AFTER_SECONDS = 60.0
"""While the second relay is in use, how long before a message tries the first again."""


@dataclass(frozen=True)
class Relay:
    """One SMTP relay and how to reach it."""

    name: str
    host: str
    port: int
    security: Literal["none", "starttls", "tls"]
    username: str
    password: str = field(repr=False)

    def connection(self, timeout: float) -> dict[str, Any]:
        """The keyword arguments aiosmtplib takes to reach this relay, for a session or one send."""
        return {
            "hostname": self.host,
            "port": self.port,
            "username": self.username or None,
            "password": self.password or None,
            "use_tls": self.security == "tls",
            "start_tls": self.security == "starttls",
            "timeout": timeout,
        }


class SmtpTransport:
    """Sends messages to the first SMTP relay, or to the second while the first keeps failing.

    After ``fallback_after_failures`` temporary failures of the first relay in a row, messages
    go to the second. Every ``retry_primary_after`` seconds, and whenever the second fails, a
    message tries the first again; the first success there makes it the relay again. A 5xx
    reply is about the message or its recipient, not the relay: it neither counts as a failure
    of the relay nor sends the message on to the other one.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        retry_primary_after: float = RETRY_PRIMARY_AFTER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = Relay(
            "primary",
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            settings.smtp_password,
        )
        self._fallback = (
            Relay(
                "fallback",
                settings.fallback_smtp_host,
                settings.fallback_smtp_port,
                settings.fallback_smtp_security,
                settings.fallback_smtp_username,
                settings.fallback_smtp_password,
            )
            if settings.fallback_smtp_host
            else None
        )
        self._switch_after = settings.fallback_after_failures
        self._timeout = settings.smtp_timeout_seconds
        self._retry_primary_after = retry_primary_after
        self._clock = clock
        self._primary_failures = 0
        self._primary_failed_at = 0.0

    @property
    def on_fallback(self) -> bool:
        """True while messages go to the second relay first."""
        return self._fallback is not None and self._primary_failures >= self._switch_after

    async def send(self, message: EmailMessage) -> str:
        """Send one message; return which relay took it and its reply, or raise DeliveryError."""
        failures: list[DeliveryError] = []
        for relay in self._relays():
            try:
                reply = await self._send_via(relay, message)
            except DeliveryError as error:
                if error.permanent:
                    self._answered(relay)
                    raise DeliveryError(f"{relay.name}: {error}", permanent=True) from error
                self._failed(relay)
                failures.append(
                    DeliveryError(
                        f"{relay.name}: {error}", permanent=False, relay_down=error.relay_down
                    )
                )
                continue
            self._answered(relay)
            return f"{relay.name}: {reply}"
        raise DeliveryError(
            "; ".join(str(failure) for failure in failures),
            permanent=False,
            relay_down=all(failure.relay_down for failure in failures),
        )

    async def probe(self, mail_from: str) -> bool:
        """True when a relay answers its greeting and accepts ``mail_from`` as a sender.

        Cheap (no message, no recipient: RSET ends the transaction) and as far along the path
        of a real message as can be without one, so a relay that greets but refuses senders
        (``421`` to MAIL FROM) is still away.
        """
        relays = [self._primary] if self._fallback is None else [self._primary, self._fallback]
        for relay in relays:
            client = aiosmtplib.SMTP(**relay.connection(min(self._timeout, PROBE_TIMEOUT_SECONDS)))
            try:
                async with client:
                    await client.mail(mail_from)
                    await client.rset()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                continue
            return True
        return False

    def _relays(self) -> Iterator[Relay]:
        """The relays to try for one message, in order, decided as the tries go."""
        if self._fallback is None:
            yield self._primary
            return
        if self.on_fallback and self._clock() - self._primary_failed_at < self._retry_primary_after:
            yield self._fallback
            # The second failed too: perhaps the first is back.
            yield self._primary
            return
        yield self._primary
        if self.on_fallback:
            # The first has just failed once too often, or again after a rest.
            yield self._fallback

    def _failed(self, relay: Relay) -> None:
        if relay is not self._primary:
            return
        self._primary_failures += 1
        self._primary_failed_at = self._clock()
        if self._fallback is not None and self._primary_failures == self._switch_after:
            log.warning(
                "first SMTP relay keeps failing; sending through the second",
                failures=self._primary_failures,
                primary=f"{self._primary.host}:{self._primary.port}",
                fallback=f"{self._fallback.host}:{self._fallback.port}",
            )

    def _answered(self, relay: Relay) -> None:
        if relay is not self._primary:
            return
        if self.on_fallback:
            log.info("first SMTP relay answers again; sending through it")
        self._primary_failures = 0

    async def _send_via(self, relay: Relay, message: EmailMessage) -> str:
        """Send through one relay; return its reply or raise DeliveryError."""
        try:
            _refused, reply = await aiosmtplib.send(message, **relay.connection(self._timeout))
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [error.code for error in refused.recipients]
            permanent = all(is_permanent_smtp_code(code) for code in codes)
            raise DeliveryError(f"recipient refused: {refused}", permanent=permanent) from refused
        except aiosmtplib.SMTPResponseException as response:
            raise DeliveryError(
                f"{response.code} {response.message}",
                permanent=is_permanent_smtp_code(response.code),
                relay_down=response.code == SERVICE_NOT_AVAILABLE
                or isinstance(response, aiosmtplib.SMTPConnectResponseError),
            ) from response
        except (aiosmtplib.SMTPException, OSError) as unreachable:
            # Refused connections, time-outs and dropped links heal by themselves.
            raise DeliveryError(
                f"{type(unreachable).__name__}: {unreachable}", permanent=False, relay_down=True
            ) from unreachable
        # aiosmtplib raises on anything but 250 after DATA, and returns only the text.
        return f"250 {reply}"
