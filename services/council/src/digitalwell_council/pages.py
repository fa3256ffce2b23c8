"""council's pages for staff: the queue, a case with its forms, and the programme's reports.

Each page is behind the session cookie (and the CSRF token on every form); the forms are read
in ``forms.py``, the records turned into what the templates show in ``views.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import URL

from digitalwell_council import usecases
from digitalwell_council.api import (
    CASE_ID_MAX,
    COUNCIL,
    REPORT_READERS,
    csv_response,
    report_rows,
)
from digitalwell_council.deps import Deps, DepsDep
from digitalwell_council.domain import (
    CaseRefusalError,
    CaseStatus,
    ConflictOfInterestError,
    Criterion,
)
from digitalwell_council.forms import Forms, read_conflict, read_decision, read_scores, text
from digitalwell_council.models import CaseDetail
from digitalwell_council.page_text import WORDING, translate
from digitalwell_council.records import Support
from digitalwell_council.reporting import Period
from digitalwell_council.usecases import CaseNotFoundError, member_key
from digitalwell_council.views import case_summary, case_view, meeting
from digitalwell_shared.contracts import Language, SupportKind
from digitalwell_shared.kinds import support_kind_name
from digitalwell_shared.pages import other_language, page_path, public_url
from digitalwell_shared.site import PageRenderer, request_language
from digitalwell_shared.staff import Role, StaffMember, staff_page

TEMPLATES = FilePath(__file__).parent / "templates"
CaseId = Annotated[str, Path(max_length=CASE_ID_MAX)]

_COUNCIL_PAGE = [Depends(staff_page(*COUNCIL))]
_MEMBER_PAGE = [Depends(staff_page(Role.COUNCIL_MEMBER))]
_CHAIR_PAGE = [Depends(staff_page(Role.COUNCIL_CHAIR))]
_REPORT_PAGE = [Depends(staff_page(*REPORT_READERS))]


def _helpers(language: Language) -> dict[str, object]:
    def support_name(kind: str) -> str:
        return support_kind_name(SupportKind(kind), language)

    return {"support_name": support_name}


_pages = PageRenderer(TEMPLATES, WORDING, helpers=_helpers)
_pages.templates.env.globals |= {
    "criteria": list(Criterion),
    "support_kinds": list(SupportKind),
    "known_actions": {key for key in WORDING.catalogues[Language.SV] if key.startswith("action_")},
}

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


# -- what every page shares -----------------------------------------------------------------------


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


def _render(
    request: Request, name: str, context: dict[str, Any], status_code: int = http.HTTP_200_OK
) -> HTMLResponse:
    """A page for the signed-in member of staff; never cached (applicants' details, scores)."""
    staff: StaffMember = request.state.staff
    language = request_language(request)
    return _pages.render(
        request,
        name,
        language,
        {
            "staff": staff,
            "is_chair": Role.COUNCIL_CHAIR in staff.roles,
            "is_member": Role.COUNCIL_MEMBER in staff.roles,
            **context,
        },
        status_code=status_code,
        private=True,
        switch_url=_switch_url(request, other_language(language)),
    )


# -- the queue and a case -----------------------------------------------------------------------


@router.get("/")
async def _to_the_queue(request: Request) -> Response:
    asked = "lang" in request.query_params  # else the queue reads the browser's language too
    queue = _with_language(request, "/staff/cases") if asked else page_path(request, "/staff/cases")
    return RedirectResponse(queue, status_code=http.HTTP_303_SEE_OTHER)


@router.get("/staff/cases", dependencies=_COUNCIL_PAGE)
async def queue(
    request: Request,
    deps: DepsDep,
    status: Annotated[str, Query(max_length=30)] = "",
    sort: Annotated[str, Query(max_length=10)] = "oldest",
) -> Response:
    """The cases, filtered by status and sorted by age, with how many have scored each."""
    chosen = CaseStatus(status) if status in set(CaseStatus) else None
    oldest_first = sort != "newest"
    cases = await usecases.queue(deps, status=chosen, oldest_first=oldest_first)
    now = deps.clock()
    return _render(
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


@router.get("/staff/cases/{case_id}", dependencies=_COUNCIL_PAGE)
async def case(
    request: Request,
    deps: DepsDep,
    case_id: CaseId,
    notice: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The whole case, its scores and audit trail, and the forms the person may use."""
    known = notice in {"scored", "conflict", "decided"}
    shown = translate(request_language(request), f"notice_{notice}") if known else ""
    return await _case_page(request, deps, case_id, Forms(), notice=shown)


async def _case_page(
    request: Request,
    deps: Deps,
    case_id: str,
    forms: Forms,
    *,
    notice: str = "",
    status_code: int = http.HTTP_200_OK,
) -> Response:
    staff: StaffMember = request.state.staff
    file = await usecases.case_file(deps, case_id)
    if file is None:
        return _render(
            request,
            "not_found.html",
            {"section": "cases", "case_id": case_id},
            http.HTTP_404_NOT_FOUND,
        )
    case = case_view(
        file,
        viewer=member_key(staff),
        chair=Role.COUNCIL_CHAIR in staff.roles,
        required=deps.quorum,
        now=deps.clock(),
    )
    context = {
        "section": "cases",
        "case": case,
        "mine": _my_scores(case, staff),
        "forms": forms,
        "notice": notice,
        "open": case.status in {CaseStatus.NEW, CaseStatus.UNDER_ASSESSMENT},
    }
    return _render(request, "case.html", context, status_code)


def _my_scores(case: CaseDetail, staff: StaffMember) -> dict[str, Any]:
    """The person's own latest scores, to fill in the scoring form."""
    if case.assessment is None:
        return {}
    key = member_key(staff)
    for scores in case.assessment.members:
        if (scores.member.email.lower() or "") == key:
            return {score.criterion.value: score for score in scores.scores}
    return {}


# -- the forms on a case ------------------------------------------------------------------------


async def _act(
    request: Request,
    deps: Deps,
    case_id: str,
    forms: Forms,
    *,
    notice: str,
    action: Awaitable[object],
) -> Response:
    """Run a use case; on success back to the case page, else the page with the reason."""
    try:
        await action
    except CaseNotFoundError:
        return await _case_page(request, deps, case_id, forms)  # renders the 404 page
    except CaseRefusalError as refused:
        forms.problem = translate(request_language(request), f"refusal_{refused.reason}")
        code = (
            http.HTTP_403_FORBIDDEN
            if isinstance(refused, ConflictOfInterestError)
            else http.HTTP_409_CONFLICT
        )
        return await _case_page(request, deps, case_id, forms, status_code=code)
    return RedirectResponse(
        _with_language(request, f"/staff/cases/{case_id}?notice={notice}"),
        status_code=http.HTTP_303_SEE_OTHER,
    )


async def _form_again(request: Request, deps: Deps, case_id: str, forms: Forms) -> Response:
    return await _case_page(
        request, deps, case_id, forms, status_code=http.HTTP_422_UNPROCESSABLE_CONTENT
    )


@router.post("/staff/cases/{case_id}/scores", dependencies=_MEMBER_PAGE)
async def score(request: Request, deps: DepsDep, case_id: CaseId) -> Response:
    """Save the member's scores, or show the form again with what was wrong."""
    forms, scores = read_scores(await request.form(), request_language(request))
    if forms.refused:
        return await _form_again(request, deps, case_id, forms)
    staff: StaffMember = request.state.staff
    scoring = usecases.score_case(deps, case_id, staff, scores)
    return await _act(request, deps, case_id, forms, notice="scored", action=scoring)


@router.post("/staff/cases/{case_id}/conflicts", dependencies=_COUNCIL_PAGE)
async def declare_conflict(request: Request, deps: DepsDep, case_id: CaseId) -> Response:
    """Ask the person to confirm their conflict of interest, then record it once confirmed."""
    posted = await request.form()
    forms, declaration = read_conflict(posted, request_language(request))
    if declaration is None:
        return await _form_again(request, deps, case_id, forms)
    reason = declaration.reason.strip()
    if text(posted, "confirm") != "yes":
        return await _confirm_conflict(request, deps, case_id, reason)
    staff: StaffMember = request.state.staff
    declaring = usecases.declare_conflict(deps, case_id, staff, reason)
    return await _act(request, deps, case_id, forms, notice="conflict", action=declaring)


async def _confirm_conflict(request: Request, deps: Deps, case_id: str, reason: str) -> Response:
    """The confirm step: what declaring means, the note as given, and a way back."""
    staff: StaffMember = request.state.staff
    found = await usecases.find_case(deps, case_id)
    if found is None:
        return await _case_page(request, deps, case_id, Forms())  # renders the 404 page
    return _render(
        request,
        "conflict_confirm.html",
        {
            "section": "cases",
            "case_id": case_id,
            "case_number": found.case_number,
            "title": found.application.title,
            "reason": reason,
            "already": member_key(staff) in found.conflicted,
        },
    )


@router.post("/staff/cases/{case_id}/decision", dependencies=_CHAIR_PAGE)
async def decide(request: Request, deps: DepsDep, case_id: CaseId) -> Response:
    """Record the chair's decision, or show the form again with what was wrong."""
    forms, decision = read_decision(await request.form(), request_language(request))
    if decision is None:
        return await _form_again(request, deps, case_id, forms)
    deciding = usecases.decide_case(
        deps,
        case_id,
        chair=request.state.staff,
        decision=decision.decision,
        support_granted=[
            Support(kind=support.kind, note=support.note) for support in decision.support_granted
        ],
        motivation=decision.motivation,
    )
    return await _act(request, deps, case_id, forms, notice="decided", action=deciding)


# -- the meeting and the reports ----------------------------------------------------------------


@router.get("/staff/meeting", dependencies=_CHAIR_PAGE)
async def meeting_page(request: Request, deps: DepsDep) -> Response:
    """The council's meeting: the cases ready for decision with their means and spread."""
    staff: StaffMember = request.state.staff
    ready = meeting(
        await usecases.cases_under_assessment(deps),
        viewer=member_key(staff),
        required=deps.quorum,
        now=deps.clock(),
    )
    return _render(request, "meeting.html", {"section": "meeting", "meeting": ready})


def _period(period: str) -> Period:
    return Period.YEAR if period == Period.YEAR.value else Period.MONTH


@router.get("/staff/reports", dependencies=_REPORT_PAGE)
async def reports(
    request: Request, deps: DepsDep, period: Annotated[str, Query(max_length=10)] = "month"
) -> Response:
    """The programme's figures per month or year, with a link to the CSV."""
    chosen = _period(period)
    rows = report_rows(await usecases.report(deps, chosen))
    return _render(
        request,
        "reports.html",
        {"section": "reports", "rows": list(reversed(rows)), "period": chosen.value},
    )


@router.get("/staff/reports.csv", response_class=Response, dependencies=_REPORT_PAGE)
async def reports_csv(
    deps: DepsDep, period: Annotated[str, Query(max_length=10)] = "month"
) -> Response:
    """The same figures as a CSV download."""
    chosen = _period(period)
    return csv_response(await usecases.report(deps, chosen), chosen)
