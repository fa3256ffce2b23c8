"""Every word the applicant's pages say (the form, status, withdrawal, accessibility), sv and en.

The names of the kinds of support are the shared ones (``digitalwell_shared.kinds``).
"""

from __future__ import annotations

SV: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "switch_language": "In English",
    "optional": "(valfritt)",
    "error_prefix": "Fel:",
    # The form
    "form_title": "Ansök om stöd för en digital tjänst",
    "form_intro": (
        "DigitalWell Arena i Värmland stöttar företag och entreprenörer som utvecklar nya "
        "digitala tjänster för hälsa och välfärd. Innovationsrådet bedömer varje ansökan: är "
        "idén ekonomiskt hållbar, och passar den offentlig sektors behov och system?"
    ),
    "form_required_note": "Fyll i alla fält som inte är märkta (valfritt).",
    "section_organisation": "Organisationen",
    "org_name": "Organisationens namn",
    "org_number": "Organisationsnummer",
    "org_number_hint": "10 siffror, t.ex. 556012-5790",
    "section_contact": "Kontaktperson",
    "contact_name": "Namn",
    "contact_email": "E-postadress",
    "contact_phone": "Telefonnummer",
    "contact_phone_hint": "T.ex. 070-123 45 67 eller +46 70 123 45 67",
    "contact_language": "Vilket språk vill du att vi skriver till dig på?",
    "language_sv": "Svenska",
    "language_en": "Engelska (English)",
    "section_idea": "Idén",
    "title": "Namn på idén eller tjänsten",
    "summary": "Beskriv tjänsten kort",
    "summary_hint": "Vad är det, och hur fungerar det? Högst 5 000 tecken.",
    "need": "Vilket behov möter tjänsten, och vem har nytta av den?",
    "need_hint": "Högst 5 000 tecken.",
    "target_groups": "Målgrupper",
    "target_groups_hint": "En per rad, t.ex. äldre som bor hemma. Högst 20 rader.",
    "stage": "Hur långt har ni kommit?",
    "stage_idea": "Idé",
    "stage_prototype": "Prototyp",
    "stage_pilot": "Pilot: tjänsten testas med användare",
    "stage_on_market": "På marknaden",
    "business_model": "Affärsmodell",
    "business_model_hint": "Hur ska tjänsten finansieras, och vem betalar? Högst 5 000 tecken.",
    "public_sector_partners": "Samarbetspartner i offentlig sektor",
    "public_sector_partners_hint": "En per rad, t.ex. Region Värmland. Högst 20 rader.",
    "support_requested": "Vilket stöd söker ni?",
    "support_requested_hint": "Välj ett eller flera.",
    "support_innovation_forum_hint": "En workshop där ni möter personal i offentlig sektor.",
    "consent_legend": "Samtycke",
    "consent": (
        "Jag samtycker till att DigitalWell Arena sparar uppgifterna i ansökan och använder dem "
        "för att bedöma ansökan och kontakta mig."
    ),
    "submit": "Skicka ansökan",
    "error_summary_title": "Det finns fel i formuläret",
    # Field errors
    "error_required": "Fyll i fältet.",
    "error_too_long": "Skriv högst {max} tecken.",
    "error_line_too_long": "Varje rad får vara högst {max} tecken.",
    "error_too_many_lines": "Skriv högst {max} rader.",
    "error_target_groups_required": "Skriv minst en målgrupp.",
    "error_org_number_format": "Skriv organisationsnumret som NNNNNN-NNNN eller 10 siffror.",
    "error_org_number_personal": (
        "Det här är inte ett organisationsnummer: den tredje siffran ska vara 2 eller högre. "
        "Personnummer tas inte emot."
    ),
    "error_org_number_checksum": (
        "Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret."
    ),
    "error_email": "Skriv en e-postadress i rätt format, t.ex. namn@exempel.se.",
    "error_phone": "Skriv ett telefonnummer som går att ringa, t.ex. 070-123 45 67.",
    "error_stage": "Välj hur långt ni har kommit.",
    "error_language": "Välj språk.",
    "error_support_required": "Välj minst ett slags stöd.",
    "error_consent_required": "Du behöver samtycka för att vi ska kunna ta emot ansökan.",
    "error_invalid": "Kontrollera fältet.",
    "error_single_line": "Skriv på en rad, utan kontrolltecken.",
    "error_control_characters": "Ta bort kontrolltecknen; radbrytningar och tabbar går bra.",
    # The status page
    "status_title": "Ansökans status",
    "received_title": "Tack! Vi har tagit emot ansökan.",
    "received_body": (
        "Spara länken till den här sidan för att följa ansökan. Du får också ett kvitto via "
        "e-post med en länk för att återkalla ansökan om du skulle vilja det."
    ),
    "withdrawn_banner": "Ansökan är återkallad.",
    "application_id": "Ansökans id",
    "case_number": "Diarienummer",
    "decided_by": "Beslutet fattades av",
    "organisation": "Organisation",
    "idea": "Idé",
    "status": "Status",
    "status_submitted": "Inskickad, väntar på Innovationsrådets bedömning",
    "status_granted": "Beviljad",
    "status_rejected": "Avslagen",
    "status_withdrawn": "Återkallad",
    "timeline": "Händelser",
    "timeline_submitted": "Ansökan skickades in",
    "timeline_granted": "Innovationsrådet beviljade stöd",
    "timeline_rejected": "Innovationsrådet avslog ansökan",
    "timeline_withdrawn": "Ansökan återkallades",
    "support_granted": "Beviljat stöd",
    "motivation": "Motivering",
    "assessment_time": (
        "Innovationsrådets bedömning brukar ta ungefär {weeks} från det att ansökan kom in. Vi "
        "skriver till dig när rådet har fattat beslut."
    ),
    "workshop_title": "Boka din workshop i Innovationsforum",
    "workshop_body": (
        "Beslutet ger en workshop där du möter personal från offentlig sektor som prövar tjänsten "
        "med dig. Formuläret är redan ifyllt med diarienumret."
    ),
    "workshop_link": "Välj tillfälle och boka workshop",
    "follow_title": "Följ ansökan",
    "follow_page": "Den här sidan",
    "follow_json": "Status som JSON, för andra system",
    "not_found_title": "Ansökan hittades inte",
    "not_found_body": "Vi hittar ingen ansökan med det id:t. Kontrollera länken i ditt kvitto.",
    "new_application": "Skicka en ny ansökan",
    # Withdrawal
    "withdraw_title": "Återkalla ansökan",
    "withdraw_intro": (
        "När du återkallar ansökan slutar Innovationsrådet att bedöma den. Det går inte att "
        "ångra, men du kan skicka en ny ansökan senare."
    ),
    "withdraw_reason": "Varför återkallar ni ansökan?",
    "withdraw_reason_hint": "Svaret visas bara för programmet, inte på statussidan.",
    "withdraw_submit": "Återkalla ansökan",
    "withdraw_bad_link_title": "Länken fungerar inte",
    "withdraw_bad_link_body": (
        "Länken för att återkalla ansökan är inte giltig. Använd länken i kvittot du fick via "
        "e-post."
    ),
    "withdraw_already_withdrawn": "Ansökan är redan återkallad.",
    "withdraw_expired_title": "Länken har gått ut",
    "withdraw_already_decided": (
        "Länken för att återkalla ansökan har gått ut, eftersom Innovationsrådet har fattat "
        "beslut om ansökan. Ett beslutat ärende kan inte återkallas; beslutet finns på ansökans "
        "statussida."
    ),
    "back_to_status": "Till ansökans status",
}

