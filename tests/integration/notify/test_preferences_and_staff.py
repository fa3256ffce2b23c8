"""Unsubscribing (RFC 8058 one-click) and the staff delivery log, over real MongoDB and SMTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from digitalwell_notify.app import create_app
from digitalwell_notify.settings import Settings
from digitalwell_notify.stores import MongoEmailStore, MongoPreferenceStore
from digitalwell_shared.contracts import Language
from digitalwell_shared.links import UNSUBSCRIBE, link_token, withdraw_application_url
from digitalwell_shared.mongo import Document
from digitalwell_shared.staff import SESSION_COOKIE, Role, StaffAuth
from tests.support.mail import MailSinkClient, sent_to
from tests.support.notify import (
    REMINDERS,
    RunningNotify,
    email_document,
    notify_settings,
    running_notify,
)
from tests.support.staff import staff_token
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

BASE_URL = "http://notify.test"


@dataclass
class Notify:
    """A running notify app, a client for its HTTP routes, and its own stores."""

    running: RunningNotify
    http: httpx.AsyncClient
    emails: MongoEmailStore
    preferences: MongoPreferenceStore
    csrf_token: str = ""

    @property
    def app(self) -> FastAPI:
        return self.running.app

    @property
    def settings(self) -> Settings:
        return self.running.settings

    @property
    def secret(self) -> str:
        return self.settings.link_secret.get_secret_value()

    async def store(self, email: Document) -> Document:
        await self.running.store([email])
        return email


def with_mail_sink(mail_sink: MailSinkClient) -> dict[str, Any]:
    """The settings that send notify's e-mails to the test's mail sink, under BASE_URL."""
    return {
        "smtp_host": mail_sink.smtp_host,
        "smtp_port": mail_sink.smtp_port,
        "public_base_url": BASE_URL,
    }


# One app for the module: starting one joins a consumer group, which takes seconds; the tests
# share it safely because each uses its own e-mails and addresses.
@pytest.fixture(scope="module")
async def notify(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> AsyncIterator[Notify]:
    async with (
        running_notify(
            kafka_bootstrap_servers, mongodb_url, **with_mail_sink(mail_sink)
        ) as running,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(running.app),
            base_url=BASE_URL,
            # Signed in both ways: a bearer token for the API, the session cookie for the pages.
        ) as http,
    ):
        settings, database = running.settings, running.runtime.database
        token = staff_token(settings, Role.ADMINISTRATOR)
        http.headers["Authorization"] = f"Bearer {token}"
        http.cookies.set(SESSION_COOKIE, token)
        notify = Notify(running, http, MongoEmailStore(database), MongoPreferenceStore(database))
        notify.csrf_token = StaffAuth(settings).csrf_token(StaffAuth(settings).verify(token))
        yield notify


def address() -> str:
    return f"Person.{uuid.uuid4().hex[:10]}@Example.org"


def failed_attempt(at: datetime) -> Document:
    return {"at": at, "outcome": "failed", "detail": "primary: 550 5.1.1 mailbox unavailable"}


def unsubscribe_path(email: Document) -> str:
    """The path and query of the e-mail's List-Unsubscribe URL, as the client POSTs it."""
    url = urlsplit(email["unsubscribe_url"])
    return f"{url.path}?{url.query}"


# -- The delivery log ------------------------------------------------------------------------------


