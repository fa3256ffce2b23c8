"""notify's HTTP routes: unsubscribe pages for recipients; the delivery log and resend for staff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, field_validator

from digitalwell_notify import usecases
from digitalwell_notify.domain import DeliveryStatus, LogAccess, unsubscribe_link
from digitalwell_notify.page_text import category_names, masked_address, translate
from digitalwell_notify.settings import Settings
from digitalwell_notify.store import EmailStore, PreferenceStore
from digitalwell_shared.contracts import Language
from digitalwell_shared.links import LinkCheck, mask_link_tokens, unsubscribe_link_expires_at
from digitalwell_shared.local_time import local_time
from digitalwell_shared.logging import redact_text
from digitalwell_shared.mongo import Document
from digitalwell_shared.pages import SECURITY_HEADERS, other_language, page_path
from digitalwell_shared.site import page_templates, request_language
from digitalwell_shared.staff import Role, StaffMember, staff_api, staff_page
from digitalwell_shared.text import SingleLineText

TEMPLATES = FilePath(__file__).parent / "templates" / "pages"
# No caching either: the staff pages hold people's addresses.
_PAGE_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}
_ID_MAX = 64
_FILTER_MAX = 320  # the longest e-mail address
# The log holds people's addresses: those who answer people's questions about e-mails see it,
# each only their own area's e-mails (domain.LogAccess).
DELIVERY_LOG_ROLES = (Role.ADMINISTRATOR, Role.INTAKE_OFFICER, Role.FORUM_COORDINATOR)
# Module-level, so a route's parameter and its router's guard are one dependency, run once.
_api_staff = staff_api(*DELIVERY_LOG_ROLES)
_page_staff = staff_page(*DELIVERY_LOG_ROLES)
ApiStaff = Annotated[StaffMember, Depends(_api_staff)]
PageStaff = Annotated[StaffMember, Depends(_page_staff)]

Token = Annotated[str, Query(description="the unsubscribe token from the e-mail's link")]
EmailId = Annotated[str, Path(max_length=_ID_MAX)]


class Attempt(BaseModel):
    """One try at handing the e-mail to an SMTP relay."""

    at: datetime
    outcome: str = Field(description="sent or failed")
    detail: str = Field(
        description="which relay answered and its reply, or the error (addresses redacted "
        "unless you are an administrator)"
    )


class EmailSummary(BaseModel):
    """An e-mail in the delivery log."""

    id: str
    template: str
    recipient: str = Field(
        description="the address; masked (a…@example.org) for all but administrators"
    )
    subject: str | None = Field(None, description="administrators only")
    status: DeliveryStatus
    created_at: datetime
    sent_at: datetime | None = None
    resent_at: datetime | None = Field(None, description="when staff last queued it again")
    next_attempt_at: datetime | None = Field(None, description="when a pending e-mail is due")
    attempts: list[Attempt]
    application_id: str | None = None
    booking_id: str | None = None
    category: str | None = Field(None, description="set on e-mails people can unsubscribe from")


class EmailDetail(EmailSummary):
    """One e-mail with its text and where it came from."""

    language: str
    message_id: str
    event_id: str
    event_type: str
    correlation_id: str | None = None
    text: str | None = Field(
        None, description="the plain text, every signed link masked; administrators only"
    )


class LogFilters(BaseModel):
    """Which e-mails of the delivery log to list; empty fields mean any."""

    application_id: SingleLineText | None = Field(None, max_length=_FILTER_MAX)
    recipient: SingleLineText | None = Field(
        None, max_length=_FILTER_MAX, description="the address"
    )
    status: DeliveryStatus | None = None
    template: SingleLineText | None = Field(None, max_length=_FILTER_MAX)
    limit: int = Field(100, ge=1, le=500, description="how many e-mails, newest first")

    @field_validator("application_id", "recipient", "status", "template", mode="before")
    @classmethod
    def _empty_means_any(cls, value: object) -> object:
        # The staff page's filter form sends every field, empty when not chosen.
        return value or None

    async def apply(self, emails: EmailStore, access: LogAccess) -> list[Document]:
        """The e-mails that match and that ``access`` shows, newest first."""
        return await emails.list(
            application_id=self.application_id,
            recipient=self.recipient,
            status=self.status,
            template=self.template,
            among_templates=access.templates,
            limit=self.limit,
        )


class EmailList(BaseModel):
    """E-mails, newest first."""

    emails: list[EmailSummary]


def create_router(
    settings: Settings,
    emails: EmailStore,
    preferences: PreferenceStore,
    *,
    wake: Callable[[], None] | None = None,
) -> APIRouter:
    """The unsubscribe pages, and the delivery log and resend for signed-in staff.

    ``wake`` is called after a resend, so the delivery worker need not wait for its next look.
    """
    router = APIRouter()
    templates = page_templates(TEMPLATES)
    router.include_router(
        _unsubscribe_routes(
            templates,
            emails,
            preferences,
            settings.link_secret.get_secret_value(),
            settings.unsubscribe_link_days,
        )
    )
    router.include_router(_staff_api(emails, wake or _nothing))
    router.include_router(_staff_pages(templates, emails, wake or _nothing))
    return router


def _nothing() -> None:
    """No worker to wake: it looks by itself within a second."""


def _shown_time(language: Language, moment: datetime | None) -> str:
    """A time on a staff page: Swedish time, in the page's words."""
    return "" if moment is None else local_time(moment, language)


