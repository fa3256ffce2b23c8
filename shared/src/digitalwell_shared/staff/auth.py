"""``StaffAuth``: a service's staff sign-in in one object, kept in ``app.state.staff``.

It verifies tokens (``tokens.TokenVerifier``), makes and checks CSRF tokens and sign-out
tickets, sets and clears the session cookie, and knows intake's sign-in and renewal pages.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from fastapi.responses import Response

from digitalwell_shared.contracts import Language
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff.members import RevokedSessions, SessionToken, StaffMember
from digitalwell_shared.staff.tokens import TokenVerifier

SESSION_COOKIE = "digitalwell_staff"
CSRF_FIELD = "csrf_token"
TICKET_FIELDS = ("staff", "sid", "expires", "proof")
_TICKET_SECONDS = 300


class StaffAuth:
    """Verifies staff session tokens, makes and checks CSRF tokens, sets the session cookie."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.revoked = RevokedSessions()
        self._tokens = TokenVerifier(settings, self.revoked)
        self._csrf_key = hmac.new(
            settings.staff_csrf_secret.get_secret_value().encode(), b"csrf", hashlib.sha256
        ).digest()
        self.session_length = timedelta(minutes=settings.staff_session_minutes)
        self.idle_length = timedelta(minutes=settings.staff_idle_minutes)
        self.sign_in_page = settings.staff_sign_in_url
        # intake's staff pages: where sessions are renewed and ended (the same host's cookie).
        self.intake_staff_url = settings.staff_sign_in_url.removesuffix("/sign-in")
        self.statement_url = settings.accessibility_statement_url
        self._secure_cookie = settings.base_url.startswith("https://")

    # -- tokens -------------------------------------------------------------------------

    def verify(self, token: str) -> StaffMember:
        """The person a token names; NotSignedInError when forged, expired, revoked or malformed."""
        return self._tokens.verify(token)

    def csrf_token(self, member: StaffMember) -> str:
        """The token every form of this person's session must send back."""
        return hmac.new(self._csrf_key, member.session_id.encode(), hashlib.sha256).hexdigest()

    def csrf_is_valid(self, member: StaffMember, token: str) -> bool:
        """True when ``token`` belongs to this person's session; constant time."""
        return hmac.compare_digest(self.csrf_token(member).encode(), token.encode())

    def sign_out_ticket(self, member: StaffMember) -> dict[str, str]:
        """What intake needs to end ``member``'s session after another service cleared the cookie.

        An HMAC under the CSRF key (which every service has) of the staff id, the session id and
        a five-minute expiry: it can only end that one session, and only for a short while.
        """
        expires = str(int(datetime.now(UTC).timestamp()) + _TICKET_SECONDS)
        proof = self._ticket_proof(member.id, member.session_id, expires)
        return {"staff": member.id, "sid": member.session_id, "expires": expires, "proof": proof}

    def _ticket_proof(self, staff_id: str, session_id: str, expires: str) -> str:
        message = f"sign-out\x1f{staff_id}\x1f{session_id}\x1f{expires}".encode()
        return hmac.new(self._csrf_key, message, hashlib.sha256).hexdigest()

    def sign_out_ticket_is_valid(self, ticket: dict[str, str]) -> bool:
        """True when ``ticket`` came from ``sign_out_ticket`` and has not expired; constant time."""
        fields = [ticket.get(name, "") for name in ("staff", "sid", "expires")]
        if not all(fields) or not fields[2].isdigit():
            return False
        if int(fields[2]) < datetime.now(UTC).timestamp():
            return False
        expected = self._ticket_proof(*fields)
        return hmac.compare_digest(expected.encode(), ticket.get("proof", "").encode())

    # -- cookies ------------------------------------------------------------------------

    def set_session_cookie(self, response: Response, session: SessionToken) -> None:
        """Keep the session in the browser until it expires; scripts cannot read it."""
        response.set_cookie(
            SESSION_COOKIE,
            session.token,
            expires=session.expires_at,
            path="/",
            secure=self._secure_cookie,
            httponly=True,
            samesite="lax",
        )

    def clear_session_cookie(self, response: Response) -> None:
        """Sign the browser out of every service on this host."""
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=self._secure_cookie, httponly=True, samesite="lax"
        )

    # -- intake's pages -----------------------------------------------------------------

    def sign_in_url(self, next_url: str = "", language: Language | None = None) -> str:
        """The sign-in page (in ``language``), returning to ``next_url`` afterwards."""
        query = {"next": next_url} if next_url else {}
        if language is not None:
            query["lang"] = language.value
        return f"{self.sign_in_page}?{urlencode(query)}" if query else self.sign_in_page

    def refresh_url(self, next_url: str) -> str:
        """The page at intake that renews the browser's session and comes back to ``next_url``."""
        return f"{self.intake_staff_url}/session/refresh?{urlencode({'next': next_url})}"

    def wants_renewal(self, member: StaffMember) -> bool:
        """True when less than half the idle period is left and a renewal would add to it."""
        if member.expires_at is None or member.session_started_at is None:
            return False
        now = datetime.now(UTC)
        ends = member.session_started_at + self.session_length
        return member.expires_at - now < self.idle_length / 2 and member.expires_at < ends