async def test_the_delivery_log_lists_newest_first_and_filters(notify: Notify) -> None:
    application_id = f"app_{uuid.uuid4().hex[:10]}"
    someone, other = address(), address()
    # Whole seconds: MongoDB keeps milliseconds.
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    sent = await notify.store(
        email_document(
            notify.settings,
            recipient=someone,
            template="application_received",
            status="sent",
            application_id=application_id,
            created_at=start,
        )
    )
    failed = await notify.store(
        email_document(
            notify.settings,
            recipient=other,
            template="decision_granted",
            status="failed",
            application_id=application_id,
            created_at=start + timedelta(minutes=1),
            attempts=[failed_attempt(start + timedelta(minutes=2))],
        )
    )

    async def ids(**params: Any) -> list[str]:
        response = await notify.http.get("/api/v1/emails", params=params)
        assert response.status_code == 200, response.text
        return [email["id"] for email in response.json()["emails"]]

    assert await ids(application_id=application_id) == [failed["_id"], sent["_id"]]
    assert await ids(application_id=application_id, status="failed") == [failed["_id"]]
    assert await ids(application_id=application_id, template="application_received") == [
        sent["_id"]
    ]
    assert await ids(recipient=f"  {other.upper()} ") == [failed["_id"]]
    assert await ids(application_id=application_id, limit=1) == [failed["_id"]]

    listed = (await notify.http.get("/api/v1/emails", params={"recipient": other})).json()
    (entry,) = listed["emails"]
    assert entry["status"] == "failed"
    assert entry["recipient"] == other.lower()
    assert entry["application_id"] == application_id
    assert entry["booking_id"] == failed["booking_id"]
    assert entry["attempts"] == [
        {
            "at": (start + timedelta(minutes=2)).isoformat().replace("+00:00", "Z"),
            "outcome": "failed",
            "detail": "primary: 550 5.1.1 mailbox unavailable",
        }
    ]
    assert entry["sent_at"] is None


async def test_the_delivery_log_refuses_bad_filters_naming_them(notify: Notify) -> None:
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"status": "bounced"}, "status"),
    ):
        response = await notify.http.get("/api/v1/emails", params=params)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == field


async def test_one_email_is_shown_with_its_text_and_an_unknown_one_is_404(notify: Notify) -> None:
    email = await notify.store(email_document(notify.settings, recipient=address(), status="sent"))

    found = await notify.http.get(f"/api/v1/emails/{email['_id']}")
    missing = await notify.http.get("/api/v1/emails/no-such-email")

    assert found.status_code == 200
    assert found.json()["text"] == "Hej Åsa!\n"
    assert found.json()["message_id"] == email["message_id"]
    assert missing.status_code == 404
    assert "no-such-email" in missing.json()["detail"]


# -- Who sees what of the log ----------------------------------------------------------------------


@asynccontextmanager
async def signed_in_as(notify: Notify, role: Role) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client signed in as someone holding only ``role``, and their session's CSRF token."""
    token = staff_token(notify.settings, role)
    auth = StaffAuth(notify.settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(notify.app),
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {token}"},
        cookies={SESSION_COOKIE: token},
    ) as http:
        yield http, auth.csrf_token(auth.verify(token))


async def area_emails(notify: Notify, application_id: str) -> tuple[Document, Document]:
    """A failed receipt (intake's area) and a failed booking e-mail (forum's), one application."""
    failed_at = datetime.now(UTC)
    receipt = await notify.store(
        email_document(
            notify.settings,
            recipient=address(),
            template="application_received",
            status="failed",
            application_id=application_id,
            attempts=[failed_attempt(failed_at)],
        )
    )
    booking = await notify.store(
        email_document(
            notify.settings,
            recipient=address(),
            template="booking_confirmed",
            status="failed",
            application_id=application_id,
            attempts=[failed_attempt(failed_at)],
        )
    )
    return receipt, booking


async def test_a_forum_coordinator_cannot_see_or_resend_an_intake_receipt(notify: Notify) -> None:
    application_id = f"app_{uuid.uuid4().hex[:10]}"
    receipt, booking = await area_emails(notify, application_id)
    async with signed_in_as(notify, Role.FORUM_COORDINATOR) as (coordinator, csrf):
        listed = await coordinator.get("/api/v1/emails", params={"application_id": application_id})
        asked_for = await coordinator.get(
            "/api/v1/emails",
            params={"application_id": application_id, "template": "application_received"},
        )
        detail = await coordinator.get(f"/api/v1/emails/{receipt['_id']}")
        resend = await coordinator.post(f"/api/v1/emails/{receipt['_id']}/resend")
        page = await coordinator.get("/staff/emails", params={"application_id": application_id})
        page_resend = await coordinator.post(
            f"/staff/emails/{receipt['_id']}/resend",
            data={"csrf_token": csrf},
        )

    assert [email["id"] for email in listed.json()["emails"]] == [booking["_id"]]
    assert asked_for.json()["emails"] == []
    assert detail.status_code == 404
    assert resend.status_code == 404
    assert receipt["_id"] not in page.text
    assert booking["_id"] in page.text
    assert page_resend.status_code == 303, page_resend.text
    assert page_resend.headers["location"].endswith("notice=not_found")
    assert getattr(await notify.emails.get(receipt["_id"]), "status", None) == "failed"