def _page(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = http.HTTP_200_OK,
) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(_PAGE_HEADERS)
    return response


# -- Unsubscribe (RFC 8058) ---------------------------------------------------------------------


def _unsubscribe_routes(
    templates: Jinja2Templates,
    emails: EmailStore,
    preferences: PreferenceStore,
    secret: str,
    link_days: int,
) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    async def answer(
        request: Request,
        email_id: str,
        token: str,
        act: Callable[[EmailStore, PreferenceStore, str], Awaitable[usecases.Subscription]],
        state: str | None,
    ) -> HTMLResponse:
        # The token first: without it, nobody learns whether an e-mail id exists.
        if unsubscribe_link(secret, email_id, token) is LinkCheck.INVALID:
            return _problem(templates, request, "bad_link", http.HTTP_403_FORBIDDEN)
        # A link sent before links carried an expiry lasts as long as a new one would have.
        email = await emails.get(email_id)
        lifetime = unsubscribe_link_expires_at(email["created_at"], link_days) if email else None
        if unsubscribe_link(secret, email_id, token, v1_expires_at=lifetime) is LinkCheck.EXPIRED:
            return _problem(templates, request, "expired_link", http.HTTP_410_GONE)
        try:
            subscription = await act(emails, preferences, email_id)
        except usecases.EmailNotFoundError:
            return _problem(templates, request, "not_found", http.HTTP_404_NOT_FOUND)
        except usecases.NotUnsubscribableError:
            return _problem(templates, request, "essential", http.HTTP_404_NOT_FOUND)
        if state is None:  # a look, not a change
            state = "unsubscribed" if subscription.unsubscribed else "confirm"
        return _subscription_page(templates, request, subscription, token, state)

    @router.get("/unsubscribe/{email_id}")
    async def unsubscribe_page(request: Request, email_id: str, token: Token = "") -> Response:
        """Ask the recipient to confirm; a GET changes nothing, since link scanners follow it."""
        return await answer(request, email_id, token, usecases.subscription, None)

    @router.post("/unsubscribe/{email_id}")
    async def unsubscribe(request: Request, email_id: str, token: Token = "") -> Response:
        """The one-click POST (body ``List-Unsubscribe=One-Click``) and the page's own form."""
        return await answer(request, email_id, token, usecases.unsubscribe, "unsubscribed")

    @router.post("/unsubscribe/{email_id}/undo")
    async def resubscribe(request: Request, email_id: str, token: Token = "") -> Response:
        """Undo the unsubscription, with the same token."""
        return await answer(request, email_id, token, usecases.resubscribe, "resubscribed")

    return router


