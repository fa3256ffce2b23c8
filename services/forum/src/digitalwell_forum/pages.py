"""forum's pages: sessions and booking for everyone, a booking's own page, and the coordinator's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import URL

from digitalwell_forum.api import BookingLimit
from digitalwell_forum.calendar import ICS_MEDIA_TYPE, booking_calendar, sessions_feed
from digitalwell_forum.domain import (
    BookingRefused,
    BookingStatus,
    Refusal,
    SessionStatus,
    needs_grant,
)
from digitalwell_forum.messages import format_span, format_time, kind_name, translate
from digitalwell_forum.models import BookingRequest, CancelSessionRequest, SessionRequest
from digitalwell_forum.store import BookingStore, EligibilityStore, SessionStore
from digitalwell_forum.usecases import Forum, UnknownBookingsError
from digitalwell_forum.views import (
    REFUSAL_STATUS,
    Links,
    attendance_report_view,
    booking_view,
    session_view,
    staff_booking_view,
)
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.links import LinkCheck
from digitalwell_shared.mongo import Document
from digitalwell_shared.pages import SECURITY_HEADERS, language_of, other_language, page_path
from digitalwell_shared.site import page_templates
from digitalwell_shared.staff import Role, StaffMember, staff_page
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR, SINGLE_LINE_ERROR

TEMPLATES = Path(__file__).parent / "templates"
LanguageParameter = Annotated[str | None, Query(description="sv or en")]
TokenParameter = Annotated[str, Query(max_length=200, description="the link's token")]
# One further date of a training series, as the coordinator types it: 2027-04-20 09:00-16:00.
_SERIES_LINE = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*[-\u2013]\s*(\d{1,2}:\d{2})")
_BOOKING_FIELDS = ("name", "email", "language", "application_id")


# The signed-in coordinator behind a staff page; on a POST the form's CSRF token is checked.
CoordinatorPage = Annotated[
    StaffMember, Depends(staff_page(Role.FORUM_COORDINATOR, Role.ADMINISTRATOR))
]


def create_page_router(
    forum: Forum,
    sessions: SessionStore,
    bookings: BookingStore,
    links: Links,
    *,
    eligibility: EligibilityStore,
    calendar_domain: str,
) -> APIRouter:
    """The pages, rendered from templates/ in the language the person reads."""
    pages = _Pages(forum, sessions, bookings, eligibility, links, calendar_domain)
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    router.add_api_route("/", pages.sessions_page, methods=["GET"])
    router.add_api_route("/calendar.ics", pages.feed, methods=["GET"])
    router.add_api_route("/workshops/{application_id}", pages.workshops_page, methods=["GET"])
    router.add_api_route("/sessions/{session_id}", pages.session_page, methods=["GET"])
    router.add_api_route("/sessions/{session_id}/book", pages.book, methods=["POST"])
    router.add_api_route("/bookings/{booking_id}.ics", pages.booking_ics, methods=["GET"])
    router.add_api_route("/bookings/{booking_id}/cancel", pages.booking_page, methods=["GET"])
    router.add_api_route("/bookings/{booking_id}/cancel", pages.cancel, methods=["POST"])
    router.add_api_route("/bookings/{booking_id}/accept", pages.offer_page, methods=["GET"])
    router.add_api_route("/bookings/{booking_id}/accept", pages.accept, methods=["POST"])
    router.add_api_route("/staff/sessions", pages.staff_sessions, methods=["GET"])
    router.add_api_route("/staff/sessions", pages.schedule, methods=["POST"])
    router.add_api_route("/staff/sessions/{session_id}", pages.staff_session, methods=["GET"])
    router.add_api_route(
        "/staff/sessions/{session_id}/attendance", pages.mark_attendance, methods=["POST"]
    )
    router.add_api_route(
        "/staff/sessions/{session_id}/cancel", pages.cancel_session, methods=["POST"]
    )
    router.add_api_route("/staff/report", pages.report, methods=["GET"])
    return router


class _Pages:
    """The page handlers and what they share: templates, links and the use cases."""

    def __init__(  # noqa: PLR0917 - the stores and links the pages read, one call site
        self,
        forum: Forum,
        sessions: SessionStore,
        bookings: BookingStore,
        eligibility: EligibilityStore,
        links: Links,
        calendar_domain: str,
    ) -> None:
        self._forum = forum
        self._sessions = sessions
        self._bookings = bookings
        self._eligibility = eligibility
        self._links = links
        self._calendar_domain = calendar_domain
        self._templates = page_templates(TEMPLATES)

    # -- sessions and booking -------------------------------------------------------------

    async def sessions_page(self, request: Request, lang: LanguageParameter = None) -> Response:
        """Upcoming sessions with seats left, each linking to its booking form."""
        now = datetime.now(UTC)
        upcoming = [session_view(s, now, self._links) for s in await self._sessions.upcoming(now)]
        return self._render(request, "sessions.html", language_of(lang), {"sessions": upcoming})

    async def feed(self) -> Response:
        """Every upcoming session as a calendar that programs can subscribe to."""
        upcoming = await self._sessions.upcoming(datetime.now(UTC))
        ics = sessions_feed(upcoming, domain=self._calendar_domain, base_url=self._links.base_url)
        return Response(
            ics,
            media_type=ICS_MEDIA_TYPE,
            headers={"Content-Disposition": 'inline; filename="digitalwell.ics"'},
        )

    async def workshops_page(
        self,
        request: Request,
        application_id: str,
        token: TokenParameter = "",
        lang: LanguageParameter = None,
    ) -> Response:
        """The workshops a granted application may book: the link in its decision letter."""
        language = language_of(lang)
        grant = await self._granted(request, language, application_id, token)
        if isinstance(grant, HTMLResponse):
            return grant
        now = datetime.now(UTC)
        workshops = [
            session_view(s, now, self._links)
            for s in await self._sessions.upcoming(now)
            if needs_grant(SessionKind(s["kind"]))
        ]
        return self._render(
            request,
            "sessions.html",
            language,
            {
                "sessions": workshops,
                "case_number": grant.get("case_number") or application_id,
                # Each booking form opens filled in, behind the same signed link.
                "form_query": urlencode({"application": application_id, "token": token}),
            },
            private=True,
        )

    async def session_page(
        self,
        request: Request,
        session_id: str,
        lang: LanguageParameter = None,
        application: Annotated[str, Query(max_length=100)] = "",
        token: TokenParameter = "",
    ) -> Response:
        """A session and its booking form; with a grant's signed link, the application filled in."""
        language = language_of(lang)
        found = await self._sessions.get(session_id)
        if found is None:
            return self._not_found(request, language)
        form = {"language": language.value}
        if application:
            grant = await self._granted(request, language, application, token)
            if isinstance(grant, HTMLResponse):
                return grant
            form["application_id"] = grant.get("case_number") or application
        return self._session_form(request, found, language, form, {})

    async def _granted(
        self, request: Request, language: Language, application_id: str, token: str
    ) -> Document | HTMLResponse:
        """The grant behind a workshop link, or the page that says why the link does not work."""
        if refused := self._link_refused(
            request, language, self._links.workshop_link(application_id, token)
        ):
            return refused
        grant = await self._eligibility.get(application_id)
        if grant is None:  # the decision has not reached forum yet
            return self._refused(request, language, BookingRefused(Refusal.UNKNOWN_APPLICATION))
        if not grant["innovation_forum"]:
            return self._refused(request, language, BookingRefused(Refusal.NOT_GRANTED))
        return grant

    async def book(self, request: Request, session_id: str, limit: BookingLimit) -> Response:
        """Book from the form: the booking's page, or the form again with what is wrong."""
        posted = await request.form()
        language = language_of(_text(posted.get("lang")))
        form = {name: _text(posted.get(name)) for name in _BOOKING_FIELDS}
        found = await self._sessions.get(session_id)
        if found is None:
            return self._not_found(request, language)
        try:
            booking = BookingRequest.model_validate(
                {**form, "language": form["language"] or language.value}
            )
        except ValidationError as invalid:
            errors = _field_errors(invalid, language)
            return self._session_form(
                request, found, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        await limit.by_email(booking.email)
        try:
            outcome = await self._forum.book(session_id, booking)
        except BookingRefused as refused:
            return self._session_form(
                request,
                found,
                language,
                form,
                {},
                REFUSAL_STATUS[refused.reason],
                refusal=refused.reason.value,
            )
        if not outcome.created:
            # Anyone can type an address: the existing booking's page stays with its holder.
            return self._message(
                request, language, "booking_title", "booked_again", status.HTTP_200_OK
            )
        url = self._links.cancel_url(outcome.booking_id, found, booking.language)
        return RedirectResponse(f"{url}&done=booked", status_code=status.HTTP_303_SEE_OTHER)

    # -- a booking's own pages ------------------------------------------------------------

    async def booking_page(
        self,
        request: Request,
        booking_id: str,
        token: TokenParameter = "",
        lang: LanguageParameter = None,
        done: str = "",
    ) -> Response:
        """The booking, its calendar file and a button to cancel: the link in every e-mail."""
        language = language_of(lang)
        if refused := self._link_refused(
            request, language, self._links.cancel_link(booking_id, token)
        ):
            return refused
        return await self._booking(request, booking_id, token, language, done)

    async def cancel(self, request: Request, booking_id: str) -> Response:
        """Cancel the booking, leave the waitlist or decline an offer; then its page again."""
        posted = await request.form()
        token, language = _text(posted.get("token")), language_of(_text(posted.get("lang")))
        if refused := self._link_refused(
            request, language, self._links.cancel_link(booking_id, token)
        ):
            return refused
        try:
            await self._forum.cancel_booking(booking_id)
        except BookingRefused as refusal:
            return self._refused(request, language, refusal)
        # Back to the booking's page with the link it came with, which works as long.
        query = urlencode({"token": token, "lang": language.value, "done": "cancelled"})
        return RedirectResponse(
            f"{self._links.base_url}/bookings/{booking_id}/cancel?{query}",
            status_code=status.HTTP_303_SEE_OTHER,
        )

    async def offer_page(
        self,
        request: Request,
        booking_id: str,
        token: TokenParameter = "",
        lang: LanguageParameter = None,
    ) -> Response:
        """The seat offered, and a button to take it."""
        language = language_of(lang)
        if refused := self._link_refused(
            request, language, self._links.accept_link(booking_id, token)
        ):
            return refused
        loaded = await self._load(booking_id)
        if loaded is None:
            return self._not_found(request, language)
        booking, found = loaded
        if booking["status"] != BookingStatus.OFFERED.value:
            # Taken already, or passed on: the booking's own page says which.
            url = self._links.cancel_url(booking_id, found, language)
            return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
        view = booking_view(booking, found, datetime.now(UTC), self._links)
        return self._render(
            request,
            "accept.html",
            language,
            {
                "booking": view,
                "session": view.session,
                "token": token,
                "cancel_url": self._links.cancel_url(booking_id, found, language),
            },
            private=True,
        )

    async def accept(self, request: Request, booking_id: str) -> Response:
        """Take the seat, then show the booking."""
        posted = await request.form()
        token, language = _text(posted.get("token")), language_of(_text(posted.get("lang")))
        if refused := self._link_refused(
            request, language, self._links.accept_link(booking_id, token)
        ):
            return refused
        try:
            await self._forum.accept_offer(booking_id)
        except BookingRefused as refusal:
            return self._refused(request, language, refusal)
        loaded = await self._load(booking_id)
        if loaded is None:  # accepted a moment ago: only a dropped database gets here
            return self._not_found(request, language)
        url = self._links.cancel_url(booking_id, loaded[1], language)
        return RedirectResponse(f"{url}&done=accepted", status_code=status.HTTP_303_SEE_OTHER)

    async def booking_ics(self, booking_id: str, token: TokenParameter = "") -> Response:
        """The booking's calendar file, while the booking holds a seat."""
        check = self._links.calendar_link(booking_id, token)
        if check is LinkCheck.EXPIRED:
            return Response("The link has expired.", status_code=status.HTTP_410_GONE)
        if check is not LinkCheck.VALID:
            return Response("The link is not valid.", status_code=status.HTTP_403_FORBIDDEN)
        loaded = await self._load(booking_id)
        if loaded is None or loaded[0]["status"] != BookingStatus.CONFIRMED.value:
            return Response("No confirmed booking.", status_code=status.HTTP_404_NOT_FOUND)
        booking, found = loaded
        ics = booking_calendar(
            booking,
            found,
            domain=self._calendar_domain,
            url=self._links.session_page_url(found["_id"]),
        )
        return Response(
            ics,
            media_type=ICS_MEDIA_TYPE,
            headers={
                "Content-Disposition": 'attachment; filename="digitalwell.ics"',
                "Cache-Control": "no-store",
            },
        )

    async def _booking(
        self, request: Request, booking_id: str, token: str, language: Language, done: str
    ) -> Response:
        loaded = await self._load(booking_id)
        if loaded is None:
            return self._not_found(request, language)
        booking, found = loaded
        now = datetime.now(UTC)
        view = booking_view(booking, found, now, self._links)
        can_cancel = booking["status"] != BookingStatus.CANCELLED.value and now < found["starts_at"]
        return self._render(
            request,
            "booking.html",
            language,
            {
                "booking": view,
                "session": view.session,
                "token": token,
                "done": done,
                "email": booking["email"],
                "can_cancel": can_cancel,
                "calendar_url": self._links.calendar_url(booking_id, found),
                "accept_url": self._links.accept_url(booking_id, found, language),
            },
            private=True,
        )

    async def _load(self, booking_id: str) -> tuple[Document, Document] | None:
        booking = await self._bookings.get(booking_id)
        found = await self._sessions.get(booking["session_id"]) if booking else None
        if booking is None or found is None:
            return None
        return booking, found

    # -- the coordinator's pages ----------------------------------------------------------

    async def staff_sessions(
        self, request: Request, _member: CoordinatorPage, lang: LanguageParameter = None
    ) -> Response:
        """Every session, and the form to schedule one."""
        language = language_of(lang)
        return await self._staff_list(request, language, {"coordinator_language": "sv"}, {})

    async def schedule(self, request: Request, member: CoordinatorPage) -> Response:
        """Schedule a session from the form, or show the form again with what is wrong."""
        posted = await request.form()
        language = language_of(_text(posted.get("lang")))
        form = {name: _text(posted.get(name)) for name in _SCHEDULE_FIELDS}
        try:
            payload = _session_payload(form)
            plan = SessionRequest.model_validate(payload)
        except _BadSeriesError:
            errors = {"later_dates": translate(language, "error_date_format")}
            return await self._staff_list(
                request, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        except ValidationError as invalid:
            errors = _field_errors(invalid, language)
            return await self._staff_list(
                request, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        session_id = await self._forum.schedule_session(plan, member)
        return RedirectResponse(
            page_path(request, f"/staff/sessions/{session_id}?lang={language.value}"),
            status_code=status.HTTP_303_SEE_OTHER,
        )

    async def staff_session(
        self,
        request: Request,
        session_id: str,
        _member: CoordinatorPage,
        lang: LanguageParameter = None,
        saved: bool = False,
    ) -> Response:
        """A session's bookings, the attendance form once it has begun, and cancelling it."""
        return await self._staff_session(request, session_id, language_of(lang), saved=saved)

    async def mark_attendance(
        self, request: Request, session_id: str, _member: CoordinatorPage
    ) -> Response:
        """Save who came."""
        posted = await request.form()
        language = language_of(_text(posted.get("lang")))
        attended = [value for value in posted.getlist("attended") if isinstance(value, str)]
        try:
            await self._forum.mark_attendance(session_id, attended)
        except (BookingRefused, UnknownBookingsError) as refused:
            reason = refused.reason.value if isinstance(refused, BookingRefused) else None
            return await self._staff_session(
                request, session_id, language, refusal=reason, status_code=409
            )
        return RedirectResponse(
            page_path(request, f"/staff/sessions/{session_id}?lang={language.value}&saved=1"),
            status_code=status.HTTP_303_SEE_OTHER,
        )

    async def cancel_session(
        self, request: Request, session_id: str, _member: CoordinatorPage
    ) -> Response:
        """Cancel the session and tell everyone booked."""
        posted = await request.form()
        language = language_of(_text(posted.get("lang")))
        try:
            reason = CancelSessionRequest(reason=_text(posted.get("reason"))).reason
        except ValidationError:
            return await self._staff_session(
                request,
                session_id,
                language,
                refusal="reason_invalid",
                status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        try:
            await self._forum.cancel_session(session_id, reason)
        except BookingRefused as refused:
            return await self._staff_session(
                request,
                session_id,
                language,
                refusal=refused.reason.value,
                status_code=REFUSAL_STATUS[refused.reason],
            )
        return RedirectResponse(
            page_path(request, f"/staff/sessions/{session_id}?lang={language.value}"),
            status_code=status.HTTP_303_SEE_OTHER,
        )

    async def report(
        self, request: Request, _member: CoordinatorPage, lang: LanguageParameter = None
    ) -> Response:
        """Attendance and no-shows per session and per kind."""
        report = attendance_report_view(*await self._forum.attendance())
        return self._render(
            request, "staff_report.html", language_of(lang), {"report": report}, private=True
        )

    async def _staff_list(
        self,
        request: Request,
        language: Language,
        form: dict[str, str],
        errors: dict[str, str],
        status_code: int = status.HTTP_200_OK,
    ) -> Response:
        now = datetime.now(UTC)
        listed = [session_view(s, now, self._links) for s in await self._sessions.all()]
        return self._render(
            request,
            "staff_sessions.html",
            language,
            {
                "sessions": listed,
                "form": _Form(form),
                "errors": _Form(errors),
                "kinds": [kind.value for kind in SessionKind],
            },
            status_code,
            private=True,
        )

    async def _staff_session(
        self,
        request: Request,
        session_id: str,
        language: Language,
        *,
        saved: bool = False,
        refusal: str | None = None,
        status_code: int = status.HTTP_200_OK,
    ) -> Response:
        found = await self._sessions.get(session_id)
        if found is None:
            return self._not_found(request, language)
        now = datetime.now(UTC)
        listed = await self._bookings.of_session(session_id, list(BookingStatus))
        return self._render(
            request,
            "staff_session.html",
            language,
            {
                "session": session_view(found, now, self._links),
                "bookings": [staff_booking_view(b) for b in listed],
                "begun": now >= found["starts_at"]
                and found["status"] == SessionStatus.SCHEDULED.value,
                "saved": saved,
                "refusal": refusal,
            },
            status_code,
            private=True,
        )

    # -- rendering ------------------------------------------------------------------------

    def _session_form(  # noqa: PLR0917 - the form page's parts, named at each call
        self,
        request: Request,
        found: Document,
        language: Language,
        form: dict[str, str],
        errors: dict[str, str],
        status_code: int = status.HTTP_200_OK,
        *,
        refusal: str | None = None,
    ) -> HTMLResponse:
        view = session_view(found, datetime.now(UTC), self._links)
        return self._render(
            request,
            "session.html",
            language,
            {"session": view, "form": _Form(form), "errors": _Form(errors), "refusal": refusal},
            status_code,
        )

    def _not_found(self, request: Request, language: Language) -> HTMLResponse:
        return self._message(
            request, language, "not_found_title", "not_found_body", status.HTTP_404_NOT_FOUND
        )

    def _bad_link(self, request: Request, language: Language) -> HTMLResponse:
        return self._message(
            request, language, "bad_link_title", "bad_link_body", status.HTTP_403_FORBIDDEN
        )

    def _link_refused(
        self, request: Request, language: Language, check: LinkCheck
    ) -> HTMLResponse | None:
        """The page for a link that does not work (403) or no longer works (410); else None."""
        if check is LinkCheck.EXPIRED:
            return self._message(
                request, language, "expired_link_title", "expired_link_body", status.HTTP_410_GONE
            )
        return None if check is LinkCheck.VALID else self._bad_link(request, language)

    def _refused(
        self, request: Request, language: Language, refused: BookingRefused
    ) -> HTMLResponse:
        return self._message(
            request,
            language,
            "refused_title",
            f"refusal_{refused.reason.value}",
            REFUSAL_STATUS[refused.reason],
        )

    def _message(
        self, request: Request, language: Language, title: str, body: str, status_code: int
    ) -> HTMLResponse:
        return self._render(
            request,
            "message.html",
            language,
            {"title": translate(language, title), "body": translate(language, body)},
            status_code,
        )

    def _render(
        self,
        request: Request,
        template: str,
        language: Language,
        context: dict[str, Any],
        status_code: int = status.HTTP_200_OK,
        *,
        private: bool = False,
    ) -> HTMLResponse:
        switch_to = other_language(language)
        here = request.url if request.method == "GET" else _page_after_post(request)
        response = self._templates.TemplateResponse(
            request,
            template,
            {
                "lang": language.value,
                "t": partial(translate, language),
                "format_time": partial(format_time, language),
                "format_span": partial(format_span, language),
                "kind_name": partial(kind_name, language),
                "switch_url": str(here.include_query_params(lang=switch_to.value)),
                "switch_lang": switch_to.value,
                "csrf_token": getattr(request.state, "csrf_token", ""),
                **context,
            },
            status_code=status_code,
        )
        response.headers.update(SECURITY_HEADERS)
        if private:  # a page that holds a link token or people's addresses
            response.headers["Cache-Control"] = "no-store"
        return response


def _page_after_post(request: Request) -> URL:
    """Where the language switch of a page shown in answer to a POST leads: a page to GET.

    The booking form is on the session's page, the staff forms on the session's staff page;
    anything else (a booking's pages need their token) goes to the list of sessions.
    """
    path = request.url.path
    if path.endswith("/book"):
        path = path.removesuffix("/book")
    elif path.startswith("/staff/sessions/"):
        path = "/".join(path.split("/")[:4])
    elif path != "/staff/sessions":
        path = "/"
    return request.url.replace(path=path, query="")


class _Form(dict[str, str]):
    """Form values or errors for a template: a missing field reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


class _BadSeriesError(ValueError):
    """A line of further dates that is not ``YYYY-MM-DD HH:MM-HH:MM``."""


_SCHEDULE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "later_dates",
    "location",
    "capacity",
    "public_sector_participants",
    "registration_deadline",
    "coordinator_language",
)


def _session_payload(form: dict[str, str]) -> dict[str, Any]:
    """The scheduling form as SessionRequest's fields; times typed are Swedish time."""
    later = []
    for line in _lines(form["later_dates"]):
        match = _SERIES_LINE.fullmatch(line)
        if match is None:
            raise _BadSeriesError(line)
        day, start, end = match.groups()
        later.append({"starts_at": f"{day}T{start:0>5}", "ends_at": f"{day}T{end:0>5}"})
    return {
        "kind": form["kind"],
        "title": form["title"],
        "description": form["description"],
        "starts_at": form["starts_at"],
        "ends_at": form["ends_at"],
        "later_dates": later,
        "location": form["location"],
        "capacity": form["capacity"],
        "public_sector_participants": _lines(form["public_sector_participants"]),
        "registration_deadline": form["registration_deadline"] or None,
        "coordinator_language": form["coordinator_language"] or Language.SV.value,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _field_errors(invalid: ValidationError, language: Language) -> dict[str, str]:
    """The first error of each field, as the person reads it."""
    errors: dict[str, str] = {}
    for error in invalid.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        if field in errors:
            continue
        kind = error["type"]
        if kind in {"missing", "string_too_short"}:
            errors[field] = translate(language, "error_required")
        elif kind == "string_too_long":
            errors[field] = translate(language, "error_too_long")
        elif field == "email":
            errors[field] = translate(language, "error_email")
        elif kind in {SINGLE_LINE_ERROR, CONTROL_CHARACTER_ERROR}:
            errors[field] = translate(language, f"error_{kind}")
        else:
            errors[field] = translate(language, _error_key(str(error["msg"]), kind))
    return errors


# The session form's own rules (models.SessionRequest, domain.date_problems), by the start of
# their English text, and pydantic's kinds: pydantic's words are English, the page's are not.
_RULES = {
    "the session must start in the future": "error_starts_in_past",
    "the session must end after it starts": "error_ends_before_start",
    "only a training can be a series": "error_series_for_training",
    "registration must close": "error_deadline_after_start",
    "date ": "error_series_dates",
}
_BY_KIND = {
    "greater_than_equal": "error_number_range",
    "less_than_equal": "error_number_range",
    "int_parsing": "error_number",
    "datetime_parsing": "error_date_time",
    "datetime_from_date_parsing": "error_date_time",
    "enum": "error_choice",
    "literal_error": "error_choice",
}


def _error_key(message: str, kind: str) -> str:
    """The catalog key of an error pydantic or the session rules state in English."""
    rule = message.removeprefix("Value error, ")
    for start, key in _RULES.items():
        if rule.startswith(start):
            return key
    return _BY_KIND.get(kind, "error_invalid")


def _text(value: object) -> str:
    """A posted form value as text; a file where text belongs counts as nothing."""
    return value if isinstance(value, str) else ""
