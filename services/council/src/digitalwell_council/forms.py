"""What the case page's forms accept: posted fields read into requests, or errors to show.

The pages (``pages.py``) call these and show the case page again with a ``Forms`` when
something is wrong; the errors are told in the reader's language (pydantic's text is English).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.datastructures import FormData
from pydantic import ValidationError

from digitalwell_council.domain import Criterion
from digitalwell_council.models import ConflictRequest, DecisionRequest, ScoreIn
from digitalwell_council.page_text import translate
from digitalwell_council.records import GivenScore
from digitalwell_shared.contracts import Language, SupportKind
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR, SINGLE_LINE_ERROR


@dataclass
class Forms:
    """What a person typed and what was wrong with it, to show the case page again."""

    scores: dict[str, str] = field(default_factory=dict)
    decision: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str = ""

    @property
    def refused(self) -> bool:
        """Something was wrong: the page is shown again instead of acting."""
        return bool(self.errors or self.problem)


def text(form: FormData, name: str) -> str:
    """A posted field's text; empty when it is missing or a file."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def error_text(error: Any, language: Language) -> str:
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


def read_scores(posted: FormData, language: Language) -> tuple[Forms, list[GivenScore]]:
    """The scores the member gave this time; criteria left blank keep their earlier score."""
    forms = Forms(scores={name: text(posted, name) for name in posted})
    scores: list[GivenScore] = []
    for criterion in Criterion:
        score = text(posted, f"score_{criterion.value}")
        comment = text(posted, f"comment_{criterion.value}")
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
            forms.errors[f"{field_name}_{criterion.value}"] = error_text(error, language)
            continue
        scores.append(
            GivenScore(criterion=given.criterion, score=given.score, comment=given.comment)
        )
    if not scores and not forms.errors:
        forms.problem = translate(language, "error_nothing_scored")
    return forms, scores


def read_conflict(posted: FormData, language: Language) -> tuple[Forms, ConflictRequest | None]:
    """The declaration's note, checked as the API checks it."""
    forms = Forms()
    try:
        return forms, ConflictRequest(confirm=True, reason=text(posted, "reason"))
    except ValidationError as invalid:
        forms.errors["reason"] = error_text(invalid.errors()[0], language)
        return forms, None


def read_decision(posted: FormData, language: Language) -> tuple[Forms, DecisionRequest | None]:
    """The chair's decision, checked as the API checks it."""
    kinds = [kind for kind in SupportKind if kind.value in posted.getlist("support")]
    chosen, motivation = text(posted, "decision"), text(posted, "motivation")
    notes = {kind: text(posted, f"note_{kind.value}") for kind in SupportKind}
    forms = Forms(
        decision={
            "decision": chosen,
            "support": [kind.value for kind in kinds],
            "motivation": motivation,
            **{f"note_{kind.value}": note for kind, note in notes.items()},
        }
    )
    try:
        decision = DecisionRequest.model_validate(
            {
                "decision": chosen,
                "support_granted": [{"kind": kind, "note": notes[kind]} for kind in kinds],
                "motivation": motivation,
            }
        )
    except ValidationError as invalid:
        forms.errors = _decision_errors(invalid, kinds, language)
        return forms, None
    return forms, decision


def _decision_errors(
    invalid: ValidationError, kinds: list[SupportKind], language: Language
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in invalid.errors():
        loc = error["loc"]
        message = error_text(error, language)
        if loc == ("decision",):
            errors.setdefault("decision", translate(language, "error_decision"))
        elif loc == ("motivation",):
            errors.setdefault("motivation", message)
        elif len(loc) == 3 and loc[0] == "support_granted" and loc[2] == "note":  # noqa: PLR2004
            errors.setdefault(f"note_{kinds[int(loc[1])].value}", message)
        else:
            errors.setdefault("support", message)
    return errors
