"""The words every service's pages share, in Swedish and English: layout, error pages, roles.

A service's own pages have their own catalog; what is said the same way on every service's
pages (the footer, the error pages, who a staff role is for) is here, once.
"""

from __future__ import annotations

from collections.abc import Iterable

from digitalwell_shared.contracts import Language

_SV: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "footer_label": "Sidfot",
    "accessibility": "Tillgänglighet",
    "switch_language": "In English",
    "skip_to_content": "Hoppa till innehållet",
    "signed_in_as": "Inloggad som",
    "sign_out": "Logga ut",
    "main_menu": "Huvudmeny",
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
    "method_not_allowed_title": "Sidan kan inte användas så",
    "method_not_allowed_text": (
        "Adressen finns, men den tar inte emot den här sortens förfrågan: till exempel en "
        "adress som bara tar emot ett skickat formulär men öppnades direkt. Gå tillbaka till "
        "sidan du kom från och försök igen därifrån."
    ),
    "too_large_title": "Det du skickade är för stort",
    "too_large_text": (
        "Vi kan ta emot högst {size} på en gång, och det du skickade var större. Gå tillbaka, "
        "korta texten och skicka igen."
    ),
    "too_many_title": "För många försök just nu",
    "too_many_text": (
        "Vi har tagit emot många förfrågningar från dig eller din e-postadress på kort tid. "
        "Vänta {wait} och försök sedan igen. Det du skickade sist har inte tagits emot."
    ),
    "unreadable_form_title": "Formuläret kunde inte läsas",
    "unreadable_form_text": (
        "Något i det som skickades hade fel form eller var för långt, så vi kunde inte ta "
        "emot det. Gå tillbaka, kontrollera fälten och försök igen."
    ),
    "unreadable_form_fields": "Det gäller: {fields}.",
    "unit_second": "sekund",
    "unit_seconds": "sekunder",
    "unit_minute": "minut",
    "unit_minutes": "minuter",
    "unit_hour": "timme",
    "unit_hours": "timmar",
    "landing_text": (
        "Den här tjänsten har inga egna sidor för allmänheten. Här finns dess gränssnitt för "
        "andra system och för driften."
    ),
    "landing_links": "Gränssnitt",
    "link_http_api": "HTTP-API",
    "link_events": "Händelser (AsyncAPI)",
    "link_readiness": "Driftstatus",
    "link_metrics": "Mätvärden",
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
    "skip_to_content": "Skip to content",
    "signed_in_as": "Signed in as",
    "sign_out": "Sign out",
    "main_menu": "Main menu",
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
    "method_not_allowed_title": "This page cannot be used that way",
    "method_not_allowed_text": (
        "The address exists, but it does not take this kind of request: for example an address "
        "that only takes a sent form was opened directly. Go back to the page you came from "
        "and try again from there."
    ),
    "too_large_title": "What you sent is too large",
    "too_large_text": (
        "We can take at most {size} at once, and what you sent was larger. Go back, shorten "
        "the text and send it again."
    ),
    "too_many_title": "Too many attempts just now",
    "too_many_text": (
        "We have had many requests from you or your e-mail address in a short time. Wait "
        "{wait} and then try again. What you sent last has not been received."
    ),
    "unreadable_form_title": "The form could not be read",
    "unreadable_form_text": (
        "Something in what was sent had the wrong form or was too long, so we could not take "
        "it. Go back, check the fields and try again."
    ),
    "unreadable_form_fields": "It concerns: {fields}.",
    "unit_second": "second",
    "unit_seconds": "seconds",
    "unit_minute": "minute",
    "unit_minutes": "minutes",
    "unit_hour": "hour",
    "unit_hours": "hours",
    "landing_text": (
        "This service has no public pages of its own. Here are its interfaces for other "
        "systems and for operations."
    ),
    "landing_links": "Interfaces",
    "link_http_api": "HTTP API",
    "link_events": "Events (AsyncAPI)",
    "link_readiness": "Readiness",
    "link_metrics": "Metrics",
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
