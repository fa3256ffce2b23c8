"""intake's pages for people: the application form, the status page and the withdrawal page."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from digitalwell_intake import usecases
from digitalwell_intake.api import ApplicationLimit
from digitalwell_intake.domain import (
    ApplicationStatus,
    IllegalMove,
    is_application_id,
    withdraw_token_is_valid,
)
from digitalwell_intake.form import ApplicationForm, field_errors
from digitalwell_intake.messages import format_time, translate, weeks_in_words
from digitalwell_intake.models import REASON_MAX, ApplicationRequest, WithdrawRequest
from digitalwell_intake.store import ApplicationStore
from digitalwell_intake.usecases import EventCommitter, SubmissionPolicy
from digitalwell_intake.views import Links, applicant_language, status_view
from digitalwell_shared.contracts import Language, Stage, SupportKind
from digitalwell_shared.mongo import Document
from digitalwell_shared.pages import SECURITY_HEADERS, language_of, other_language
from digitalwell_shared.site import page_templates
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR

TEMPLATES = Path(__file__).parent / "templates"
# Anything else in lang shows the page in Swedish; a bad token shows the bad-link page.
LanguageParameter = Annotated[str | None, Query(description="sv or en")]
SWITCH_FIELD = "switch_lang"
"""The form's language switch: the language to show the form in again, with what was typed."""
TokenParameter = Annotated[str, Query(description="the application's withdrawal token")]


def create_page_router(
    committer: EventCommitter,
    store: ApplicationStore,
    links: Links,
    policy: SubmissionPolicy,
    *,
    assessment_weeks: int = 6,
) -> APIRouter:
    """The pages, rendered from templates/ in the language the person reads."""
    pages = _Pages(committer, store, links, policy, assessment_weeks)
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    router.add_api_route("/", pages.application_form, methods=["GET"])
    router.add_api_route("/applications", pages.submit_form, methods=["POST"])
    router.add_api_route("/applications/{application_id}", pages.status_page, methods=["GET"])
    router.add_api_route(
        "/applications/{application_id}/withdraw", pages.withdraw_page, methods=["GET"]
    )
    router.add_api_route(
        "/applications/{application_id}/withdraw", pages.withdraw, methods=["POST"]
    )
    return router