async def test_an_intake_officer_cannot_see_or_resend_a_booking_email(notify: Notify) -> None:
    application_id = f"app_{uuid.uuid4().hex[:10]}"
    receipt, booking = await area_emails(notify, application_id)
    async with signed_in_as(notify, Role.INTAKE_OFFICER) as (officer, _):
        listed = await officer.get("/api/v1/emails", params={"application_id": application_id})
        detail = await officer.get(f"/api/v1/emails/{booking['_id']}")
        resend = await officer.post(f"/api/v1/emails/{booking['_id']}/resend")

    assert [email["id"] for email in listed.json()["emails"]] == [receipt["_id"]]
    assert detail.status_code == 404
    assert resend.status_code == 404
    assert getattr(await notify.emails.get(booking["_id"]), "status", None) == "failed"


async def test_an_intake_officer_sees_metadata_of_a_receipt_not_its_text_or_address(
    notify: Notify,
) -> None:
    application_id = f"app_{uuid.uuid4().hex[:10]}"
    recipient = address()
    receipt = await notify.store(
        email_document(
            notify.settings,
            recipient=recipient,
            template="application_received",
            status="failed",
            application_id=application_id,
            attempts=[
                {
                    "at": datetime.now(UTC),
                    "outcome": "failed",
                    "detail": f"primary: 550 5.1.1 <{recipient.lower()}>: mailbox unavailable",
                }
            ],
        )
    )
    async with signed_in_as(notify, Role.INTAKE_OFFICER) as (officer, _):
        shown = (await officer.get(f"/api/v1/emails/{receipt['_id']}")).json()
        page = await officer.get("/staff/emails", params={"application_id": application_id})
        resend = await officer.post(f"/api/v1/emails/{receipt['_id']}/resend")

    assert shown["template"] == "application_received"
    assert shown["status"] == "failed"
    assert shown["recipient"] == f"{recipient[0].lower()}…@example.org"
    assert shown["subject"] is None
    assert shown["text"] is None
    assert recipient.lower() not in shown["attempts"][0]["detail"]
    assert "550 5.1.1" in shown["attempts"][0]["detail"]
    assert recipient.lower() not in page.text
    assert receipt["subject"] not in page.text
    assert resend.status_code == 202  # their own area's failed e-mail: they may send it again


async def test_an_administrator_sees_the_text_with_every_signed_link_masked(notify: Notify) -> None:
    application_id = f"app_{uuid.uuid4().hex[:10]}"
    withdraw = withdraw_application_url(
        "http://intake.test", notify.secret, application_id, Language.EN
    )
    token = parse_qs(urlsplit(withdraw).query)["token"][0]
    receipt = await notify.store(
        {
            **email_document(
                notify.settings,
                recipient=address(),
                template="application_received",
                status="sent",
                application_id=application_id,
            ),
            "text": f"To withdraw your application, open {withdraw}\n",
        }
    )

    shown = (await notify.http.get(f"/api/v1/emails/{receipt['_id']}")).json()

    assert token not in shown["text"]
    assert f"/applications/{application_id}/withdraw?token=[hidden]&lang=en" in shown["text"]
    assert shown["recipient"] == receipt["recipient"]
    assert shown["subject"] == receipt["subject"]


# -- Resend ----------------------------------------------------------------------------------------


