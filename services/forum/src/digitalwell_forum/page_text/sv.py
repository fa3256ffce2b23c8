"""forum's pages and refusals in Swedish."""

from __future__ import annotations

SV: dict[str, str] = {
    "site_name": "DigitalWell Arena",
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
    "error_series": "Kontrollera datumen: {detail}",
    "error_date_format": "Skriv datum och tid som 2027-04-20 09:00-16:00, ett per rad.",
}
