"""The words of notify's pages (unsubscribe; the delivery log for staff) in Swedish and English."""

from __future__ import annotations

from digitalwell_shared.contracts import Language
from digitalwell_shared.wording import Wording

_SV: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "confirm_title": "Avregistrera dig från {category}",
    "confirm_body": "Vill du sluta få {category_long} till {address}?",
    "essential_note": (
        "Du får fortfarande e-post om din ansökan och dina bokningar, till exempel "
        "bekräftelser, beslut och ändringar."
    ),
    "unsubscribe_button": "Avregistrera mig",
    "done_title": "Du är avregistrerad",
    "done_body": "Vi skickar inte längre {category_long} till {address}.",
    "undo_question": "Ångrade du dig?",
    "resubscribe_button": "Få {category} igen",
    "resubscribed_title": "Du får {category} igen",
    "resubscribed_body": "Vi skickar {category_long} till {address} igen.",
    "bad_link_title": "Länken fungerar inte",
    "bad_link_body": (
        "Länken är ogiltig eller ofullständig. Använd länken i e-postmeddelandet igen; "
        "om du klistrar in den, kopiera hela adressen."
    ),
    "expired_link_title": "Länken har gått ut",
    "expired_link_body": (
        "Länken för att avregistrera dig fungerar en tid efter att vi skickade "
        "e-postmeddelandet, och den tiden har gått. Använd länken i ett senare "
        "e-postmeddelande från oss, eller skriv till oss så hjälper vi dig."
    ),
    "not_found_title": "Vi hittar inte e-postmeddelandet",
    "not_found_body": "E-postmeddelandet som länken hör till finns inte hos oss längre.",
    "essential_title": "Det finns inget att avregistrera sig från",
    "essential_body": (
        "Det här e-postmeddelandet handlar om din ansökan eller bokning, och sådana skickar "
        "vi alltid."
    ),
    # The delivery log, for staff
    "log_title": "E-postlogg",
    "log_site": "DigitalWell Arena · e-post",
    "log_limited": "Du ser e-posten inom ditt område, utan texten; adresserna är förkortade.",
    "log_filter_label": "Filtrera e-postloggen",
    "recipient": "Mottagare",
    "application_id": "Ansökans id",
    "template": "Mall",
    "status": "Status",
    "any_status": "alla",
    "show_count": "Antal",
    "filter": "Filtrera",
    "log_region": "E-postlogg",
    "log_caption": "{count} e-postmeddelanden, senaste först. Tiderna är svensk tid.",
    "log_caption_one": "1 e-postmeddelande. Tiden är svensk tid.",
    "created": "Skapat",
    "subject": "Ämnesrad",
    "email": "E-post",
    "last_attempt": "Senaste försök",
    "action": "Åtgärd",
    "status_pending": "väntar",
    "status_sent": "skickat",
    "status_failed": "misslyckat",
    "status_suppressed": "stoppat (avregistrerad)",
    "written_in_sv": "skickat på svenska",
    "written_in_en": "skickat på engelska",
    "resent_at": "skickat igen {when}",
    "last_error": "Senaste fel:",
    "error_retrying": "Fel, försöker igen:",
    "attempts": "{count} försök",
    "not_tried": "inte försökt än",
    "resend": "Skicka igen",
    "resend_what": " ”{subject}” till {recipient}",
    "no_emails": "Inga e-postmeddelanden matchar.",
    "notice_resent": "E-postmeddelandet ligger i kö igen och skickas inom några sekunder.",
    "notice_not_failed": (
        "E-postmeddelandet har inte misslyckats (längre), så det skickades inte igen."
    ),
    "notice_not_found": "Inget e-postmeddelande har det id:t.",
}

_EN: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "confirm_title": "Unsubscribe from {category}",
    "confirm_body": "Do you want to stop receiving {category_long} at {address}?",
    "essential_note": (
        "You will still receive e-mails about your application and your bookings, such as "
        "confirmations, decisions and changes."
    ),
    "unsubscribe_button": "Unsubscribe",
    "done_title": "You are unsubscribed",
    "done_body": "We will no longer send {category_long} to {address}.",
    "undo_question": "Changed your mind?",
    "resubscribe_button": "Receive {category} again",
    "resubscribed_title": "You will receive {category} again",
    "resubscribed_body": "We will send {category_long} to {address} again.",
    "bad_link_title": "This link does not work",
    "bad_link_body": (
        "The link is not valid or not complete. Use the link in the e-mail again; if you "
        "paste it, copy the whole address."
    ),
    "expired_link_title": "This link has expired",
    "expired_link_body": (
        "The link to unsubscribe works for a while after we sent the e-mail, and that time has "
        "passed. Use the link in a more recent e-mail from us, or write to us and we will help you."
    ),
    "not_found_title": "We cannot find the e-mail",
    "not_found_body": "The e-mail this link belongs to is no longer with us.",
    "essential_title": "There is nothing to unsubscribe from",
    "essential_body": (
        "This e-mail is about your application or booking, and those are always sent."
    ),
    "log_title": "E-mail delivery log",
    "log_site": "DigitalWell Arena · e-mail",
    "log_limited": "You see the e-mails of your area, without their text; addresses are shortened.",
    "log_filter_label": "Filter the delivery log",
    "recipient": "Recipient",
    "application_id": "Application id",
    "template": "Template",
    "status": "Status",
    "any_status": "any",
    "show_count": "Show",
    "filter": "Filter",
    "log_region": "Delivery log",
    "log_caption": "{count} e-mails, newest first. Times are Swedish time.",
    "log_caption_one": "1 e-mail. The time is Swedish time.",
    "created": "Created",
    "subject": "Subject",
    "email": "E-mail",
    "last_attempt": "Last attempt",
    "action": "Action",
    "status_pending": "pending",
    "status_sent": "sent",
    "status_failed": "failed",
    "status_suppressed": "suppressed (unsubscribed)",
    "written_in_sv": "sent in Swedish",
    "written_in_en": "sent in English",
    "resent_at": "resent {when}",
    "last_error": "Last error:",
    "error_retrying": "Error, retrying:",
    "attempts": "{count} attempts",
    "not_tried": "not tried yet",
    "resend": "Resend",
    "resend_what": " “{subject}” to {recipient}",
    "no_emails": "No e-mails match.",
    "notice_resent": "The e-mail is queued again and goes out within a few seconds.",
    "notice_not_failed": "That e-mail has not failed (any more), so it was not resent.",
    "notice_not_found": "No e-mail has that id.",
}

MESSAGES: dict[Language, dict[str, str]] = {Language.SV: _SV, Language.EN: _EN}
WORDING = Wording(MESSAGES)
"""notify's words; ``WORDING.translate(language, key, **values)``."""

# Each category's short name (headings, buttons) and long name (sentences).
_CATEGORIES: dict[str, dict[Language, tuple[str, str]]] = {
    "reminders": {
        Language.SV: (
            "påminnelser",
            "påminnelser inför workshoppar, frukostmöten och utbildningar du har bokat",
        ),
        Language.EN: (
            "reminders",
            "reminders before the workshops, breakfast meetings and trainings you have booked",
        ),
    },
}


def category_names(category: str, language: Language) -> tuple[str, str]:
    """A category's short and long name; its own name for one without words here yet."""
    names = _CATEGORIES.get(category)
    return names[language] if names else (category, category)


def masked_address(address: str) -> str:
    """An address shown to whoever holds the link: enough to recognise it, not to harvest it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"
