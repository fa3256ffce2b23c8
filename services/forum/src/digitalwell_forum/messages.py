"""Every word forum's pages and API refusals say, in Swedish and English; times as people read."""

from __future__ import annotations

from datetime import datetime

from digitalwell_forum.domain import Refusal
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE, local_time

_SV: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "skip_to_content": "Hoppa till innehållet",
    "switch_language": "In English",
    "optional": "(valfritt)",
    "error_prefix": "Fel:",
    "error_summary_title": "Det finns fel i formuläret",
    "sessions_title": "Workshoppar, frukostmöten och utbildningar",
    "sessions_intro": (
        "Frukostmöten och utbildningar är öppna för alla. Workshoppar i Innovationsforum är för "
        "företag som har beviljats den stödformen: där möter ni personal från offentlig sektor "
        "som prövar er tjänst och ger råd om hur den kan utvecklas."
    ),
    "no_sessions": "Just nu finns inga kommande tillfällen. Titta gärna in igen senare.",
    "workshops_title": "Boka din workshop i Innovationsforum",
    "workshops_intro": (
        "Ansökan {case_number} har beviljats en workshop i Innovationsforum. Välj ett tillfälle: "
        "bokningsformuläret är redan ifyllt med diarienumret."
    ),
    "no_workshops": (
        "Just nu finns inga kommande workshoppar att boka. Länken fortsätter att fungera, så "
        "titta gärna in igen senare."
    ),
    "kind_innovation_forum": "Workshop i Innovationsforum",
    "kind_breakfast_meeting": "Frukostmöte",
    "kind_training": "Utbildning",
    "when": "Tid",
    "dates": "Datum",
    "where": "Plats",
    "participants": "Från offentlig sektor",
    "seats": "Platser",
    "seats_left": "{left} av {capacity} platser kvar",
    "full_waitlist": "Fullbokat \N{EN DASH} du kan ställa dig i kö",
    "waitlisted_count": "{count} i kö",
    "waitlist": "Kö",
    "deadline": "Sista anmälningsdag",
    "registration_closed": "Anmälan är stängd.",
    "book_link": "Boka plats",
    "book_title": "Boka plats",
    "online_meeting": "Digitalt möte",
    "name": "Namn",
    "email": "E-postadress",
    "language": "Vilket språk vill du att vi skriver till dig på?",
    "language_sv": "Svenska",
    "language_en": "Engelska (English)",
    "application_id": "Diarienummer",
    "application_id_hint": (
        "Workshoppen är för beviljade ansökningar. Diarienumret står i beslutet du fått via "
        "e-post, t.ex. DW-2026-0001 (ansökans id, som börjar med app_, går också bra)."
    ),
    "book_submit": "Boka",
    "join_waitlist_submit": "Ställ dig i kö",
    "error_required": "Fyll i fältet.",
    "error_too_long": "Texten är för lång.",
    "error_email": "Skriv en e-postadress i rätt format, t.ex. namn@exempel.se.",
    "error_invalid": "Kontrollera fältet.",
    "error_starts_in_past": "Tillfället måste börja i framtiden.",
    "error_ends_before_start": "Tillfället måste sluta efter att det börjar.",
    "error_series_for_training": "Bara en utbildning kan ha flera datum.",
    "error_deadline_after_start": "Anmälan måste stänga senast när tillfället börjar.",
    "error_series_dates": (
        "Kontrollera datumen: varje datum måste sluta efter att det börjar och börja efter det "
        "förra."
    ),
    "error_number_range": "Skriv ett tal inom det tillåtna intervallet.",
    "error_number": "Skriv ett heltal.",
    "error_date_time": "Skriv datum och tid som 2027-04-20 09:00.",
    "error_choice": "Välj ett av alternativen.",
    "error_single_line": "Skriv på en rad, utan kontrolltecken.",
    "error_control_characters": "Ta bort kontrolltecknen; radbrytningar och tabbar går bra.",
    "back_to_sessions": "Till alla tillfällen",
    # The booking page
    "booking_title": "Din bokning",
    "booked_confirmed": "Klart! Du har en plats.",
    "booked_waitlisted": "Tillfället är fullbokat, så du står i kö som nummer {position}.",
    "booked_again": "Du har redan en bokning på det här tillfället med den e-postadressen.",
    "booked_email_note": "Vi skickar en bekräftelse till {email}.",
    "status": "Status",
    "status_confirmed": "Bokad",
    "status_waitlisted": "I kö",
    "status_offered": "En plats väntar på dig",
    "status_cancelled": "Avbokad",
    "position": "Plats i kön när du ställde dig där",
    "calendar_download": "Lägg till i kalendern (.ics)",
    "cancel_intro": "Kan du inte komma? Avboka, så kan någon annan få platsen.",
    "cancel_intro_waitlist": "Vill du inte längre stå i kö? Lämna kön.",
    "cancel_intro_offer": "Kan du inte komma? Tacka nej, så går platsen till nästa i kön.",
    "cancel_submit": "Avboka",
    "leave_waitlist_submit": "Lämna kön",
    "decline_submit": "Tacka nej till platsen",
    "cancelled_done": "Bokningen är avbokad. Tack för att du sa till!",
    "offer_title": "En plats har blivit ledig",
    "offer_intro": "Vi håller platsen åt dig till {until}. Tacka ja för att få den.",
    "accept_submit": "Tacka ja till platsen",
    "accepted_done": "Klart! Platsen är din.",
    "bad_link_title": "Länken fungerar inte",
    "bad_link_body": "Länken är inte giltig. Använd länken i e-postmeddelandet du fick från oss.",
    "expired_link_title": "Länken har gått ut",
    "expired_link_body": (
        "Tillfället som bokningen gällde är över, så länken fungerar inte längre. Boka gärna "
        "ett nytt tillfälle."
    ),
    "not_found_title": "Hittades inte",
    "not_found_body": "Vi hittar inget tillfälle eller ingen bokning med det id:t.",
    "refused_title": "Det gick inte",
    # Refusals
    "refusal_session_not_found": "Tillfället finns inte.",
    "refusal_reason_invalid": (
        "Förklaringen får vara högst 2000 tecken och inte innehålla kontrolltecken."
    ),
    "refusal_session_cancelled": "Tillfället är inställt.",
    "refusal_session_started": "Tillfället har redan börjat.",
    "refusal_session_not_begun": "Tillfället har inte börjat än.",
    "refusal_registration_closed": "Sista anmälningsdag har passerat.",
    "refusal_application_required": (
        "Skriv ansökans diarienummer: workshoppen är för ansökningar som har beviljats "
        "Innovationsforum."
    ),
    "refusal_unknown_application": (
        "Vi känner inte till något beslut om en ansökan med det diarienumret. Kontrollera "
        "diarienumret i beslutet, t.ex. DW-2026-0001. Kom beslutet alldeles nyss? Försök igen om "
        "en minut."
    ),
    "refusal_not_granted": (
        "Den ansökan har inte beviljats en workshop i Innovationsforum. Kontrollera "
        "diarienumret i beslutet."
    ),
    "refusal_application_already_booked": (
        "Ansökan har redan en bokning i Innovationsforum. Avboka den först om du vill byta "
        "tillfälle."
    ),
    "refusal_booking_not_found": "Bokningen finns inte.",
    "refusal_no_offer": "Det finns ingen plats som väntar på den här bokningen.",
    "refusal_offer_expired": "Tiden för att tacka ja har gått ut, och platsen har gått vidare.",
    # Staff pages
    "staff_sessions_title": "Tillfällen",
    "staff_report_link": "Närvarorapport",
    "staff_schedule_title": "Planera ett tillfälle",
    "kind": "Typ",
    "title": "Rubrik",
    "description": "Beskrivning",
    "starts_at": "Börjar",
    "ends_at": "Slutar",
    "time_hint": "Svensk tid.",
    "later_dates": "Fler datum (för en utbildning i flera delar)",
    "later_dates_hint": (
        "Ett per rad: 2027-04-20 09:00-16:00. Bokas tillsammans med första datumet."
    ),
    "location": "Plats eller länk till digitalt möte",
    "capacity": "Antal platser",
    "public_sector_participants": "Deltagare från offentlig sektor",
    "public_sector_participants_hint": "En per rad, t.ex. Region Värmland.",
    "registration_deadline": "Sista anmälningsdag",
    "registration_deadline_hint": "Lämna tomt för att ta emot anmälningar fram till start.",
    "coordinator_language": "Språk för meddelanden till dig",
    "schedule_submit": "Planera tillfället",
    "bookings": "Bokningar",
    "no_bookings": "Inga bokningar än.",
    "booked_at": "Bokad",
    "attended": "Kom",
    "attendance_title": "Närvaro",
    "attendance_intro": "Kryssa i dem som kom. De andra räknas som uteblivna.",
    "attendance_submit": "Spara närvaro",
    "attendance_saved": "Närvaron är sparad.",
    "attendance_not_yet": "Närvaro kan markeras när tillfället har börjat.",
    "cancel_session_title": "Ställ in tillfället",
    "cancel_session_reason": "Förklaring till de bokade",
    "cancel_session_submit": "Ställ in och meddela alla bokade",
    "session_cancelled_banner": "Tillfället är inställt.",
    "report_title": "Närvarorapport",
    "per_session": "Per tillfälle",
    "per_kind": "Per typ (markerade tillfällen)",
    "booked": "Bokade",
    "no_shows": "Uteblev",
    "not_marked": "ej markerad",
    "sign_out": "Logga ut",
    "error_series": "Kontrollera datumen: {detail}",
    "error_date_format": "Skriv datum och tid som 2027-04-20 09:00-16:00, ett per rad.",
}

