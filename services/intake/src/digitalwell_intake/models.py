"""What intake's JSON API accepts and returns: applications, their status, staff, accounts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from digitalwell_intake.domain import (
    MAX_PASSWORD_LENGTH,
    ApplicationStatus,
    InvalidValueError,
    TimelineKind,
    normalise_org_number,
    normalise_phone,
)
from digitalwell_shared.contracts import Decision, Language, Stage, SupportKind
from digitalwell_shared.staff import Role
from digitalwell_shared.text import multi_line, single_line

NAME_MAX = 200
TITLE_MAX = 200
LONG_TEXT_MAX = 5000
LIST_ITEM_MAX = 200
LIST_MAX_ITEMS = 20
REASON_MAX = 2000
# Room for spaces, dashes and a country code around the digits; the rules check the rest.
_ORG_NUMBER_MAX = 20
_PHONE_MAX = 40


def _require_text(value: str) -> str:
    if not value:
        raise PydanticCustomError("blank", "Fill in this field; it must not be blank")
    return value


def _by_rule(rule: Callable[[str], str]) -> Callable[[str], str]:
    """Run a domain rule, its InvalidValueError a validation error with the rule's code."""

    def check(value: str) -> str:
        try:
            return rule(value)
        except InvalidValueError as invalid:
            raise PydanticCustomError(invalid.code, str(invalid)) from invalid

    return check


def _readable_email_error(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
    """EmailStr's own message starts in lower case with a type name: say what to do instead."""
    try:
        email: str = handler(value)
    except ValidationError as invalid:
        reason = str((invalid.errors()[0].get("ctx") or {}).get("reason", "")).rstrip(".")
        raise PydanticCustomError(
            "email_invalid",
            "Enter a valid e-mail address, like name@example.se ({reason})",
            {"reason": reason or "not an e-mail address"},
        ) from None
    return email


def _unique_support(kinds: list[SupportKind]) -> list[SupportKind]:
    unique = list(dict.fromkeys(kinds))
    if not unique:
        raise PydanticCustomError("support_required", "Choose at least one kind of support")
    return unique


def _require_consent(value: bool) -> bool:
    if not value:
        raise PydanticCustomError(
            "consent_required",
            "Consent is needed: we cannot assess an application without storing its data",
        )
    return value


# The control-character check after the constraints, which pydantic applies to a plain str only.
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=NAME_MAX),
    AfterValidator(single_line),
    AfterValidator(_require_text),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=LONG_TEXT_MAX),
    AfterValidator(multi_line),
    AfterValidator(_require_text),
]
ListItem = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=LIST_ITEM_MAX),
    AfterValidator(single_line),
    AfterValidator(_require_text),
]
OrgNumber = Annotated[
    str,
    StringConstraints(max_length=_ORG_NUMBER_MAX),
    AfterValidator(single_line),
    AfterValidator(_by_rule(normalise_org_number)),
]
Phone = Annotated[
    str,
    StringConstraints(max_length=_PHONE_MAX),
    AfterValidator(single_line),
    AfterValidator(_by_rule(normalise_phone)),
]


class OrganisationIn(BaseModel):
    """The applying organisation."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText = Field(description="registered name of the organisation")
    org_number: OrgNumber = Field(
        description="Swedish organisation number, NNNNNN-NNNN or 10 digits",
        examples=["556012-5790"],
    )


class ContactIn(BaseModel):
    """The person the programme writes to about the application."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText = Field(description="full name")
    email: Annotated[EmailStr, WrapValidator(_readable_email_error)] = Field(
        description="e-mail address"
    )
    phone: Phone = Field(
        description="Swedish or international phone number; stored in E.164 form",
        examples=["070-123 45 67", "+46 70 123 45 67"],
    )
    language: Language = Field(description="language the person is written to in: sv or en")


class ApplicationRequest(BaseModel):
    """An application for support, as an applicant submits it."""

    model_config = ConfigDict(extra="forbid")

    organisation: OrganisationIn
    contact: ContactIn
    title: ShortText = Field(description="short name of the idea or service")
    summary: LongText = Field(description="what the service is, in a few sentences")
    need: LongText = Field(description="the need it meets and who benefits")
    target_groups: Annotated[list[ListItem], Field(min_length=1, max_length=LIST_MAX_ITEMS)] = (
        Field(description="the groups of people the service is for")
    )
    stage: Stage = Field(description="how far the idea has come")
    business_model: LongText = Field(description="how the service is to be paid for")
    public_sector_partners: Annotated[list[ListItem], Field(max_length=LIST_MAX_ITEMS)] = Field(
        default_factory=list, description="public-sector organisations already involved"
    )
    support_requested: Annotated[list[SupportKind], AfterValidator(_unique_support)] = Field(
        description="the kinds of support asked for; at least one"
    )
    consent: Annotated[bool, AfterValidator(_require_consent)] = Field(
        description="the applicant agrees that the programme stores and assesses the application"
    )


