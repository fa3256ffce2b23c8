"""Staff sign-in through the region's OpenID Connect provider: the authorization code flow.

Authlib does the protocol (discovery, state, nonce, PKCE, the code exchange, and checking the
ID token's signature, issuer, audience and expiry); this module only says where to go and turns
the provider's verified claims into a DigitalWell session.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth
from fastapi import Request
from fastapi.responses import Response

from digitalwell_intake.settings import Settings
from digitalwell_shared.staff import StaffMember, member_from_provider

NEXT_KEY = "digitalwell_next"


class RegionSignInFailedError(Exception):
    """The provider did not sign the person in; the message says why (for the log).

    ``no_role`` marks the one a person can act on: they signed in, but hold no DigitalWell role.
    """

    def __init__(self, message: str, *, no_role: bool = False) -> None:
        super().__init__(message)
        self.no_role = no_role


class RegionSignIn:
    """The region's provider as intake's staff sign-in."""

    def __init__(self, settings: Settings) -> None:
        issuer = settings.staff_oidc_issuer.rstrip("/")
        self._roles_claim = settings.staff_oidc_roles_claim
        self._callback_url = f"{settings.base_url}/staff/oidc/callback"
        oauth = OAuth()
        self._provider: Any = oauth.register(
            "region",
            client_id=settings.staff_oidc_client_id,
            client_secret=settings.staff_oidc_client_secret.get_secret_value() or None,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )

    async def redirect(self, request: Request, next_url: str) -> Response:
        """Send the browser to the provider, to come back to the callback and then ``next_url``."""
        request.session[NEXT_KEY] = next_url
        response: Response = await self._provider.authorize_redirect(request, self._callback_url)
        return response

    async def complete(self, request: Request) -> tuple[StaffMember, str]:
        """The person the provider's callback signs in, and where they were going."""
        try:
            token = await self._provider.authorize_access_token(request)
        except OAuthError as refused:
            raise RegionSignInFailedError(
                refused.description or refused.error or "refused"
            ) from refused
        claims = token.get("userinfo")
        if not claims:
            raise RegionSignInFailedError("the provider sent no ID token")
        member = member_from_provider(dict(claims), self._roles_claim)
        if not member.roles:
            raise RegionSignInFailedError(
                f"the provider lists no DigitalWell role for you in {self._roles_claim!r}",
                no_role=True,
            )
        return member, str(request.session.pop(NEXT_KEY, ""))
