"""The FastAPI guards of staff routes: ``staff_api(*roles)`` and ``staff_page(*roles)``.

Routes declare what they need as a dependency. The API answers 401 without a valid bearer
token and 403 naming the roles; pages answer 401 with a link to the sign-in page (and back),
303 through intake to renew a session about to go idle, 403 naming the roles, and check the
CSRF token every form a signed-in person posts carries. A page's refusal is a
``StaffPageRefusalError``, rendered as a small page by ``page_refusal_handler``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, Response

from digitalwell_shared.contracts import Language
from digitalwell_shared.http_guard import keep_private
from digitalwell_shared.pages import public_url
from digitalwell_shared.site import message_page, request_language
from digitalwell_shared.site_text import role_names, site_text
from digitalwell_shared.staff.auth import CSRF_FIELD, SESSION_COOKIE, StaffAuth
from digitalwell_shared.staff.members import NotSignedInError, Role, StaffMember


def staff_api(*roles: Role) -> Callable[[Request], Awaitable[StaffMember]]:
    """A dependency for a staff API route: a bearer token of someone holding one of ``roles``.

    Module-level, so a route module can declare ``Chair = Annotated[StaffMember,
    Depends(staff_api(Role.COUNCIL_CHAIR))]``; the StaffAuth is the app's (``app.state.staff``).
    """
    needed = frozenset(roles)

    async def signed_in_staff(request: Request) -> StaffMember:
        keep_private(request)  # a staff answer, or its refusal, is no cache's business
        return await api_member(auth_of(request), request, needed)

    return signed_in_staff


def staff_page(*roles: Role) -> Callable[[Request], Awaitable[StaffMember]]:
    """A dependency for a staff page: the session cookie of someone holding one of ``roles``.

    Sets ``request.state.csrf_token`` for the page's forms and checks it on a POST.
    """
    needed = frozenset(roles)

    async def signed_in_staff(request: Request) -> StaffMember:
        return await page_member(auth_of(request), request, needed)

    return signed_in_staff


def auth_of(request: Request) -> StaffAuth:
    """The app's StaffAuth (``app.state.staff``)."""
    auth = getattr(request.app.state, "staff", None)
    if not isinstance(auth, StaffAuth):  # a wiring mistake, not a request's fault
        raise TypeError("the app has no StaffAuth in app.state.staff")
    return auth


async def api_member(auth: StaffAuth, request: Request, needed: frozenset[Role]) -> StaffMember:
    """The person behind a staff API request's bearer token, holding one of ``needed``.

    401 without a valid token, 403 naming the roles when the person holds none of them
    (an empty ``needed`` lets any signed-in person through). A GET may instead carry the
    session cookie, so a staff page can link to the JSON it shows; a cookie never
    authorises a change, which would need a CSRF token.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not token and request.method in {"GET", "HEAD"}:
        scheme, token = "bearer", request.cookies.get(SESSION_COOKIE, "")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(
            http.HTTP_401_UNAUTHORIZED,
            "sign in: send Authorization: Bearer <token> from POST /api/v1/auth/token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        member = auth.verify(token.strip())
    except NotSignedInError as refused:
        raise HTTPException(
            http.HTTP_401_UNAUTHORIZED,
            f"the bearer token is not valid: {refused}",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from refused
    if needed and not member.has_any(needed):
        raise HTTPException(http.HTTP_403_FORBIDDEN, _needs(needed))
    return member


async def page_member(auth: StaffAuth, request: Request, needed: frozenset[Role]) -> StaffMember:
    """The person behind a staff page request's session cookie, holding one of ``needed``.

    401 with a page that links to the sign-in page (and back), 403 naming the roles. A
    POST must also carry the session's CSRF token in the form field ``csrf_token``.
    """
    language = request_language(request)
    try:
        member = auth.verify(request.cookies.get(SESSION_COOKIE, ""))
    except NotSignedInError:
        sign_in = auth.sign_in_url(public_url(request), language)
        raise refusal(
            auth, request, http.HTTP_401_UNAUTHORIZED, "unauthorised", link=(sign_in, "sign_in")
        ) from None
    if request.method == "GET" and auth.wants_renewal(member):
        # Through intake and back: a page in use keeps its session from going idle.
        renew = auth.refresh_url(public_url(request))
        raise refusal(
            auth,
            request,
            http.HTTP_303_SEE_OTHER,
            "renewing",
            link=(renew, "continue"),
            location=renew,
        )
    if needed and not member.has_any(needed):
        raise refusal(
            auth,
            request,
            http.HTTP_403_FORBIDDEN,
            "forbidden",
            link=(auth.sign_in_url(public_url(request), language), "sign_in_as_other"),
            roles=role_names(needed, language),
        )
    if request.method not in {"GET", "HEAD"}:
        sent = (await request.form()).get(CSRF_FIELD)
        if not isinstance(sent, str) or not auth.csrf_is_valid(member, sent):
            raise refusal(auth, request, http.HTTP_403_FORBIDDEN, "form_expired")
    request.state.staff = member
    request.state.csrf_token = auth.csrf_token(member)
    return member


def refusal(
    auth: StaffAuth,
    request: Request,
    status_code: int,
    what: str,
    *,
    link: tuple[str, str] | None = None,
    location: str | None = None,
    **values: object,
) -> StaffPageRefusalError:
    """A refusal page in the reader's language: ``what``'s title and text from site_text."""
    language = request_language(request)
    return StaffPageRefusalError(
        status_code,
        site_text(language, f"{what}_title"),
        site_text(language, f"{what}_text", **values),
        link=None if link is None else (link[0], site_text(language, link[1])),
        location=location,
        language=language,
        statement_url=auth.statement_url,
    )


class StaffPageRefusalError(HTTPException):
    """A staff page refused: rendered as a small HTML page, not JSON."""

    def __init__(
        self,
        status_code: int,
        title: str,
        text: str,
        *,
        link: tuple[str, str] | None = None,
        location: str | None = None,
        language: Language = Language.SV,
        statement_url: str = "",
    ) -> None:
        super().__init__(status_code, text)
        self.title = title
        self.link = link
        self.location = location
        self.language = language
        self.statement_url = statement_url

    def page(self) -> HTMLResponse:
        """The refusal as a page in the site's look: what is wrong, and home or the way on."""
        home = (f"/?lang={self.language.value}", site_text(self.language, "go_home"))
        return message_page(
            self.language,
            self.statement_url,
            (self.title, str(self.detail)),
            self.link or home,
            self.status_code,
            also=home if self.link else None,
            headers={"Location": self.location} if self.location is not None else None,
        )


async def page_refusal_handler(_request: Request, refused: Exception) -> Response:
    """Render a staff page's refusal; every service's HTTP app registers it."""
    if not isinstance(refused, StaffPageRefusalError):  # registered for this class only
        raise refused
    return refused.page()


def _needs(roles: frozenset[Role]) -> str:
    return "this needs the role " + " or ".join(sorted(role.value for role in roles))
