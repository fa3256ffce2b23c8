"""The names of the kinds of support and of session, in Swedish and English, for every service."""

from __future__ import annotations

from digitalwell_shared.contracts import Language, SessionKind, SupportKind

_SUPPORT_KINDS: dict[Language, dict[SupportKind, str]] = {
    # One list for the form, the council's pages and the e-mails: people see the same names.
    Language.SV: {
        SupportKind.INNOVATION_FORUM: "Innovationsforum",
        SupportKind.COACHING: "Coachning",
        SupportKind.TEST_ENVIRONMENT: "Testmiljö",
        SupportKind.EXPERT_ADVICE: "Expertråd",
        SupportKind.FINANCING_ADVICE: "Rådgivning om finansiering",
    },
    Language.EN: {
        SupportKind.INNOVATION_FORUM: "Innovation Forum",
        SupportKind.COACHING: "Coaching",
        SupportKind.TEST_ENVIRONMENT: "Test environment",
        SupportKind.EXPERT_ADVICE: "Expert advice",
        SupportKind.FINANCING_ADVICE: "Advice on financing",
    },
}

_SESSION_KINDS: dict[Language, dict[SessionKind, str]] = {
    Language.SV: {
        SessionKind.INNOVATION_FORUM: "Workshop i Innovationsforum",
        SessionKind.BREAKFAST_MEETING: "Frukostmöte",
        SessionKind.TRAINING: "Utbildning",
    },
    Language.EN: {
        SessionKind.INNOVATION_FORUM: "Innovation Forum workshop",
        SessionKind.BREAKFAST_MEETING: "Breakfast meeting",
        SessionKind.TRAINING: "Training",
    },
}


def support_kind_name(kind: SupportKind, language: Language) -> str:
    """The name of a kind of support, e.g. "Coachning" or "Coaching"."""
    return _SUPPORT_KINDS[language][kind]


def session_kind_name(kind: SessionKind, language: Language) -> str:
    """The name of a kind of session, e.g. "Frukostmöte" or "Breakfast meeting"."""
    return _SESSION_KINDS[language][kind]