EN: dict[str, str] = {
    "site_name": "DigitalWell Arena",
    "switch_language": "På svenska",
    "optional": "(optional)",
    "error_prefix": "Error:",
    "form_title": "Apply for support for a digital service",
    "form_intro": (
        "DigitalWell Arena in Värmland supports companies and entrepreneurs who develop new "
        "digital services for health and welfare. The Innovation Council assesses every "
        "application: is the idea financially viable, and does it fit the needs and systems of "
        "the public sector?"
    ),
    "form_required_note": "Fill in every field that is not marked (optional).",
    "section_organisation": "Your organisation",
    "org_name": "Organisation name",
    "org_number": "Swedish organisation number",
    "org_number_hint": "10 digits, e.g. 556012-5790",
    "section_contact": "Contact person",
    "contact_name": "Full name",
    "contact_email": "Email address",
    "contact_phone": "Phone number",
    "contact_phone_hint": "E.g. 070-123 45 67 or +46 70 123 45 67",
    "contact_language": "Which language should we write to you in?",
    "language_sv": "Swedish (svenska)",
    "language_en": "English",
    "section_idea": "Your idea",
    "title": "Name of the idea or service",
    "summary": "Describe the service briefly",
    "summary_hint": "What is it, and how does it work? At most 5,000 characters.",
    "need": "What need does the service meet, and who benefits?",
    "need_hint": "At most 5,000 characters.",
    "target_groups": "Target groups",
    "target_groups_hint": "One per line, e.g. older people living at home. At most 20 lines.",
    "stage": "How far have you come?",
    "stage_idea": "Idea",
    "stage_prototype": "Prototype",
    "stage_pilot": "Pilot: the service is being tried with users",
    "stage_on_market": "On the market",
    "business_model": "Business model",
    "business_model_hint": (
        "How will the service be paid for, and who pays? At most 5,000 characters."
    ),
    "public_sector_partners": "Public-sector partners",
    "public_sector_partners_hint": "One per line, e.g. Region Värmland. At most 20 lines.",
    "support_requested": "What support are you applying for?",
    "support_requested_hint": "Choose one or more.",
    "support_innovation_forum_hint": "A workshop where you meet public-sector staff.",
    "consent_legend": "Consent",
    "consent": (
        "I agree that DigitalWell Arena stores the information in this application and uses it "
        "to assess the application and to contact me."
    ),
    "submit": "Submit application",
    "error_summary_title": "There is a problem",
    "error_required": "Fill in this field.",
    "error_too_long": "Use at most {max} characters.",
    "error_line_too_long": "Each line can be at most {max} characters.",
    "error_too_many_lines": "Enter at most {max} lines.",
    "error_target_groups_required": "Enter at least one target group.",
    "error_org_number_format": "Enter the organisation number as NNNNNN-NNNN or 10 digits.",
    "error_org_number_personal": (
        "This is not an organisation number: its third digit must be 2 or higher. Personal "
        "identity numbers are not accepted."
    ),
    "error_org_number_checksum": (
        "The check digit (the last digit) is wrong. Check the organisation number."
    ),
    "error_email": "Enter an email address in the correct format, like name@example.com.",
    "error_phone": "Enter a phone number that can be called, like 070-123 45 67.",
    "error_stage": "Choose how far you have come.",
    "error_language": "Choose a language.",
    "error_support_required": "Choose at least one kind of support.",
    "error_consent_required": "You need to give your consent for us to accept the application.",
    "error_invalid": "Check this field.",
    "error_single_line": "Write this on a single line, without control characters.",
    "error_control_characters": "Remove the control characters; line breaks and tabs are fine.",
    "status_title": "Application status",
    "received_title": "Thank you! We have received your application.",
    "received_body": (
        "Keep the link to this page to follow your application. You will also get a receipt "
        "by email, with a link to withdraw the application should you want to."
    ),
    "withdrawn_banner": "The application has been withdrawn.",
    "application_id": "Application id",
    "case_number": "Case number",
    "decided_by": "Decided by",
    "organisation": "Organisation",
    "idea": "Idea",
    "status": "Status",
    "status_submitted": "Submitted, waiting for the Innovation Council's assessment",
    "status_granted": "Granted",
    "status_rejected": "Rejected",
    "status_withdrawn": "Withdrawn",
    "timeline": "Timeline",
    "timeline_submitted": "Application submitted",
    "timeline_granted": "The Innovation Council granted support",
    "timeline_rejected": "The Innovation Council rejected the application",
    "timeline_withdrawn": "Application withdrawn",
    "support_granted": "Support granted",
    "motivation": "Motivation",
    "assessment_time": (
        "The Innovation Council's assessment usually takes about {weeks} from when the "
        "application arrived. We will write to you once the council has made its decision."
    ),
    "workshop_title": "Book your Innovation Forum workshop",
    "workshop_body": (
        "The decision includes a workshop where you meet public-sector staff who try the service "
        "with you. The form is already filled in with the case number."
    ),
    "workshop_link": "Choose a session and book the workshop",
    "follow_title": "Follow your application",
    "follow_page": "This page",
    "follow_json": "Status as JSON, for other systems",
    "not_found_title": "Application not found",
    "not_found_body": "We cannot find an application with that id. Check the link in your receipt.",
    "new_application": "Submit a new application",
    "withdraw_title": "Withdraw your application",
    "withdraw_intro": (
        "When you withdraw the application, the Innovation Council stops assessing it. This "
        "cannot be undone, but you can apply again later."
    ),
    "withdraw_reason": "Why are you withdrawing the application?",
    "withdraw_reason_hint": "Only the programme sees your answer; it is not on the status page.",
    "withdraw_submit": "Withdraw application",
    "withdraw_bad_link_title": "The link does not work",
    "withdraw_bad_link_body": (
        "The link to withdraw the application is not valid. Use the link in the receipt we "
        "emailed you."
    ),
    "withdraw_already_withdrawn": "The application has already been withdrawn.",
    "withdraw_expired_title": "This link has expired",
    "withdraw_already_decided": (
        "The link to withdraw the application has expired, because the Innovation Council has "
        "decided on the application. A decided application cannot be withdrawn; the decision "
        "is on the application's status page."
    ),
    "back_to_status": "Back to the application's status",
}
