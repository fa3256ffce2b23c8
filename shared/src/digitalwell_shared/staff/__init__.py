"""Staff sign-in, shared by the four services: who a request is from and what they may do.

intake checks passwords and issues a session token (a JWT signed with intake's Ed25519 private
key, EdDSA, with the person's roles); every service verifies it here with intake's public keys
(so no other service can mint one), from the ``Authorization: Bearer`` header on its
staff API or from the session cookie on its staff pages. Cookies are per host, not per port,
so a browser signed in on intake's page is signed in on every service's pages of the same
host. With ``STAFF_OIDC_ISSUER`` set, bearer tokens from the region's OpenID Connect provider
are accepted as well, their roles read from a claim.

One module per job; import the names from here:

- ``members``: ``Role``, ``StaffMember``, ``NotSignedInError``, ``SessionToken``,
  ``RevokedSessions`` (the sessions intake ended), ``member_from_provider``;
- ``tokens``: intake's keys (``parse_verify_keys``, ``decode_key_bytes``) and
  ``TokenVerifier`` (intake's tokens and the provider's);
- ``auth``: ``StaffAuth``, the app's sign-in in one object (``app.state.staff``): tokens,
  CSRF tokens, sign-out tickets, the session cookie, intake's sign-in and renewal pages;
- ``guards``: the FastAPI dependencies ``staff_api(*roles)`` / ``staff_page(*roles)``
  (401/403, CSRF on forms, renewal through intake) and ``StaffPageRefusalError``;
- ``sign_out``: ``sign_out.router``, POST /staff/sign-out on every service, passed on to intake.
"""

from __future__ import annotations

from digitalwell_shared.staff.auth import CSRF_FIELD, SESSION_COOKIE, StaffAuth
from digitalwell_shared.staff.claims import AUDIENCE, ISSUER, SessionClaims
from digitalwell_shared.staff.guards import (
    StaffPageRefusalError,
    page_refusal_handler,
    staff_api,
    staff_page,
)
from digitalwell_shared.staff.members import (
    NotSignedInError,
    RevokedSessions,
    Role,
    SessionToken,
    StaffMember,
    member_from_provider,
)
from digitalwell_shared.staff.sign_out import router as sign_out_router
from digitalwell_shared.staff.tokens import (
    ALGORITHM,
    StaffKeyError,
    TokenVerifier,
    decode_key_bytes,
    parse_verify_keys,
)

__all__ = [
    "ALGORITHM",
    "AUDIENCE",
    "CSRF_FIELD",
    "ISSUER",
    "SESSION_COOKIE",
    "NotSignedInError",
    "RevokedSessions",
    "Role",
    "SessionClaims",
    "SessionToken",
    "StaffAuth",
    "StaffKeyError",
    "StaffMember",
    "StaffPageRefusalError",
    "TokenVerifier",
    "decode_key_bytes",
    "member_from_provider",
    "page_refusal_handler",
    "parse_verify_keys",
    "sign_out_router",
    "staff_api",
    "staff_page",
]
