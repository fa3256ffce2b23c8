"""The words every service's pages share, in Swedish and English: layout, error pages, roles.

A service's own pages have their own catalog; what is said the same way on every service's
pages (the footer, 401/403/404/500, who a staff role is for) is here, once.
"""

from __future__ import annotations

from collections.abc import Iterable

from digitalwell_shared.contracts import Language

_SV: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "footer_label": "Sidfot",
    "accessibility": "Tillgänglighet",
    "switch_language": "In English",
    "go_home": "Till startsidan",
    "not_found_title": "Sidan finns inte",
    "not_found_text": "Adressen kan vara felstavad, eller så har sidan flyttats.",
    "unauthorised_title": "Logga in för att fortsätta",
    "unauthorised_text": "Den här sidan är för programmets personal. Logga in med ditt konto.",
    "sign_in": "Logga in",
    "forbidden_title": "Sidan är inte för din roll",
    "forbidden_text": "Den här sidan är för {roles}. Ditt konto har inte den rollen.",
    "sign_in_as_other": "Logga in som någon annan",
    "form_expired_title": "Formuläret har gått ut",
    "form_expired_text": (
        "Formuläret skickades inte från din nuvarande inloggning. Gå tillbaka, ladda om sidan "
        "och försök igen."
    ),
    "renewing_title": "Din inloggning förnyas",
    "renewing_text": "Ett ögonblick: din inloggning förnyas.",
    "continue": "Fortsätt",
    "signed_out_title": "Du är utloggad",
    "signed_out_text": "Du är utloggad från alla personalsidor.",
    "sign_in_again": "Logga in igen",
    "server_error_title": "Något gick fel",
    "server_error_text": (
        "Sidan kunde inte visas på grund av ett fel hos oss. Försök igen om en stund. "
        "Om felet finns kvar, kontakta oss och uppge felkoden {trace_id}."
    ),
    "roles_joiner": " eller ",
    "role_intake_officer": "ansökningshandläggare",
    "role_council_member": "innovationsrådets ledamöter",
    "role_council_chair": "rådets ordförande",
    "role_forum_coordinator": "forumets samordnare",
    "role_administrator": "administratörer",
}

_EN: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "footer_label": "Footer",
    "accessibility": "Accessibility",
    "switch_language": "På svenska",
    "go_home": "Go to the start page",
    "not_found_title": "Page not found",
    "not_found_text": "The address may be mistyped, or the page may have moved.",
    "unauthorised_title": "Sign in to continue",
    "unauthorised_text": "This page is for the programme's staff. Sign in with your account.",
    "sign_in": "Sign in",
    "forbidden_title": "This page is not for your role",
    "forbidden_text": "This page is for {roles}. Your account does not have that role.",
    "sign_in_as_other": "Sign in as someone else",
    "form_expired_title": "This form has expired",
    "form_expired_text": (
        "The form was not sent from your current session. Go back, reload the page and try again."
    ),
    "renewing_title": "Renewing your session",
    "renewing_text": "One moment: your session is being renewed.",
    "continue": "Continue",
    "signed_out_title": "You are signed out",
    "signed_out_text": "You are signed out of every staff page.",
    "sign_in_again": "Sign in again",
    "server_error_title": "Something went wrong",
    "server_error_text": (
        "The page could not be shown because of an error on our side. Try again in a while. "
        "If the error stays, contact us and give the error code {trace_id}."
    ),
    "roles_joiner": " or ",
    "role_intake_officer": "intake officers",
    "role_council_member": "the council's members",
    "role_council_chair": "the council chair",
    "role_forum_coordinator": "forum coordinators",
    "role_administrator": "administrators",
}

SITE_TEXT: dict[Language, dict[str, str]] = {Language.SV: _SV, Language.EN: _EN}


def site_text(language: Language, key: str, **values: object) -> str:
    """The shared text ``key`` in ``language``, with ``values`` filled in."""
    message = SITE_TEXT[language][key]
    return message.format(**values) if values else message


def role_name(role: str, language: Language) -> str:
    """Who a role is, in words: "rådets ordförande" / "the council chair"."""
    return SITE_TEXT[language].get(f"role_{role}", role)


def role_names(roles: Iterable[str], language: Language) -> str:
    """Several roles in words, joined by "eller" / "or", in a fixed order."""
    return site_text(language, "roles_joiner").join(
        role_name(role, language) for role in sorted(roles)
    )