def _subscription_page(
    templates: Jinja2Templates,
    request: Request,
    subscription: usecases.Subscription,
    token: str,
    state: str,
) -> HTMLResponse:
    email = subscription.email
    language = Language(email["language"]) if email.get("language") == "en" else Language.SV
    category, category_long = category_names(subscription.category, language)
    query = urlencode({"token": token})
    return _page(
        templates,
        request,
        "unsubscribe.html",
        {
            "lang": language.value,
            "t": partial(translate, language),
            "state": state,
            "category": category,
            "category_long": category_long,
            "address": masked_address(email["recipient"]),
            "unsubscribe_action": f"/unsubscribe/{email['_id']}?{query}",
            "undo_action": f"/unsubscribe/{email['_id']}/undo?{query}",
        },
    )


def _problem(
    templates: Jinja2Templates, request: Request, problem: str, status_code: int
) -> HTMLResponse:
    # Both languages: a bad link or an unknown e-mail does not tell whose language to use.
    return _page(
        templates,
        request,
        "problem.html",
        {
            "lang": Language.SV.value,
            "problems": [
                {
                    "lang": language.value,
                    "title": translate(language, f"{problem}_title"),
                    "body": translate(language, f"{problem}_body"),
                }
                for language in (Language.SV, Language.EN)
            ],
        },
        status_code,
    )


# -- Staff: the delivery log and resend --------------------------------------------------------


def _summary(email: Document, access: LogAccess) -> EmailSummary:
    full = access.full_text
    return EmailSummary(
        id=email["_id"],
        template=email["template"],
        recipient=email["recipient"] if full else masked_address(email["recipient"]),
        subject=email["subject"] if full else None,
        status=DeliveryStatus(email["status"]),
        created_at=email["created_at"],
        sent_at=email.get("sent_at"),
        resent_at=email.get("resent_at"),
        next_attempt_at=(
            email.get("next_attempt_at") if email["status"] == DeliveryStatus.PENDING else None
        ),
        attempts=[
            # SMTP replies often quote the recipient's address.
            Attempt.model_validate(
                attempt if full else {**attempt, "detail": redact_text(attempt["detail"])}
            )
            for attempt in email.get("attempts", [])
        ],
        application_id=email.get("application_id"),
        booking_id=email.get("booking_id"),
        category=email.get("category"),
    )


def _detail(email: Document, access: LogAccess) -> EmailDetail:
    return EmailDetail(
        **_summary(email, access).model_dump(),
        language=email["language"],
        message_id=email["message_id"],
        event_id=email["event_id"],
        event_type=email["event_type"],
        correlation_id=email.get("correlation_id"),
        # Masked for administrators too: a working link would let its reader act as the
        # recipient (withdraw an application, cancel a booking).
        text=mask_link_tokens(email["text"]) if access.full_text else None,
    )


def _not_found(email_id: str) -> HTTPException:
    return HTTPException(http.HTTP_404_NOT_FOUND, f"No e-mail has the id {email_id!r}")


def _not_failed(email_id: str, current: DeliveryStatus) -> HTTPException:
    return HTTPException(
        http.HTTP_409_CONFLICT,
        f"E-mail {email_id!r} is {current.value}: only a failed e-mail can be sent again",
    )