_EN: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "skip_to_content": "Skip to content",
    "switch_language": "På svenska",
    "optional": "(optional)",
    "error_prefix": "Error:",
    "error_summary_title": "There is a problem",
    "sessions_title": "Workshops, breakfast meetings and trainings",
    "sessions_intro": (
        "Breakfast meetings and trainings are open to everyone. Innovation Forum workshops are "
        "for companies granted that kind of support: there you meet public-sector staff who try "
        "your service and advise on how to develop it further."
    ),
    "no_sessions": "There are no upcoming sessions at the moment. Please look again later.",
    "workshops_title": "Book your Innovation Forum workshop",
    "workshops_intro": (
        "Application {case_number} has been granted an Innovation Forum workshop. Choose a "
        "session: the booking form is already filled in with the case number."
    ),
    "no_workshops": (
        "There are no upcoming workshops to book at the moment. The link keeps working, so "
        "please look again later."
    ),
    "kind_innovation_forum": "Innovation Forum workshop",
    "kind_breakfast_meeting": "Breakfast meeting",
    "kind_training": "Training",
    "when": "When",
    "dates": "Dates",
    "where": "Where",
    "participants": "From the public sector",
    "seats": "Places",
    "seats_left": "{left} of {capacity} places left",
    "full_waitlist": "Fully booked \N{EN DASH} you can join the waiting list",
    "waitlisted_count": "{count} waiting",
    "waitlist": "Waiting",
    "deadline": "Registration closes",
    "registration_closed": "Registration has closed.",
    "book_link": "Book a place",
    "book_title": "Book a place",
    "online_meeting": "Online meeting",
    "name": "Full name",
    "email": "Email address",
    "language": "Which language should we write to you in?",
    "language_sv": "Swedish (svenska)",
    "language_en": "English",
    "application_id": "Case number",
    "application_id_hint": (
        "The workshop is for granted applications. The case number is in the decision we emailed "
        "you, e.g. DW-2026-0001 (the application id, starting with app_, works too)."
    ),
    "book_submit": "Book",
    "join_waitlist_submit": "Join the waiting list",
    "error_required": "Fill in this field.",
    "error_too_long": "The text is too long.",
    "error_email": "Enter an email address in the correct format, like name@example.com.",
    "error_invalid": "Check this field.",
    "error_starts_in_past": "The session must start in the future.",
    "error_ends_before_start": "The session must end after it starts.",
    "error_series_for_training": "Only a training can have several dates.",
    "error_deadline_after_start": "Registration must close no later than the session starts.",
    "error_series_dates": (
        "Check the dates: each must end after it starts and start after the one before."
    ),
    "error_number_range": "Enter a number within the allowed range.",
    "error_number": "Enter a whole number.",
    "error_date_time": "Write the date and time as 2027-04-20 09:00.",
    "error_choice": "Choose one of the options.",
    "error_single_line": "Write this on a single line, without control characters.",
    "error_control_characters": "Remove the control characters; line breaks and tabs are fine.",
    "back_to_sessions": "All sessions",
    "booking_title": "Your booking",
    "booked_confirmed": "Done! You have a place.",
    "booked_waitlisted": "The session is fully booked, so you are number {position} in the queue.",
    "booked_again": "You already have a booking for this session with that email address.",
    "booked_email_note": "We are sending a confirmation to {email}.",
    "status": "Status",
    "status_confirmed": "Booked",
    "status_waitlisted": "On the waiting list",
    "status_offered": "A place is waiting for you",
    "status_cancelled": "Cancelled",
    "position": "Place in the queue when you joined",
    "calendar_download": "Add to your calendar (.ics)",
    "cancel_intro": "Can't come? Cancel, so that someone else can have the place.",
    "cancel_intro_waitlist": "No longer want to wait? Leave the waiting list.",
    "cancel_intro_offer": "Can't come? Decline, so that the place goes to the next in the queue.",
    "cancel_submit": "Cancel my booking",
    "leave_waitlist_submit": "Leave the waiting list",
    "decline_submit": "Decline the place",
    "cancelled_done": "Your booking is cancelled. Thank you for letting us know!",
    "offer_title": "A place has become free",
    "offer_intro": "We are holding the place for you until {until}. Accept it to have it.",
    "accept_submit": "Accept the place",
    "accepted_done": "Done! The place is yours.",
    "bad_link_title": "The link does not work",
    "bad_link_body": "The link is not valid. Use the link in the email we sent you.",
    "expired_link_title": "This link has expired",
    "expired_link_body": (
        "The session this booking was for is over, so the link no longer works. You are "
        "welcome to book another session."
    ),
    "not_found_title": "Not found",
    "not_found_body": "We cannot find a session or booking with that id.",
    "refused_title": "That did not work",
    "refusal_session_not_found": "The session does not exist.",
    "refusal_reason_invalid": (
        "The explanation can be at most 2000 characters, without control characters."
    ),
    "refusal_session_cancelled": "The session is cancelled.",
    "refusal_session_started": "The session has already started.",
    "refusal_session_not_begun": "The session has not begun yet.",
    "refusal_registration_closed": "Registration for the session has closed.",
    "refusal_application_required": (
        "Enter the application's case number: the workshop is for applications granted an "
        "Innovation Forum workshop."
    ),
    "refusal_unknown_application": (
        "We know of no decision on an application with that case number. Check the case number "
        "in the decision, e.g. DW-2026-0001. Did the decision arrive just now? Try again in a "
        "minute."
    ),
    "refusal_not_granted": (
        "That application has not been granted an Innovation Forum workshop. Check the case "
        "number in the decision."
    ),
    "refusal_application_already_booked": (
        "The application already has an Innovation Forum booking. Cancel it first to change "
        "session."
    ),
    "refusal_booking_not_found": "The booking does not exist.",
    "refusal_no_offer": "No place is waiting for this booking.",
    "refusal_offer_expired": "The time to accept has run out, and the place has passed on.",
    "staff_sessions_title": "Sessions",
    "staff_report_link": "Attendance report",
    "staff_schedule_title": "Schedule a session",
    "kind": "Kind",
    "title": "Title",
    "description": "Description",
    "starts_at": "Starts",
    "ends_at": "Ends",
    "time_hint": "Swedish time.",
    "later_dates": "Further dates (for a training in several parts)",
    "later_dates_hint": "One per line: 2027-04-20 09:00-16:00. Booked together with the first.",
    "location": "Place, or link to the online meeting",
    "capacity": "Places",
    "public_sector_participants": "Public-sector participants",
    "public_sector_participants_hint": "One per line, e.g. Region Värmland.",
    "registration_deadline": "Registration closes",
    "registration_deadline_hint": "Leave empty to take bookings until the start.",
    "coordinator_language": "Language of messages to you",
    "schedule_submit": "Schedule the session",
    "bookings": "Bookings",
    "no_bookings": "No bookings yet.",
    "booked_at": "Booked",
    "attended": "Came",
    "attendance_title": "Attendance",
    "attendance_intro": "Tick those who came. The others count as no-shows.",
    "attendance_submit": "Save attendance",
    "attendance_saved": "Attendance saved.",
    "attendance_not_yet": "Attendance can be marked once the session has begun.",
    "cancel_session_title": "Cancel the session",
    "cancel_session_reason": "Explanation to those booked",
    "cancel_session_submit": "Cancel and tell everyone booked",
    "session_cancelled_banner": "The session is cancelled.",
    "report_title": "Attendance report",
    "per_session": "Per session",
    "per_kind": "Per kind (marked sessions)",
    "booked": "Booked",
    "no_shows": "No-shows",
    "not_marked": "not marked",
    "sign_out": "Sign out",
    "error_series": "Check the dates: {detail}",
    "error_date_format": "Write each date and time as 2027-04-20 09:00-16:00, one per line.",
}

