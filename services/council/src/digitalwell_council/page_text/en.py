"""council's staff pages in English (see page_text)."""

from __future__ import annotations

EN: dict[str, str] = {
    "site_title": "DigitalWell · Innovation Council",
    "title_suffix": "DigitalWell Innovation Council",
    "nav_cases": "Cases",
    "nav_meeting": "Meeting",
    "nav_reports": "Reports",
    "cases_title": "Cases",
    "filter_label": "Filter the cases",
    "status": "Status",
    "any_status": "any",
    "order": "Order",
    "oldest_first": "oldest first",
    "newest_first": "newest first",
    "show": "Show",
    "cases_region": "Cases",
    "cases_caption": (
        "{count} cases{status}, {order}. Age is days since the application was submitted."
    ),
    "cases_caption_one": (
        "1 case{status}, {order}. Age is days since the application was submitted."
    ),
    "case_number": "Case number",
    "application": "Application",
    "age_days": "Age (days)",
    "members_scored": "Members scored",
    "submitted": "Submitted",
    "no_cases": "No cases.",
    "no_cases_with_status": "No cases with this status.",
    "status_new": "New",
    "status_under_assessment": "Under assessment",
    "status_decided": "Decided",
    "status_withdrawn": "Withdrawn",
    "action_opened": "Case opened",
    "action_scored": "Scored",
    "action_conflict_declared": "Declared a conflict of interest",
    "action_decided": "Decided",
    "action_withdrawn": "Withdrawn by the applicant",
    "criterion_need": "Need",
    "criterion_viability": "Financial viability",
    "criterion_public_sector_fit": "Public-sector fit",
    "criterion_innovation": "Innovation",
    "criterion_feasibility": "Feasibility and team",
    "question_need": "The need and who benefits, with the user's own abilities in focus.",
    "question_viability": (
        "Can it become a financially viable product or service? Is the business model sound?"
    ),
    "question_public_sector_fit": "Does it fit the public sector's needs and systems?",
    "question_innovation": "How new is it, compared with what exists?",
    "question_feasibility": (
        "Can the team carry it out, with the time, skills and means they have?"
    ),
    "stage_idea": "idea",
    "stage_prototype": "prototype",
    "stage_pilot": "pilot",
    "stage_on_market": "on the market",
    "all_cases": "← All cases",
    "problem_form": "There is a problem with what you sent",
    "problem_action": "This could not be done",
    "notice_scored": "Your scores are saved.",
    "notice_conflict": (
        "Your conflict of interest is recorded. You no longer see this case's scores."
    ),
    "notice_decided": (
        "The decision is recorded and the decision letter is on its way to the applicant."
    ),
    "application_id": "Application id",
    "submitted_ago": "{when} ({days} days ago)",
    "submitted_ago_one": "{when} (1 day ago)",
    "withdrawn": "Withdrawn",
    "decision": "Decision",
    "granted": "Granted",
    "rejected": "Rejected",
    "support_granted": "Support granted",
    "motivation": "Motivation",
    "decided_by": "Decided by",
    "assessed_by": "Assessed by",
    "the_application": "The application",
    "organisation": "Organisation",
    "contact": "Contact",
    "writes_in_sv": "writes in Swedish",
    "writes_in_en": "writes in English",
    "summary": "Summary",
    "need": "Need and who benefits",
    "target_groups": "Target groups",
    "stage": "Stage",
    "business_model": "Business model",
    "partners": "Public-sector partners",
    "none_named": "none named",
    "support_requested": "Support requested",
    "assessment": "Assessment",
    "conflicts_declared": (
        "Declared a conflict of interest (they neither see the scores nor take part in the "
        "decision):"
    ),
    "your_conflict": (
        "You declared a conflict of interest on this case, so its scores are not shown to you "
        "and you take no part in its assessment or decision."
    ),
    "independent_note": (
        "Each member assesses on their own: you see the other members' scores and comments, and "
        "the means and spread, once you have scored every criterion yourself."
    ),
    "scores_region": "Scores",
    "scores_caption_all": (
        "Scores from 1 (weak) to 5 (strong). Spread is the lowest and highest score given."
    ),
    "scores_caption_own": "Your scores so far, from 1 (weak) to 5 (strong).",
    "criterion": "Criterion",
    "mean": "Mean",
    "spread": "Spread (min\N{EN DASH}max)",
    "not_scored": "not scored",
    "nobody_scored": "No member has scored this case yet.",
    "you_not_scored": "You have not scored this case yet.",
    "quorum": "Quorum",
    "quorum_reached": (
        "The quorum is reached: {complete} of the {required} full assessments needed (every "
        "criterion scored by a member without a conflict of interest). The chair may decide."
    ),
    "quorum_short": (
        "The decision needs {required} full assessments (every criterion scored by a member "
        "without a conflict of interest); {complete} {is_are} given, {missing} more needed."
    ),
    "begun": "Begun but not finished:",
    "criteria_left": "{criteria} left",
    "not_scored_yet": "Not scored yet",
    "of_criteria_left": "{left} of {total} criteria left",
    "everyone_scored": (
        "Every council member without a conflict of interest has scored every criterion."
    ),
    "your_scores": "Your scores",
    "score_intro": (
        "Score each criterion from 1 (weak) to 5 (strong), with your reasons. You may come back "
        "and change a score: the latest counts, and the earlier one stays in the audit trail. A "
        "criterion you leave empty keeps the score you gave it before."
    ),
    "score_for": "Score for {criterion}",
    "comment_on": "Comment on {criterion}",
    "save_scores": "Save my scores",
    "conflict_title": "Conflict of interest",
    "conflict_intro": (
        "If you have a tie to the applicant that could make you partial, declare it. You will "
        "then no longer see this case's scores, and you take no part in its assessment or "
        "decision. This cannot be undone."
    ),
    "conflict_note": "A note on what the conflict is (optional, kept in the audit trail)",
    "declare_conflict": "Declare a conflict of interest…",
    "confirm_first": "You will be asked to confirm before anything is recorded.",
    "decide_later": (
        "The case can be decided once {required} council members without a conflict of "
        'interest have scored every criterion (see <a href="#quorum">Quorum</a>).'
    ),
    "decision_intro": (
        "The motivation is written to the applicant in the decision letter, which also says how "
        "to ask for reconsideration. Decide once: a decision cannot be changed here."
    ),
    "support_hint": (
        "When granted, choose each kind of support given and say what it consists of. When "
        "rejected, choose none."
    ),
    "support_consists_of": "What the {support} consists of",
    "consists_of": "What it consists of",
    "motivation_label": "Motivation to the applicant",
    "motivation_hint": "The reasons for the decision, in words the applicant understands.",
    "record_decision": "Record the decision",
    "case_closed": "This case is {status}: it can no longer be scored or decided.",
    "audit": "Audit trail",
    "audit_caption": "Who did what, when (Swedish time). Entries are never changed.",
    "when": "When",
    "who": "Who",
    "what": "What",
    "details": "Details",
    "error_required": "Fill in this field.",
    "error_too_long": "The text is too long.",
    "error_score": "Choose a score from 1 to 5.",
    "error_decision": "Choose granted or rejected.",
    "error_invalid": "Check this field.",
    "error_single_line": "Write this on a single line, without control characters.",
    "error_control_characters": "Remove the control characters; line breaks and tabs are fine.",
    "error_support_needed": "Choose at least one kind of support when the decision is granted.",
    "error_support_none": "Choose no support when the decision is rejected.",
    "error_nothing_scored": "Give a score and a comment on at least one criterion.",
    "refusal_conflict": (
        "You declared a conflict of interest on this case, so you cannot score or decide it."
    ),
    "refusal_already_conflicted": "You have already declared a conflict of interest on this case.",
    "refusal_closed": "The case is closed and can no longer be changed.",
    "refusal_decided": "The case is already decided: a decision is taken once.",
    "refusal_quorum": (
        "The case cannot be decided yet: more members without a conflict of interest need to "
        "score every criterion (see Quorum)."
    ),
    "refusal_changed": "The case changed while you decided it. Reload the page and look again.",
    "refusal_other": "This could not be done. Reload the page and try again.",
    "not_found_title": "Case not found",
    "not_found_text": "No case has the id {case_id}.",
    "back_to_cases": "Back to the cases",
    "confirm_conflict_title": "Confirm your conflict of interest",
    "confirm_conflict_heading": "Declare a conflict of interest on {case}?",
    "back_to_case": "← Back to the case",
    "already_conflicted": "You have already declared a conflict of interest on this case.",
    "confirm_conflict_text": (
        "Once you confirm, you no longer see this case's scores and comments, you cannot score "
        "it, and you take no part in its decision. Scores you gave earlier stop counting. This "
        "cannot be undone."
    ),
    "confirm_conflict_button": "Yes, declare my conflict of interest",
    "confirm_conflict_back": "No, go back to the case",
    "meeting_title": "The council's meeting",
    "meeting_intro": (
        "Cases ready for decision: each has full assessments (every criterion scored) from at "
        "least {quorum} council members without a conflict of interest, and is not decided yet. "
        "Scores run from 1 (weak) to 5 (strong); the spread is the lowest and highest score given."
    ),
    "meeting_case": (
        "{organisation} · submitted {when} ({days} days ago) · {complete} full assessments"
    ),
    "meeting_begun": ", {count} begun",
    "meeting_conflict": (
        "You declared a conflict of interest on this case: its scores are not shown to you and "
        "another chair decides it."
    ),
    "scores_on": "Scores on {case}",
    "scores_on_caption": "Scores on {case} per criterion",
    "scored_by": "Scored by",
    "read_and_decide": "Read {case} and decide",
    "meeting_empty": (
        "No case is ready for decision: none has reached the quorum of {quorum} full "
        "assessments yet."
    ),
    "reports_title": "Reports",
    "reports_intro": (
        "What the programme reports: applications received, withdrawn and decided, support "
        "granted by kind, and the median days from submission to decision. Periods follow the "
        "Swedish calendar (Europe/Stockholm); a decision counts in the period it was taken."
    ),
    "period_label": "Period",
    "per_month": "Per month",
    "per_year": "Per year",
    "download_csv": "Download as CSV",
    "figures_per_month": "Figures per month",
    "figures_per_year": "Figures per year",
    "caption_month": "Per month, newest first",
    "caption_year": "Per year, newest first",
    "month": "Month",
    "year": "Year",
    "received": "Received",
    "withdrawn_count": "Withdrawn",
    "decided": "Decided",
    "granted_count": "Granted",
    "rejected_count": "Rejected",
    "median_days": "Median days to decision",
    "no_applications": "No applications yet.",
}
