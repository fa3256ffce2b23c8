"""The applicant's pages: the application form, the status page and the withdrawal page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from digitalwell_intake.api import ApplicationLimit
from digitalwell_intake.deps import DepsDep, WebDep
from digitalwell_intake.domain import ApplicationStatus, IllegalMoveError, withdraw_token_is_valid
from digitalwell_intake.form import ApplicationForm, field_errors
from digitalwell_intake.models import REASON_MAX, ApplicationRequest, WithdrawRequest
from digitalwell_intake.pages.rendering import public_page
from digitalwell_intake.usecases import applications
from digitalwell_intake.views import applicant_language, status_view, weeks_in_words
from digitalwell_shared.contracts import Language, Stage, SupportKind
from digitalwell_shared.pages import language_of, other_language
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR

# Anything else in lang shows the page in Swedish; a bad token shows the bad-link page.
LanguageParameter = Annotated[str | None, Query(description="sv or en")]
SWITCH_FIELD = "switch_lang"
"""The form's language switch: the language to show the form in again, with what was typed."""
TokenParameter = Annotated[str, Query(description="the application's withdrawal token")]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
async def application_form(request: Request, lang: LanguageParameter = None) -> Response:
    """The empty form, answering in the language the person reads."""
    language = language_of(lang)
    form = ApplicationForm(text={"contact_language": language.value})
    return _form_page(request, language, form, {})


@router.post("/applications")
async def submit_form(request: Request, deps: DepsDep, limit: ApplicationLimit) -> Response:
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
        return _form_page(request, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT)
    if switch_to:  # all correct now, but switching the language is not sending
        return _form_page(request, language, form, {})
    await limit.by_email(application.contact.email)
    # A double click posts twice: the second finds the first by organisation number and title.
    submission = await applications.submit_application(deps, application, idempotency_key=None)
    return RedirectResponse(
        f"/applications/{submission.application_id}?lang={language.value}&received=1",
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.get("/applications/{application_id}")
async def status_page(
    request: Request,
    application_id: str,
    *,
    deps: DepsDep,
    web: WebDep,
    lang: LanguageParameter = None,
    received: bool = False,
) -> Response:
    """The application's status and timeline, in the applicant's language unless asked."""
    application = await applications.find_application(deps, application_id)
    if application is None:
        return _not_found(request, language_of(lang))
    language = language_of(lang, default=applicant_language(application))
    return public_page(
        request,
        "status.html",
        language,
        {
            "view": status_view(application, web.links, language),
            "received": received,
            "json_url": web.links.status_url(application_id),
            "assessment_time": weeks_in_words(web.settings.assessment_weeks, language),
        },
    )


@router.get("/applications/{application_id}/withdraw")
async def withdraw_page(
    request: Request,
    application_id: str,
    *,
    deps: DepsDep,
    web: WebDep,
    token: TokenParameter = "",
    lang: LanguageParameter = None,
) -> Response:
    """The page where the applicant confirms a withdrawal; the link in the receipt."""
    return await _withdraw_form(request, deps, web, application_id, token=token, lang=lang)


@router.post("/applications/{application_id}/withdraw")
async def withdraw(request: Request, application_id: str, deps: DepsDep, web: WebDep) -> Response:
    """Withdraw the application, then show its status."""
    posted = await request.form()
    token, lang, reason = (_text(posted.get(name)) for name in ("token", "lang", "reason"))
    try:
        withdrawal = WithdrawRequest(reason=reason)
    except ValidationError as invalid:
        # Only the length or the control characters can be wrong with an optional text.
        error = (
            "error_control_characters"
            if invalid.errors()[0]["type"] == CONTROL_CHARACTER_ERROR
            else "error_too_long"
        )
        return await _withdraw_form(
            request, deps, web, application_id, token=token, lang=lang, reason=reason, error=error
        )
    language = language_of(lang)
    if not withdraw_token_is_valid(web.links.link_secret, application_id, token):
        return _bad_link(request, language)
    try:
        await applications.withdraw_application(deps, application_id, withdrawal.reason)
    except applications.ApplicationNotFoundError:
        return _not_found(request, language)
    except IllegalMoveError as refused:
        return _refusal(request, language, application_id, refused.current)
    return RedirectResponse(
        _status_path(application_id, language), status_code=status.HTTP_303_SEE_OTHER
    )


async def _withdraw_form(
    request: Request,
    deps: DepsDep,
    web: WebDep,
    application_id: str,
    *,
    token: str,
    lang: str | None,
    reason: str = "",
    error: str | None = None,
) -> Response:
    # The token first: without it, nobody learns whether an id exists.
    if not withdraw_token_is_valid(web.links.link_secret, application_id, token):
        return _bad_link(request, language_of(lang))
    application = await applications.find_application(deps, application_id)
    if application is None:
        return _not_found(request, language_of(lang))
    language = language_of(lang, default=applicant_language(application))
    if application.status is not ApplicationStatus.SUBMITTED:
        return _refusal(request, language, application_id, application.status)
    response = public_page(
        request,
        "withdraw.html",
        language,
        {
            "view": status_view(application, web.links),
            "token": token,
            "reason": reason,
            "error": error,
            "reason_max": REASON_MAX,
            "status_url": _status_path(application_id, language),
        },
        status.HTTP_422_UNPROCESSABLE_CONTENT if error else status.HTTP_200_OK,
        switch_url=web.links.withdraw_page_url(application_id, other_language(language)),
    )
    response.headers["Cache-Control"] = "no-store"  # the page holds the token
    return response


def _form_page(
    request: Request,
    language: Language,
    form: ApplicationForm,
    errors: dict[str, str],
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    return public_page(
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


def _not_found(request: Request, language: Language) -> HTMLResponse:
    return _message(
        request,
        language,
        ("not_found_title", "not_found_body"),
        status.HTTP_404_NOT_FOUND,
        home_url="/",
    )


def _bad_link(request: Request, language: Language) -> HTMLResponse:
    return _message(
        request,
        language,
        ("withdraw_bad_link_title", "withdraw_bad_link_body"),
        status.HTTP_403_FORBIDDEN,
    )


def _refusal(
    request: Request, language: Language, application_id: str, current: ApplicationStatus
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
    return _message(
        request, language, keys, status_code, status_url=_status_path(application_id, language)
    )


def _message(
    request: Request, language: Language, keys: tuple[str, str], status_code: int, **links: str
) -> HTMLResponse:
    title, body = keys
    context = {"title_key": title, "body_key": body, **links}
    return public_page(request, "message.html", language, context, status_code)


def _status_path(application_id: str, language: Language) -> str:
    return f"/applications/{application_id}?lang={language.value}"


def _text(value: object) -> str:
    """A posted form value as text; a file where text belongs counts as nothing."""
    return value if isinstance(value, str) else ""
