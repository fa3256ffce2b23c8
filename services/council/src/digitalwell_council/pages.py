"""council's pages for staff: the queue, a case with its forms, and the programme's reports."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi import status as http
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import URL

from digitalwell_council import usecases
from digitalwell_council.api import (
    CASE_ID_MAX,
    COUNCIL,
    REPORT_READERS,
    csv_response,
    report_rows,
)
from digitalwell_council.domain import (
    CaseRefusal,
    CaseStatus,
    ConflictOfInterest,
    Criterion,
)
from digitalwell_council.models import CaseDetail, ConflictRequest, DecisionRequest, ScoreIn
from digitalwell_council.page_text import PAGE_TEXT, translate
from digitalwell_council.reporting import Period
from digitalwell_council.store import CaseStore
from digitalwell_council.usecases import EventCommitter, member_key
from digitalwell_council.views import case_summary, meeting, read_case
from digitalwell_shared.contracts import Language, SupportKind
from digitalwell_shared.local_time import local_time
from digitalwell_shared.pages import SECURITY_HEADERS, other_language, page_path, public_url
from digitalwell_shared.site import page_templates, request_language
from digitalwell_shared.staff import Role, StaffMember, staff_page
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR, SINGLE_LINE_ERROR

TEMPLATES = FilePath(__file__).parent / "templates"
# No caching: the pages hold applicants' details and the council's scores.
_PAGE_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}
CaseId = Annotated[str, Path(max_length=CASE_ID_MAX)]


@dataclass
class _Forms:
    """What a person typed and what was wrong with it, to show the case page again."""

    scores: dict[str, str] = field(default_factory=dict)
    decision: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def create_page_router(
    committer: EventCommitter, store: CaseStore, members: tuple[str, ...], quorum: int
) -> APIRouter:
    """The staff pages, each behind the session cookie (and CSRF token on every form)."""
    pages = _Pages(committer, store, members, quorum)
    council_page = staff_page(*COUNCIL)
    member_page = staff_page(Role.COUNCIL_MEMBER)
    chair_page = staff_page(Role.COUNCIL_CHAIR)
    report_page = staff_page(*REPORT_READERS)
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    router.add_api_route("/", _to_the_queue, methods=["GET"])
    router.add_api_route(
        "/staff/cases", pages.queue, methods=["GET"], dependencies=[Depends(council_page)]
    )
    router.add_api_route(
        "/staff/cases/{case_id}", pages.case, methods=["GET"], dependencies=[Depends(council_page)]
    )
    router.add_api_route(
        "/staff/cases/{case_id}/scores",
        pages.score,
        methods=["POST"],
        dependencies=[Depends(member_page)],
    )
    router.add_api_route(
        "/staff/cases/{case_id}/conflicts",
        pages.declare_conflict,
        methods=["POST"],
        dependencies=[Depends(council_page)],
    )
    router.add_api_route(
        "/staff/cases/{case_id}/decision",
        pages.decide,
        methods=["POST"],
        dependencies=[Depends(chair_page)],
    )
    router.add_api_route(
        "/staff/meeting", pages.meeting, methods=["GET"], dependencies=[Depends(chair_page)]
    )
    router.add_api_route(
        "/staff/reports", pages.reports, methods=["GET"], dependencies=[Depends(report_page)]
    )
    router.add_api_route(
        "/staff/reports.csv",
        pages.reports_csv,
        methods=["GET"],
        response_class=Response,
        dependencies=[Depends(report_page)],
    )
    return router


async def _to_the_queue(request: Request) -> Response:
    asked = "lang" in request.query_params  # else the queue reads the browser's language too
    queue = _with_language(request, "/staff/cases") if asked else page_path(request, "/staff/cases")
    return RedirectResponse(queue, status_code=http.HTTP_303_SEE_OTHER)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _error_text(error: Any, language: Language) -> str:
    """A validation error as the reader reads it, by its kind (pydantic's text is English)."""
    kind = str(error["type"])
    if kind in {"missing", "blank", "string_too_short"}:
        key = "error_required"
    elif kind == "string_too_long":
        key = "error_too_long"
    elif kind in {SINGLE_LINE_ERROR, CONTROL_CHARACTER_ERROR}:
        key = f"error_{kind}"
    elif error["loc"] and error["loc"][0] == "score":
        key = "error_score"
    elif kind == "support_granted":
        granted = "at least one" in str(error["msg"])
        key = "error_support_needed" if granted else "error_support_none"
    else:
        key = "error_invalid"
    return translate(language, key)


def _local(language: Language) -> Any:
    def shown(moment: datetime | None) -> str:
        return "" if moment is None else local_time(moment, language)

    return shown


def _switch_url(request: Request, language: Language) -> str:
    """The page shown, in ``language``; after a form's post, the case page the form is on."""
    here = URL(public_url(request))
    if request.method != "GET":
        here = here.replace(path=here.path.rsplit("/", 1)[0])
    return str(here.remove_query_params("notice").include_query_params(lang=language.value))


def _with_language(request: Request, path: str) -> str:
    """``path`` of this service, in the language of the page that links to it."""
    separator = "&" if "?" in path else "?"
    return page_path(request, f"{path}{separator}lang={request_language(request).value}")


class _Pages:
    """The page handlers and what they share: templates, the store and the use cases' parts."""

    def __init__(
        self, committer: EventCommitter, store: CaseStore, members: tuple[str, ...], quorum: int
    ) -> None:
        self._committer = committer
        self._store = store
        self._members = members
        self._quorum = quorum
        self._templates = page_templates(TEMPLATES)
        self._templates.env.globals |= {
            "criteria": list(Criterion),
            "support_kinds": list(SupportKind),
            "known_actions": {key for key in PAGE_TEXT[Language.SV] if key.startswith("action_")},
        }

    def _render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        status_code: int = http.HTTP_200_OK,
    ) -> HTMLResponse:
        staff: StaffMember = request.state.staff
        language = request_language(request)
        switch = other_language(language)

        def t(key: str, **values: object) -> str:
            return translate(language, key, **values)

        context = {
            "lang": language.value,
            "t": t,
            "local": _local(language),
            "switch_lang": switch.value,
            "switch_url": _switch_url(request, switch),
            "staff": staff,
            "is_chair": Role.COUNCIL_CHAIR in staff.roles,
            "is_member": Role.COUNCIL_MEMBER in staff.roles,
            "csrf_token": request.state.csrf_token,
            **context,
        }
        response = self._templates.TemplateResponse(request, name, context, status_code=status_code)
        response.headers.update(_PAGE_HEADERS)
        return response

    async def queue(
        self,
        request: Request,
        status: Annotated[str, Query(max_length=30)] = "",
        sort: Annotated[str, Query(max_length=10)] = "oldest",
    ) -> Response:
        """The cases, filtered by status and sorted by age, with how many have scored each."""
        chosen = CaseStatus(status) if status in set(CaseStatus) else None
        oldest_first = sort != "newest"
        cases = await self._store.queue(
            status=chosen, application_id=None, oldest_first=oldest_first, limit=500
        )
        now = datetime.now(UTC)
        return self._render(
            request,
            "queue.html",
            {
                "section": "cases",
                "cases": [case_summary(case, now) for case in cases],
                "status": chosen.value if chosen else "",
                "sort": "oldest" if oldest_first else "newest",
                "statuses": list(CaseStatus),
            },
        )

    async def case(
        self,
        request: Request,
        case_id: CaseId,
        notice: Annotated[str, Query(max_length=20)] = "",
    ) -> Response:
        """The whole case, its scores and audit trail, and the forms the person may use."""
        known = notice in {"scored", "conflict", "decided"}
        shown = translate(request_language(request), f"notice_{notice}") if known else ""
        return await self._case_page(request, case_id, _Forms(), notice=shown)

    async def _case_page(
        self,
        request: Request,
        case_id: str,
        forms: _Forms,
        *,
        notice: str = "",
        status_code: int = http.HTTP_200_OK,
    ) -> Response:
        staff: StaffMember = request.state.staff
        case = await read_case(
            self._store,
            case_id,
            viewer=member_key(staff),
            chair=Role.COUNCIL_CHAIR in staff.roles,
            configured_members=self._members,
            required=self._quorum,
        )
        if case is None:
            return self._render(
                request,
                "not_found.html",
                {"section": "cases", "case_id": case_id},
                http.HTTP_404_NOT_FOUND,
            )
        return self._render(
            request,
            "case.html",
            {
                "section": "cases",
                "case": case,
                "mine": _my_scores(case, staff),
                "forms": forms,
                "notice": notice,
                "open": case.status in {CaseStatus.NEW, CaseStatus.UNDER_ASSESSMENT},
            },
            status_code,
        )

    async def score(self, request: Request, case_id: CaseId) -> Response:
        """Save the member's scores, or show the form again with what was wrong."""
        posted = await request.form()
        language = request_language(request)
        forms = _Forms(scores={name: _text(posted, name) for name in posted})
        scores: list[tuple[Criterion, int, str]] = []
        for criterion in Criterion:
            score = _text(posted, f"score_{criterion.value}")
            comment = _text(posted, f"comment_{criterion.value}")
            if not score and not comment.strip():
                continue  # not scored this time: an earlier score on it stays
            if not score:
                forms.errors[f"score_{criterion.value}"] = translate(language, "error_score")
                continue
            try:
                given = ScoreIn(criterion=criterion, score=score, comment=comment)  # type: ignore[arg-type]
            except ValidationError as invalid:
                error = invalid.errors()[0]
                field_name = "score" if error["loc"][0] == "score" else "comment"
                forms.errors[f"{field_name}_{criterion.value}"] = _error_text(error, language)
                continue
            scores.append((given.criterion, given.score, given.comment))
        if not scores and not forms.errors:
            forms.problem = translate(language, "error_nothing_scored")
        if forms.errors or forms.problem:
            return await self._case_page(
                request, case_id, forms, status_code=http.HTTP_422_UNPROCESSABLE_CONTENT
            )
        return await self._act(
            request,
            case_id,
            forms,
            "scored",
            usecases.score_case(self._committer, self._store, case_id, request.state.staff, scores),
        )

    async def declare_conflict(self, request: Request, case_id: CaseId) -> Response:
        """Ask the person to confirm their conflict of interest, then record it once confirmed."""
        posted = await request.form()
        forms = _Forms()
        reason = _text(posted, "reason")
        try:
            declaration = ConflictRequest(confirm=True, reason=reason)
        except ValidationError as invalid:
            forms.errors["reason"] = _error_text(invalid.errors()[0], request_language(request))
            return await self._case_page(
                request, case_id, forms, status_code=http.HTTP_422_UNPROCESSABLE_CONTENT
            )
        if _text(posted, "confirm") != "yes":
            return await self._confirm_conflict(request, case_id, declaration.reason.strip())
        return await self._act(
            request,
            case_id,
            forms,
            "conflict",
            usecases.declare_conflict(
                self._committer,
                self._store,
                case_id,
                request.state.staff,
                declaration.reason.strip(),
            ),
        )

    async def decide(self, request: Request, case_id: CaseId) -> Response:
        """Record the chair's decision, or show the form again with what was wrong."""
        posted = await request.form()
        kinds = [kind for kind in SupportKind if kind.value in posted.getlist("support")]
        forms = _Forms(
            decision={
                "decision": _text(posted, "decision"),
                "support": [kind.value for kind in kinds],
                "motivation": _text(posted, "motivation"),
                **{
                    f"note_{kind.value}": _text(posted, f"note_{kind.value}")
                    for kind in SupportKind
                },
            }
        )
        try:
            decision = DecisionRequest.model_validate(
                {
                    "decision": forms.decision["decision"],
                    "support_granted": [
                        {"kind": kind, "note": forms.decision[f"note_{kind.value}"]}
                        for kind in kinds
                    ],
                    "motivation": forms.decision["motivation"],
                }
            )
        except ValidationError as invalid:
            forms.errors = _decision_errors(invalid, kinds, request_language(request))
            return await self._case_page(
                request, case_id, forms, status_code=http.HTTP_422_UNPROCESSABLE_CONTENT
            )
        return await self._act(
            request,
            case_id,
            forms,
            "decided",
            usecases.decide_case(
                self._committer,
                self._store,
                case_id,
                required=self._quorum,
                chair=request.state.staff,
                decision=decision.decision,
                support_granted=[
                    (support.kind, support.note) for support in decision.support_granted
                ],
                motivation=decision.motivation,
            ),
        )

    async def _act(
        self, request: Request, case_id: str, forms: _Forms, notice: str, action: Awaitable[object]
    ) -> Response:
        """Run a use case; on success back to the case page, else the page with the reason."""
        try:
            await action
        except usecases.CaseNotFound:
            return await self._case_page(request, case_id, forms)  # renders the 404 page
        except CaseRefusal as refused:
            forms.problem = translate(request_language(request), f"refusal_{refused.reason}")
            code = (
                http.HTTP_403_FORBIDDEN
                if isinstance(refused, ConflictOfInterest)
                else http.HTTP_409_CONFLICT
            )
            return await self._case_page(request, case_id, forms, status_code=code)
        return RedirectResponse(
            _with_language(request, f"/staff/cases/{case_id}?notice={notice}"),
            status_code=http.HTTP_303_SEE_OTHER,
        )

    async def _confirm_conflict(self, request: Request, case_id: str, reason: str) -> Response:
        """The confirm step: what declaring means, the note as given, and a way back."""
        staff: StaffMember = request.state.staff
        case = await self._store.by_id(case_id)
        if case is None:
            return await self._case_page(request, case_id, _Forms())  # renders the 404 page
        return self._render(
            request,
            "conflict_confirm.html",
            {
                "section": "cases",
                "case_id": case_id,
                "case_number": case.get("case_number", ""),
                "title": case["application"]["title"],
                "reason": reason,
                "already": member_key(staff) in usecases.conflicted_keys(case),
            },
        )

    async def meeting(self, request: Request) -> Response:
        """The council's meeting: the cases ready for decision with their means and spread."""
        staff: StaffMember = request.state.staff
        ready = await meeting(self._store, viewer=member_key(staff), required=self._quorum)
        return self._render(request, "meeting.html", {"section": "meeting", "meeting": ready})

    async def reports(
        self, request: Request, period: Annotated[str, Query(max_length=10)] = "month"
    ) -> Response:
        """The programme's figures per month or year, with a link to the CSV."""
        chosen = Period.YEAR if period == Period.YEAR.value else Period.MONTH
        rows = report_rows(await usecases.report(self._store, chosen))
        return self._render(
            request,
            "reports.html",
            {"section": "reports", "rows": list(reversed(rows)), "period": chosen.value},
        )

    async def reports_csv(self, period: Annotated[str, Query(max_length=10)] = "month") -> Response:
        """The same figures as a CSV download."""
        chosen = Period.YEAR if period == Period.YEAR.value else Period.MONTH
        return csv_response(await usecases.report(self._store, chosen), chosen)


def _my_scores(case: CaseDetail, staff: StaffMember) -> dict[str, Any]:
    """The person's own latest scores, to fill in the scoring form."""
    if case.assessment is None:
        return {}
    key = member_key(staff)
    for scores in case.assessment.members:
        if (scores.member.email.lower() or "") == key:
            return {score.criterion.value: score for score in scores.scores}
    return {}


def _decision_errors(
    invalid: ValidationError, kinds: list[SupportKind], language: Language
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in invalid.errors():
        loc = error["loc"]
        message = _error_text(error, language)
        if loc == ("decision",):
            errors.setdefault("decision", translate(language, "error_decision"))
        elif loc == ("motivation",):
            errors.setdefault("motivation", message)
        elif len(loc) == 3 and loc[0] == "support_granted" and loc[2] == "note":  # noqa: PLR2004
            errors.setdefault(f"note_{kinds[int(loc[1])].value}", message)
        else:
            errors.setdefault("support", message)
    return errors