def _staff_api(emails: EmailStore, wake: Callable[[], None]) -> APIRouter:
    router = APIRouter(
        prefix="/api/v1",
        tags=["delivery log"],
        dependencies=[Depends(_api_staff)],
        responses={401: {"description": "not signed in"}, 403: {"description": "not your role"}},
    )

    @router.get("/emails", summary="The delivery log, newest first: your area's e-mails")
    async def list_emails(staff: ApiStaff, filters: Annotated[LogFilters, Query()]) -> EmailList:
        access = LogAccess.of(staff.roles)
        found = await filters.apply(emails, access)
        return EmailList(emails=[_summary(email, access) for email in found])

    @router.get(
        "/emails/{email_id}",
        summary="One e-mail; its text (links masked) for administrators",
        responses={404: {"description": "no e-mail of your area has this id"}},
    )
    async def get_email(staff: ApiStaff, email_id: EmailId) -> EmailDetail:
        access = LogAccess.of(staff.roles)
        email = await emails.get(email_id)
        # Another area's e-mail is not found, rather than forbidden: its id tells nothing.
        if email is None or not access.may_see(email["template"]):
            raise _not_found(email_id)
        return _detail(email, access)

    @router.post(
        "/emails/{email_id}/resend",
        status_code=http.HTTP_202_ACCEPTED,
        summary="Send a failed e-mail of your area again",
        responses={
            202: {"description": "queued again, due now; its attempts are kept"},
            404: {"description": "no e-mail of your area has this id"},
            409: {"description": "the e-mail is pending or sent, not failed"},
        },
    )
    async def resend_email(staff: ApiStaff, email_id: EmailId) -> EmailSummary:
        access = LogAccess.of(staff.roles)
        try:
            resent = await usecases.resend_email(emails, email_id, access)
        except usecases.EmailNotFoundError as missing:
            raise _not_found(email_id) from missing
        except usecases.EmailNotFailedError as refused:
            raise _not_failed(email_id, refused.status) from refused
        wake()
        return _summary(resent, access)

    return router


_FILTERS = ("recipient", "application_id", "template", "status", "limit")
# How each outcome of a resend is shown: the panel's look (the words are in page_text).
_NOTICES = {"resent": "panel", "not_failed": "panel notice", "not_found": "panel problem"}


def _staff_pages(
    templates: Jinja2Templates, emails: EmailStore, wake: Callable[[], None]
) -> APIRouter:
    router = APIRouter(
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=[Depends(_page_staff)],
    )

    @router.get("/staff/emails")
    async def delivery_log_page(
        request: Request,
        staff: PageStaff,
        filters: Annotated[LogFilters, Query()],
        notice: Annotated[str | None, Query(max_length=20)] = None,
    ) -> Response:
        """The delivery log as a table, failed e-mails marked, each with a resend button.

        In the reader's language; each subject in the language its e-mail was sent in.
        """
        language = request_language(request)
        switch = other_language(language)
        access = LogAccess.of(staff.roles)
        found = await filters.apply(emails, access)
        shown = _NOTICES.get(notice or "")
        return _page(
            templates,
            request,
            "staff_emails.html",
            {
                "lang": language.value,
                "t": partial(translate, language),
                "local": partial(_shown_time, language),
                "switch_lang": switch.value,
                "switch_url": str(request.url.include_query_params(lang=switch.value)),
                "page_width": "80rem",
                "written_in": {f"written_in_{each.value}" for each in Language},
                "emails": [
                    (_summary(email, access), email.get("language", Language.SV.value))
                    for email in found
                ],
                "full_text": access.full_text,
                "statuses": [each.value for each in DeliveryStatus],
                "filters": {
                    name: "" if value is None else str(value)
                    for name, value in filters.model_dump(mode="json").items()
                },
                "notice": (
                    {"kind": shown, "text": translate(language, f"notice_{notice}")}
                    if shown
                    else None
                ),
            },
        )

    @router.post("/staff/emails/{email_id}/resend")
    async def resend_from_page(request: Request, staff: PageStaff, email_id: str) -> Response:
        """Resend, then show the log again with the same filters and what happened."""
        posted = await request.form()
        filters = {
            name: value
            for name in (*_FILTERS, "lang")
            if isinstance(value := posted.get(name), str) and value and len(value) <= _FILTER_MAX
        }
        try:
            await usecases.resend_email(emails, email_id, LogAccess.of(staff.roles))
        except usecases.EmailNotFoundError:
            notice = "not_found"
        except usecases.EmailNotFailedError:
            notice = "not_failed"
        else:
            notice = "resent"
            wake()
        return RedirectResponse(
            page_path(request, f"/staff/emails?{urlencode({**filters, 'notice': notice})}"),
            status_code=http.HTTP_303_SEE_OTHER,
        )

    return router
