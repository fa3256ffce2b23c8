"""Example events for tests, with unique ids so tests never collide."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from digitalwell_shared.contracts import ApplicationSubmitted, GrantDecided, Language


def application_submitted(
    *, application_id: str | None = None, language: Language = Language.SV
) -> ApplicationSubmitted:
    """A complete, valid ApplicationSubmitted."""
    return ApplicationSubmitted.model_validate(
        {
            "application_id": application_id or f"app_{uuid.uuid4().hex}",
            "case_number": f"DW-2026-{uuid.uuid4().int % 10000:04d}",
            "submitted_at": datetime.now(UTC),
            "organisation": {"name": "Omsorgsteknik AB", "org_number": "556036-0793"},
            "contact": {
                "name": "Åsa Öberg",
                "email": f"asa.{uuid.uuid4().hex[:8]}@example.org",
                "phone": "+46701234567",
                "language": language,
            },
            "title": "Läkemedelsdosett med påminnelser",
            "summary": "En uppkopplad dosett som påminner och larmar anhöriga.",
            "need": "Äldre som bor hemma glömmer sina läkemedel.",
            "target_groups": ["äldre i ordinärt boende", "hemtjänst"],
            "stage": "prototype",
            "business_model": "Abonnemang per brukare och månad, betalt av kommunen.",
            "public_sector_partners": ["Region Värmland"],
            "support_requested": ["innovation_forum", "test_environment"],
        }
    )


def grant_decided(
    application_id: str,
    *,
    decision: str = "granted",
    kinds: tuple[str, ...] = ("innovation_forum",),
    motivation: str = "A clear need and a sound business model.",
    note: str = "",
    decided_at: datetime | None = None,
    case_number: str = "DW-2026-0042",
) -> GrantDecided:
    """A GrantDecided as council publishes it; a rejection grants nothing.

    Each kind granted gets ``note``, or "Note on <kind>." without one.
    """
    return GrantDecided.model_validate(
        {
            "application_id": application_id,
            "case_number": case_number,
            "decision": decision,
            "support_granted": [
                {"kind": kind, "note": note or f"Note on {kind}."} for kind in kinds
            ]
            if decision == "granted"
            else [],
            "motivation": motivation,
            "decided_at": decided_at or datetime.now(UTC),
            "decided_by": "Karin Ek",
            "assessed_by": ["Anders Berg", "Sara Lind"],
        }
    )
