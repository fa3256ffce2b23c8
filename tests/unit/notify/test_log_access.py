"""Who sees what of the delivery log: each area its own e-mails, text for administrators."""

from __future__ import annotations

from digitalwell_notify.domain import APPLICATION_TEMPLATES, FORUM_TEMPLATES, LogAccess
from digitalwell_notify.render import TEMPLATES
from digitalwell_shared.staff import Role


def test_every_template_belongs_to_exactly_one_area() -> None:
    assert APPLICATION_TEMPLATES.isdisjoint(FORUM_TEMPLATES)
    assert set(TEMPLATES) == APPLICATION_TEMPLATES | FORUM_TEMPLATES


def test_an_administrator_sees_every_email_with_its_text() -> None:
    access = LogAccess.of([Role.ADMINISTRATOR, Role.INTAKE_OFFICER])

    assert access.full_text
    assert all(access.may_see(template) for template in TEMPLATES)


def test_an_intake_officer_sees_only_application_emails_without_text() -> None:
    access = LogAccess.of([Role.INTAKE_OFFICER])

    assert not access.full_text
    assert access.may_see("application_received")
    assert access.may_see("decision_rejected")
    assert not access.may_see("booking_confirmed")


def test_a_forum_coordinator_sees_only_session_and_booking_emails() -> None:
    access = LogAccess.of([Role.FORUM_COORDINATOR])

    assert access.may_see("seat_offered")
    assert access.may_see("session_filling_up")
    assert not access.may_see("decision_granted")


def test_both_roles_see_both_areas_and_other_roles_see_nothing() -> None:
    both = LogAccess.of([Role.INTAKE_OFFICER, Role.FORUM_COORDINATOR])
    member = LogAccess.of([Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR])

    assert all(both.may_see(template) for template in TEMPLATES)
    assert not both.full_text
    assert not any(member.may_see(template) for template in TEMPLATES)