class _Pages:
    """The page handlers and what they share: templates, links and the use cases' parts."""

    def __init__(
        self,
        committer: EventCommitter,
        store: ApplicationStore,
        links: Links,
        policy: SubmissionPolicy,
        assessment_weeks: int,
    ) -> None:
        self._committer = committer
        self._store = store
        self._links = links
        self._policy = policy
        self._assessment_weeks = assessment_weeks
        self._templates = page_templates(TEMPLATES)

    async def application_form(self, request: Request, lang: LanguageParameter = None) -> Response:
        """The empty form, answering in the language the person reads."""
        language = language_of(lang)
        return self._form_page(
            request, language, ApplicationForm(text={"contact_language": language.value}), {}
        )

    async def submit_form(self, request: Request, limit: ApplicationLimit) -> Response:
        """Accept the form, or show it again with its errors and what was typed."""
        posted = await request.form()
        items = [(name, value) for name, value in posted.multi_items() if isinstance(value, str)]
        # The language switch of a form with errors posts what was typed (see form.html).
        switch_to = _text(posted.get(SWITCH_FIELD))
        language = language_of(switch_to or _text(posted.get("lang")))
        form = ApplicationForm.from_form_data(items)
        try:
            application = ApplicationRequest.model_validate(form.to_payload())
        except ValidationError as invalid:
            errors = field_errors(invalid, language)
            return self._form_page(
                request, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
            )
        if switch_to:  # all correct now, but switching the language is not sending
            return self._form_page(request, language, form, {})
        await limit.by_email(application.contact.email)
        # A double click posts twice: the second finds the first by organisation number and title.
        submission = await usecases.submit_application(
            self._committer, self._store, application, idempotency_key=None, policy=self._policy
        )
        return RedirectResponse(
            f"/applications/{submission.application_id}?lang={language.value}&received=1",
            status_code=status.HTTP_303_SEE_OTHER,
        )

    async def status_page(
        self,
        request: Request,
        application_id: str,
        lang: LanguageParameter = None,
        received: bool = False,
    ) -> Response:
        """The application's status and timeline, in the applicant's language unless asked."""
        application = await self._find(application_id)
        if application is None:
            return self._not_found(request, language_of(lang))
        language = language_of(lang, default=applicant_language(application))
        return self._render(
            request,
            "status.html",
            language,
            {
                "view": status_view(application, self._links, language),
                "received": received,
                "json_url": self._links.status_url(application_id),
                "assessment_time": weeks_in_words(self._assessment_weeks, language),
            },
        )

    async def withdraw_page(
        self,
        request: Request,
        application_id: str,
        token: TokenParameter = "",
        lang: LanguageParameter = None,
    ) -> Response:
        """The page where the applicant confirms a withdrawal; the link in the receipt."""
        return await self._withdraw_form(request, application_id, token, lang)

    async def withdraw(self, request: Request, application_id: str) -> Response:
        """Withdraw the application, then show its status."""
        posted = await request.form()
        token = _text(posted.get("token"))
        lang = _text(posted.get("lang"))
        reason = _text(posted.get("reason"))
        try:
            withdrawal = WithdrawRequest(reason=reason)
        except ValidationError as invalid:
            # Only the length or the control characters can be wrong with an optional text.
            error = (
                "error_control_characters"
                if invalid.errors()[0]["type"] == CONTROL_CHARACTER_ERROR
                else "error_too_long"
            )
            return await self._withdraw_form(
                request, application_id, token, lang, reason=reason, error=error
            )
        language = language_of(lang)
        if not withdraw_token_is_valid(self._links.link_secret, application_id, token):
            return self._bad_link(request, language)
        try:
            await usecases.withdraw_application(
                self._committer, self._store, application_id, withdrawal.reason
            )
        except usecases.ApplicationNotFound:
            return self._not_found(request, language)
        except IllegalMove as refused:
            return self._refusal(request, language, application_id, refused.current)
        return RedirectResponse(
            f"/applications/{application_id}?lang={language.value}",
            status_code=status.HTTP_303_SEE_OTHER,
        )

    async def _withdraw_form(
        self,
        request: Request,
        application_id: str,
        token: str,
        lang: str | None,
        *,
        reason: str = "",
        error: str | None = None,
    ) -> Response:
        # The token first: without it, nobody learns whether an id exists.
        if not withdraw_token_is_valid(self._links.link_secret, application_id, token):
            return self._bad_link(request, language_of(lang))
        application = await self._find(application_id)
        if application is None:
            return self._not_found(request, language_of(lang))
        language = language_of(lang, default=applicant_language(application))
        current = ApplicationStatus(application["status"])
        if current is not ApplicationStatus.SUBMITTED:
            return self._refusal(request, language, application_id, current)
        response = self._render(
            request,
            "withdraw.html",
            language,
            {
                "view": status_view(application, self._links),
                "token": token,
                "reason": reason,
                "error": error,
                "reason_max": REASON_MAX,
                "status_url": _status_path(application_id, language),
            },
            status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK,
            switch_url=self._links.withdraw_page_url(application_id, other_language(language)),
        )
        response.headers["Cache-Control"] = "no-store"  # the page holds the token
        return response

    async def _find(self, application_id: str) -> Document | None:
        if not is_application_id(application_id):
            return None
        return await self._store.get(application_id)

    def _form_page(
        self,
        request: Request,
        language: Language,
        form: ApplicationForm,
        errors: dict[str, str],
        status_code: int = status.HTTP_200_OK,
    ) -> HTMLResponse:
        return self._render(
            request,
            "form.html",
            language,
            {
                "form": form,
                "errors": errors,
                "stages": [stage.value for stage in Stage],
                "support_kinds": [kind.value for kind in SupportKind],
                "languages": [each.value for each in Language],
                "switch_field": SWITCH_FIELD,
            },
            status_code,
        )

    def _not_found(self, request: Request, language: Language) -> HTMLResponse:
        return self._message(
            request,
            language,
            ("not_found_title", "not_found_body"),
            status.HTTP_404_NOT_FOUND,
            home_url="/",
        )

    def _bad_link(self, request: Request, language: Language) -> HTMLResponse:
        return self._message(
            request,
            language,
            ("withdraw_bad_link_title", "withdraw_bad_link_body"),
            status.HTTP_403_FORBIDDEN,
        )

    def _refusal(
        self,
        request: Request,
        language: Language,
        application_id: str,
        current: ApplicationStatus,
    ) -> HTMLResponse:
        if current is ApplicationStatus.WITHDRAWN:
            keys, status_code = (
                ("withdraw_title", "withdraw_already_withdrawn"),
                status.HTTP_409_CONFLICT,
            )
        else:
            # The decision ends what the link allows: say that it has expired, and why.
            keys, status_code = (
                ("withdraw_expired_title", "withdraw_already_decided"),
                status.HTTP_410_GONE,
            )
        return self._message(
            request,
            language,
            keys,
            status_code,
            status_url=_status_path(application_id, language),
        )

    def _message(
        self,
        request: Request,
        language: Language,
        keys: tuple[str, str],
        status_code: int,
        **links: str,
    ) -> HTMLResponse:
        title, body = keys
        return self._render(
            request,
            "message.html",
            language,
            {"title_key": title, "body_key": body, **links},
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
        switch_url: str | None = None,
    ) -> HTMLResponse:
        switch_to = other_language(language)
        if switch_url is None:
            # A page shown in answer to a POST cannot be fetched again: switch on the form.
            here = (
                request.url if request.method == "GET" else request.url.replace(path="/", query="")
            )
            switch_url = str(here.include_query_params(lang=switch_to.value))
        response = self._templates.TemplateResponse(
            request,
            template,
            {
                "lang": language.value,
                "t": partial(translate, language),
                "format_time": partial(format_time, language),
                "switch_url": switch_url,
                "switch_lang": switch_to.value,
                **context,
            },
            status_code=status_code,
        )
        response.headers.update(SECURITY_HEADERS)
        return response


def _status_path(application_id: str, language: Language) -> str:
    return f"/applications/{application_id}?lang={language.value}"


def _text(value: object) -> str:
    """A posted form value as text; a file where text belongs counts as nothing."""
    return value if isinstance(value, str) else ""