class SubmissionResult(BaseModel):
    """Where to follow an application that was accepted."""

    id: str = Field(description="the application's id")
    status_url: str = Field(description="the application's status, as JSON")
    status_page_url: str = Field(description="the application's status page, for people")
    # The withdrawal links carry a token that lets their holder withdraw the application, so
    # they go only to the request that submitted it (or to an identical repeat: a double click).
    withdraw_url: str | None = Field(
        None, description="POST here, with an optional {'reason': ...}, to withdraw"
    )
    withdraw_page_url: str | None = Field(
        None, description="the page where a person confirms a withdrawal"
    )


class WithdrawRequest(BaseModel):
    """The applicant's withdrawal of an application."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=REASON_MAX),
        AfterValidator(multi_line),
    ] = Field("", description="why the application is withdrawn; optional, never shown publicly")


class GrantedSupport(BaseModel):
    """One kind of support the council granted."""

    kind: SupportKind
    note: str


class TimelineItem(BaseModel):
    """One thing that happened to the application."""

    kind: TimelineKind
    at: datetime
    decision: Decision | None = Field(None, description="set when kind is decided")
    support_granted: list[GrantedSupport] | None = Field(
        None, description="set when kind is decided"
    )
    motivation: str | None = Field(None, description="the council's reasons, when decided")
    decided_by: str | None = Field(None, description="the council chair who decided")


class ApplicationStatusView(BaseModel):
    """An application's status and timeline; no personal data."""

    id: str
    case_number: str | None = Field(
        None, description="the registration number in the programme's series, e.g. DW-2026-0042"
    )
    status: ApplicationStatus
    title: str
    organisation_name: str
    submitted_at: datetime
    updated_at: datetime
    status_page_url: str
    workshop_booking_url: str | None = Field(
        None,
        description=(
            "forum's signed link to book the Innovation Forum workshop the decision granted, "
            "while it works (a year from the decision); the same link as in the decision letter"
        ),
    )
    timeline: list[TimelineItem]


# --- Staff sign-in and accounts --------------------------------------------------------------

Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(single_line),
]


class SignInRequest(BaseModel):
    """An e-mail address and password to exchange for a token."""

    email: EmailStr
    password: Password
    totp: str = Field(
        "",
        max_length=10,
        description="the current one-time code, for administrators, chairs and anyone enrolled",
    )


class TotpEnrolment(BaseModel):
    """A new authenticator app secret, pending until a code from it confirms it."""

    secret: str
    otpauth_uri: str
    qr_svg: str = Field(description="the URI as an SVG QR code")


class TotpCode(BaseModel):
    """A one-time code from the authenticator app."""

    code: str = Field(min_length=6, max_length=10)


class PasswordChange(BaseModel):
    """One's own new password, with the current one."""

    current_password: Password
    new_password: Password


class PasswordReset(BaseModel):
    """A new password an administrator sets for someone."""

    password: Password


class RolesChange(BaseModel):
    """The roles an account is to hold from now on."""

    roles: list[Role] = Field(min_length=1)


class TokenResponse(BaseModel):
    """A bearer token that every service's staff API accepts (OAuth 2 token response shape)."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the token's type, not a secret
    expires_in: int = Field(description="seconds until the token stops working")


class StaffMemberView(BaseModel):
    """Who a token or session belongs to."""

    id: str
    email: str
    name: str
    roles: list[Role]


class NewAccount(BaseModel):
    """A staff account to create."""

    email: EmailStr
    name: Name
    roles: list[Role] = Field(min_length=1)
    password: Password


class AccountView(BaseModel):
    """A staff account, without its password."""

    id: str
    email: str
    name: str
    roles: list[Role]
    disabled: bool = False
    created_at: datetime
    last_sign_in_at: datetime | None = None


class RegisteredApplication(BaseModel):
    """An application as the register lists it."""

    id: str
    case_number: str | None
    title: str
    organisation_name: str
    status: ApplicationStatus
    submitted_at: datetime