async def test_a_resent_failed_email_is_delivered_once_and_keeps_its_attempts(
    notify: Notify, mail_sink: MailSinkClient
) -> None:
    recipient = address()
    failed_at = datetime.now(UTC) - timedelta(hours=1)
    email = await notify.store(
        email_document(
            notify.settings,
            recipient=recipient,
            status="failed",
            attempts=[failed_attempt(failed_at)],
        )
    )

    first = await notify.http.post(f"/api/v1/emails/{email['_id']}/resend")
    again = await notify.http.post(f"/api/v1/emails/{email['_id']}/resend")
    delivered = await mail_sink.wait_for_message(
        sent_to(recipient), query=f"to:{recipient.lower()}", timeout=30
    )

    async def sent() -> bool:
        shown = await notify.http.get(f"/api/v1/emails/{email['_id']}")
        return bool(shown.json()["status"] == "sent")

    # The delivery log says sent, with one sent attempt: nothing is pending to go out again.
    await until_true(sent, seconds=10)
    everything = await mail_sink.search(f"to:{recipient.lower()}")
    shown = (await notify.http.get(f"/api/v1/emails/{email['_id']}")).json()

    assert first.status_code == 202
    assert first.json()["status"] == "pending"
    assert again.status_code == 409  # the first resend queued it; the second changes nothing
    assert delivered["Subject"] == email["subject"]
    assert len(everything) == 1
    assert [attempt["outcome"] for attempt in shown["attempts"]] == ["failed", "sent"]
    assert shown["attempts"][1]["detail"].startswith("primary: 250")
    assert shown["resent_at"] is not None


async def test_resending_an_email_that_has_not_failed_is_a_conflict(notify: Notify) -> None:
    email = await notify.store(email_document(notify.settings, recipient=address(), status="sent"))

    response = await notify.http.post(f"/api/v1/emails/{email['_id']}/resend")
    unknown = await notify.http.post("/api/v1/emails/no-such-email/resend")
    shown = (await notify.http.get(f"/api/v1/emails/{email['_id']}")).json()

    assert response.status_code == 409
    assert "only a failed e-mail" in response.json()["detail"]
    assert unknown.status_code == 404
    assert shown["status"] == "sent"
    assert shown["resent_at"] is None


async def test_the_staff_page_marks_failed_emails_and_resends_with_a_form(
    notify: Notify, mail_sink: MailSinkClient
) -> None:
    application_id = f"app_{uuid.uuid4().hex[:10]}"
    recipient = address()
    failed = await notify.store(
        email_document(
            notify.settings,
            recipient=recipient,
            status="failed",
            application_id=application_id,
            attempts=[failed_attempt(datetime.now(UTC))],
        )
    )
    sent = await notify.store(
        email_document(
            notify.settings, recipient=address(), status="sent", application_id=application_id
        )
    )

    page = await notify.http.get(
        "/staff/emails",
        params={"application_id": application_id, "recipient": "", "status": "", "template": ""},
    )
    resend = await notify.http.post(
        f"/staff/emails/{failed['_id']}/resend",
        data={
            "application_id": application_id,
            "status": "",
            "limit": "100",
            "csrf_token": notify.csrf_token,
        },
    )
    await mail_sink.wait_for_message(sent_to(recipient), query=f"to:{recipient.lower()}")
    after = await notify.http.get(resend.headers["location"])
    english = await notify.http.get(
        "/staff/emails", params={"application_id": application_id, "lang": "en"}
    )

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert '<tr class="failed">' in html
    assert '<html lang="sv">' in html  # Swedish first
    assert "Senaste fel:" in html
    assert "Last error" not in html
    assert f'lang="sv">{failed["subject"]}</a>' in html  # in the e-mail's language, labelled
    assert "(skickat på svenska)" in html
    assert " kl. " in html  # Swedish time, in Swedish words
    assert "550 5.1.1 mailbox unavailable" in html
    assert f'action="/staff/emails/{failed["_id"]}/resend"' in html
    assert f'action="/staff/emails/{sent["_id"]}/resend"' not in html
    assert resend.status_code == 303
    assert resend.headers["location"] == (
        f"/staff/emails?application_id={application_id}&limit=100&notice=resent"
    )
    assert "ligger i kö igen" in after.text
    assert "Last attempt" in english.text
    assert "(sent in Swedish)" in english.text
    assert 'hreflang="sv"' in english.text


