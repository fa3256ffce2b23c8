"""Fixed sample contexts for every e-mail template, so rendered e-mails can be snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from digitalwell_shared.contracts import SessionKind, SessionSummary, SupportGranted, SupportKind

APPLICATION_ID = "app_0123456789abcdef"
STATUS_URL = f"https://ansok.digitalwell.example/applications/{APPLICATION_ID}"
UNSUBSCRIBE_URL = "https://forum.digitalwell.example/unsubscribe?token=u-789"

# Winter and summer times, so snapshots show both UTC+1 and UTC+2 turned into Swedish time.
WORKSHOP = SessionSummary(
    kind=SessionKind.INNOVATION_FORUM,
    title="Workshop med Region Värmland: digitala hjälpmedel i hemmet",
    starts_at=datetime(2027, 1, 20, 8, 30, tzinfo=UTC),
    ends_at=datetime(2027, 1, 20, 11, 0, tzinfo=UTC),
    location="Sommargatan 101 A, Karlstad",
)
BREAKFAST = SessionSummary(
    kind=SessionKind.BREAKFAST_MEETING,
    title="Frukostmöte: AI i hemtjänsten",
    starts_at=datetime(2027, 6, 9, 5, 30, tzinfo=UTC),
    ends_at=datetime(2027, 6, 9, 7, 0, tzinfo=UTC),
    location="Sommargatan 101 A, Karlstad",
)
ONLINE_TRAINING = SessionSummary(
    kind=SessionKind.TRAINING,
    title="Så fungerar offentlig upphandling",
    starts_at=datetime(2027, 3, 2, 12, 0, tzinfo=UTC),
    ends_at=datetime(2027, 3, 2, 15, 0, tzinfo=UTC),
    location="https://meet.digitalwell.example/upphandling",
)
TWO_DAY_TRAINING = SessionSummary(
    kind=SessionKind.TRAINING,
    title="Tjänstedesign för välfärden",
    starts_at=datetime(2027, 4, 13, 7, 0, tzinfo=UTC),
    ends_at=datetime(2027, 4, 14, 14, 0, tzinfo=UTC),
    location="Karlstads universitet, hus 21",
)


def _cancel_url(booking_id: str) -> str:
    return f"https://forum.digitalwell.example/bookings/{booking_id}/cancel?token=c-{booking_id}"


_APPLICATION = {
    "title": "Läkemedelsdosett med påminnelser",
    "application_id": APPLICATION_ID,
    "case_number": "DW-2026-0042",
    "status_url": STATUS_URL,
}
_DECIDERS = {"decided_by": "Karin Ek", "assessed_by": ["Anders Berg", "Sara Lind"]}

CONTEXTS: dict[str, dict[str, Any]] = {
    "application_received": {
        **_APPLICATION,
        "organisation_name": "Omsorgsteknik AB",
        "submitted_at": datetime(2026, 11, 23, 9, 15, tzinfo=UTC),
        "withdraw_url": f"{STATUS_URL}/withdraw?token=w-456",
    },
    "decision_granted": {
        **_APPLICATION,
        **_DECIDERS,
        "decided_at": datetime(2026, 12, 15, 14, 0, tzinfo=UTC),
        "support_granted": [
            SupportGranted(kind=SupportKind.COACHING, note="Tio timmar coachning under våren."),
            SupportGranted(kind=SupportKind.INNOVATION_FORUM, note=""),
            SupportGranted(
                kind=SupportKind.TEST_ENVIRONMENT,
                note="Test i Region Värmlands testmiljö.\nVi utser en kontaktperson i januari.",
            ),
        ],
        "booking_url": (
            f"https://forum.digitalwell.example/workshops/{APPLICATION_ID}?token=b-321&lang=sv"
        ),
        "motivation": (
            "Idén möter ett tydligt behov i hemtjänsten, och affärsmodellen är realistisk.\n"
            "Rådet ser gärna att ni testar tjänsten med brukare innan den upphandlas."
        ),
    },
    "decision_rejected": {
        **_APPLICATION,
        **_DECIDERS,
        "decided_at": datetime(2026, 12, 15, 14, 0, tzinfo=UTC),
        "sessions_url": "https://forum.digitalwell.example/?lang=sv",
        "motivation": (
            "Rådet bedömer att tjänsten ännu inte är tillräckligt utvecklad för att prövas i "
            "offentlig sektor.\n\nAffärsmodellen behöver visa vem som betalar på sikt."
        ),
    },
    "application_withdrawn": {
        **_APPLICATION,
        "organisation_name": "Omsorgsteknik AB",
        "withdrawn_at": datetime(2026, 12, 1, 16, 45, tzinfo=UTC),
        "reason": "Vi har fått finansiering på annat sätt.",
        "apply_url": "https://ansok.digitalwell.example/",
    },
    "booking_confirmed": {
        "session": WORKSHOP,
        "booking_id": "bk_1001",
        "cancel_url": _cancel_url("bk_1001"),
    },
    "booking_waitlisted": {
        "session": BREAKFAST,
        "position": 3,
        "cancel_url": _cancel_url("bk_1002"),
    },
    "seat_offered": {
        "session": ONLINE_TRAINING,
        "offer_expires_at": datetime(2027, 2, 25, 11, 0, tzinfo=UTC),
        "accept_url": "https://forum.digitalwell.example/bookings/bk_1003/accept?token=a-bk_1003",
        "cancel_url": _cancel_url("bk_1003"),
    },
    "booking_cancelled": {"session": WORKSHOP, "offer_expired": False},
    "session_cancelled": {
        "session": TWO_DAY_TRAINING,
        "reason": "Kursledaren är sjuk.\nVi återkommer med ett nytt datum i maj.",
    },
    "session_reminder": {
        "session": BREAKFAST,
        "cancel_url": _cancel_url("bk_1004"),
    },
    "session_filling_up": {
        "session": BREAKFAST,
        "percent": 80,
        "seats_taken": 16,
        "capacity": 20,
        "waitlisted": 0,
        "staff_url": "https://forum.digitalwell.example/staff/sessions/ses_1005",
    },
}


def sample_context(name: str, **changes: Any) -> dict[str, Any]:
    """The sample context of template ``name``, with the keys every template gets, and changes."""
    unsubscribe_url = UNSUBSCRIBE_URL if name == "session_reminder" else None
    common = {"recipient_name": "Åsa Öberg", "unsubscribe_url": unsubscribe_url}
    return {**common, **CONTEXTS[name], **changes}