MESSAGES: dict[Language, dict[str, str]] = {Language.SV: _SV, Language.EN: _EN}


API_REFUSALS: dict[Refusal, str] = {
    Refusal.SESSION_NOT_FOUND: "No session has this id",
    Refusal.SESSION_CANCELLED: "The session is cancelled",
    Refusal.SESSION_STARTED: "The session has already started",
    Refusal.SESSION_NOT_BEGUN: "The session has not begun yet",
    Refusal.REGISTRATION_CLOSED: "Registration for the session has closed (past its deadline)",
    Refusal.APPLICATION_REQUIRED: (
        "application_id (the id or the case number) is required: an innovation_forum session is "
        "for an application granted "
        "an Innovation Forum workshop"
    ),
    Refusal.UNKNOWN_APPLICATION: (
        "No decision is known on an application with this application_id or case number "
        "(e.g. DW-2026-0001)"
    ),
    Refusal.NOT_GRANTED: "The application has not been granted an Innovation Forum workshop",
    Refusal.APPLICATION_ALREADY_BOOKED: (
        "The application already has an Innovation Forum booking; cancel it to book another"
    ),
    Refusal.BOOKING_NOT_FOUND: "No booking has this id",
    Refusal.NO_OFFER: "No seat is offered to this booking",
    Refusal.OFFER_EXPIRED: "The seat offer has expired and passed to the next in line",
}
"""What the JSON API says when a rule refuses a request."""


def translate(language: Language, key: str, **values: object) -> str:
    """The message ``key`` in ``language``, with ``values`` filled in."""
    message = MESSAGES[language][key]
    return message.format(**values) if values else message


def kind_name(language: Language, kind: SessionKind | str) -> str:
    """The name of a kind of session."""
    return MESSAGES[language][f"kind_{SessionKind(kind).value}"]


def format_time(language: Language, moment: datetime) -> str:
    """A moment as people in Sweden read it, e.g. "23 november 2026 kl. 14:05"."""
    return local_time(moment, language)


def format_span(language: Language, starts_at: datetime, ends_at: datetime) -> str:
    """When a date of a session runs: "20 januari 2027 kl. 09:30" to "12:00", an en dash between."""
    start, end = (m.astimezone(PROGRAMME_TIME_ZONE) for m in (starts_at, ends_at))
    if start.date() == end.date():
        return f"{format_time(language, starts_at)}\N{EN DASH}{end:%H:%M}"
    return f"{format_time(language, starts_at)} \N{EN DASH} {format_time(language, ends_at)}"