async def test_staff_routes_answer_401_without_sign_in_and_403_to_other_roles(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> None:
    settings = notify_settings(kafka_bootstrap_servers, mongodb_url, **with_mail_sink(mail_sink))
    app = create_app(settings)
    member = staff_token(settings, Role.COUNCIL_MEMBER)
    routes = [
        ("GET", "/api/v1/emails"),
        ("GET", "/api/v1/emails/some-id"),
        ("POST", "/api/v1/emails/some-id/resend"),
        ("GET", "/staff/emails"),
        ("POST", "/staff/emails/some-id/resend"),
    ]
    # No lifespan: none of these requests reaches the database, the broker or the worker.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=BASE_URL) as http:
        anonymous = [(await http.request(method, path)).status_code for method, path in routes]
        http.cookies.set(SESSION_COOKIE, member)
        http.headers["Authorization"] = f"Bearer {member}"
        wrong_role = [(await http.request(method, path)).status_code for method, path in routes]
        unsubscribe = await http.get("/unsubscribe/some-id", params={"token": "bad"})

    assert anonymous == [401] * 5
    assert wrong_role == [403] * 5
    assert unsubscribe.status_code == 403  # recipients' routes need no sign-in, only their token


async def test_a_resend_form_without_the_csrf_token_is_refused(notify: Notify) -> None:
    failed = await notify.store(
        email_document(
            notify.settings,
            recipient=address(),
            status="failed",
            attempts=[failed_attempt(datetime.now(UTC))],
        )
    )

    response = await notify.http.post(f"/staff/emails/{failed['_id']}/resend", data={})

    assert response.status_code == 403
    assert getattr(await notify.emails.get(failed["_id"]), "status", None) == "failed"


# -- Unsubscribe -----------------------------------------------------------------------------------


async def test_the_unsubscribe_link_shows_a_confirm_page_that_changes_nothing(
    notify: Notify,
) -> None:
    email = await notify.store(
        email_document(notify.settings, recipient=address(), status="sent", non_essential=True)
    )

    page = await notify.http.get(unsubscribe_path(email))

    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert "Avregistrera dig från påminnelser" in page.text
    assert f'action="{unsubscribe_path(email)}"' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert not await notify.preferences.unsubscribed(email["recipient"], REMINDERS)


async def test_one_click_unsubscribes_idempotently_and_can_be_undone(notify: Notify) -> None:
    email = await notify.store(
        email_document(
            notify.settings, recipient=address(), status="sent", non_essential=True, language="en"
        )
    )
    one_click = {"List-Unsubscribe": "One-Click"}

    first = await notify.http.post(unsubscribe_path(email), data=one_click)
    second = await notify.http.post(unsubscribe_path(email), data=one_click)
    unsubscribed = await notify.preferences.unsubscribed(email["recipient"], REMINDERS)
    page_after = await notify.http.get(unsubscribe_path(email))
    undo = await notify.http.post(
        f"/unsubscribe/{email['_id']}/undo",
        params={"token": urlsplit(email["unsubscribe_url"]).query[6:]},
    )
    resubscribed = not await notify.preferences.unsubscribed(email["recipient"], REMINDERS)

    assert first.status_code == 200
    assert "You are unsubscribed" in first.text
    assert f'action="/unsubscribe/{email["_id"]}/undo?token=' in first.text
    assert second.status_code == 200
    assert unsubscribed
    assert "You are unsubscribed" in page_after.text
    assert undo.status_code == 200
    assert "You will receive reminders again" in undo.text
    assert resubscribed


async def test_a_bad_token_is_refused_and_changes_nothing(notify: Notify) -> None:
    email = await notify.store(
        email_document(notify.settings, recipient=address(), status="sent", non_essential=True)
    )
    wrong = link_token(notify.secret, UNSUBSCRIBE, "another-email", expires_at=None)

    answers = [
        await notify.http.get(f"/unsubscribe/{email['_id']}", params={"token": wrong}),
        await notify.http.post(f"/unsubscribe/{email['_id']}", params={"token": wrong}),
        await notify.http.post(f"/unsubscribe/{email['_id']}"),
        await notify.http.post(f"/unsubscribe/{email['_id']}/undo", params={"token": "x"}),
    ]

    assert [answer.status_code for answer in answers] == [403] * 4
    assert "Länken fungerar inte" in answers[0].text
    assert "This link does not work" in answers[0].text
    assert not await notify.preferences.unsubscribed(email["recipient"], REMINDERS)


async def test_an_unknown_or_essential_email_has_nothing_to_unsubscribe_from(
    notify: Notify,
) -> None:
    essential = await notify.store(
        email_document(notify.settings, recipient=address(), status="sent")
    )
    unknown_id = uuid.uuid4().hex

    unknown = await notify.http.post(
        f"/unsubscribe/{unknown_id}",
        params={"token": link_token(notify.secret, UNSUBSCRIBE, unknown_id, expires_at=None)},
    )
    not_a_list = await notify.http.post(
        f"/unsubscribe/{essential['_id']}",
        params={"token": link_token(notify.secret, UNSUBSCRIBE, essential["_id"], expires_at=None)},
    )

    assert unknown.status_code == 404
    assert "We cannot find the e-mail" in unknown.text
    assert not_a_list.status_code == 404
    assert "There is nothing to unsubscribe from" in not_a_list.text


async def test_a_non_essential_email_arrives_with_working_one_click_headers(
    notify: Notify, mail_sink: MailSinkClient
) -> None:
    reminder_to, receipt_to = address(), address()
    reminder = await notify.store(
        email_document(
            notify.settings, recipient=reminder_to, template="session_reminder", non_essential=True
        )
    )
    await notify.store(email_document(notify.settings, recipient=receipt_to))

    reminder_at_sink = await mail_sink.wait_for_message(
        sent_to(reminder_to), query=f"to:{reminder_to.lower()}", timeout=30
    )
    receipt_at_sink = await mail_sink.wait_for_message(
        sent_to(receipt_to), query=f"to:{receipt_to.lower()}", timeout=30
    )
    reminder_headers = await mail_sink.headers(reminder_at_sink["ID"])
    receipt_headers = await mail_sink.headers(receipt_at_sink["ID"])
    # What a mail client does with the header: POST the one-click body to its URL.
    (link,) = reminder_headers["List-Unsubscribe"]
    url = urlsplit(link.strip("<>"))
    clicked = await notify.http.post(
        f"{url.path}?{url.query}", data={"List-Unsubscribe": "One-Click"}
    )

    assert link == f"<{reminder['unsubscribe_url']}>"
    assert reminder_headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"]
    assert "List-Unsubscribe" not in receipt_headers
    assert "List-Unsubscribe-Post" not in receipt_headers
    assert clicked.status_code == 200
    assert await notify.preferences.unsubscribed(reminder_to, REMINDERS)


async def test_an_unsubscribe_link_past_its_lifetime_gets_a_page_saying_it_has_expired(
    notify: Notify,
) -> None:
    sent_long_ago = datetime.now(UTC) - timedelta(days=notify.settings.unsubscribe_link_days + 1)
    email = await notify.store(
        email_document(
            notify.settings,
            recipient=address(),
            status="sent",
            non_essential=True,
            created_at=sent_long_ago,
        )
    )

    page = await notify.http.get(unsubscribe_path(email))
    one_click = await notify.http.post(
        unsubscribe_path(email), data={"List-Unsubscribe": "One-Click"}
    )

    assert page.status_code == 410
    assert "Länken har gått ut" in page.text
    assert "This link has expired" in page.text
    assert one_click.status_code == 410
    assert not await notify.preferences.unsubscribed(email["recipient"], REMINDERS)


async def test_an_unsubscribe_link_sent_before_links_expired_lasts_a_year_from_its_email(
    notify: Notify,
) -> None:
    recent = await notify.store(
        email_document(notify.settings, recipient=address(), status="sent", non_essential=True)
    )
    old = await notify.store(
        email_document(
            notify.settings,
            recipient=address(),
            status="sent",
            non_essential=True,
            created_at=datetime.now(UTC)
            - timedelta(days=notify.settings.unsubscribe_link_days + 1),
        )
    )

    def v1_token(email_id: str) -> str:
        message = b"digitalwell-link:v1:" + UNSUBSCRIBE.encode() + b"\x1f" + email_id.encode()
        digest = hmac.new(notify.secret.encode(), message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    within = await notify.http.get(
        f"/unsubscribe/{recent['_id']}", params={"token": v1_token(recent["_id"])}
    )
    past = await notify.http.get(
        f"/unsubscribe/{old['_id']}", params={"token": v1_token(old["_id"])}
    )

    assert within.status_code == 200
    assert "Avregistrera dig från påminnelser" in within.text
    assert past.status_code == 410
    assert "Länken har gått ut" in past.text
