"""council's staff pages in Swedish, the council's working language (see page_text)."""

from __future__ import annotations

SV: dict[str, str] = {
    "site_title": "DigitalWell · Innovationsrådet",
    "title_suffix": "DigitalWell Innovationsrådet",
    "nav_cases": "Ärenden",
    "nav_meeting": "Sammanträde",
    "nav_reports": "Rapporter",
    # the queue
    "cases_title": "Ärenden",
    "filter_label": "Filtrera ärendena",
    "status": "Status",
    "any_status": "alla",
    "order": "Ordning",
    "oldest_first": "äldsta först",
    "newest_first": "nyaste först",
    "show": "Visa",
    "cases_region": "Ärenden",
    "cases_caption": "{count} ärenden{status}, {order}. Ålder är dagar sedan ansökan kom in.",
    "cases_caption_one": "1 ärende{status}, {order}. Ålder är dagar sedan ansökan kom in.",
    "case_number": "Diarienummer",
    "application": "Ansökan",
    "age_days": "Ålder (dagar)",
    "members_scored": "Ledamöter som bedömt",
    "submitted": "Inkom",
    "no_cases": "Inga ärenden.",
    "no_cases_with_status": "Inga ärenden med den statusen.",
    # statuses, actions, criteria
    "status_new": "Nytt",
    "status_under_assessment": "Under bedömning",
    "status_decided": "Beslutat",
    "status_withdrawn": "Återkallat",
    "action_opened": "Ärendet öppnades",
    "action_scored": "Bedömde",
    "action_conflict_declared": "Anmälde jäv",
    "action_decided": "Beslutade",
    "action_withdrawn": "Återkallat av den sökande",
    "criterion_need": "Behov",
    "criterion_viability": "Ekonomisk bärkraft",
    "criterion_public_sector_fit": "Passar offentlig sektor",
    "criterion_innovation": "Nyhetsvärde",
    "criterion_feasibility": "Genomförbarhet och team",
    "question_need": "Behovet och vem som har nytta av det, med användarens egna förmågor i fokus.",
    "question_viability": (
        "Kan det bli en ekonomiskt bärkraftig produkt eller tjänst? Håller affärsmodellen?"
    ),
    "question_public_sector_fit": "Passar det offentlig sektors behov och system?",
    "question_innovation": "Hur nytt är det, jämfört med det som redan finns?",
    "question_feasibility": (
        "Kan teamet genomföra det, med den tid, kompetens och de medel de har?"
    ),
    "stage_idea": "idé",
    "stage_prototype": "prototyp",
    "stage_pilot": "pilot",
    "stage_on_market": "på marknaden",
    # the case page
    "all_cases": "← Alla ärenden",
    "problem_form": "Det finns fel i det du skickade",
    "problem_action": "Det gick inte att göra",
    "notice_scored": "Dina bedömningar är sparade.",
    "notice_conflict": "Ditt jäv är registrerat. Du ser inte längre ärendets bedömningar.",
    "notice_decided": "Beslutet är registrerat och beslutsbrevet är på väg till den sökande.",
    "application_id": "Ansökans id",
    "submitted_ago": "{when} (för {days} dagar sedan)",
    "submitted_ago_one": "{when} (för 1 dag sedan)",
    "withdrawn": "Återkallat",
    "decision": "Beslut",
    "granted": "Beviljad",
    "rejected": "Avslagen",
    "support_granted": "Beviljat stöd",
    "motivation": "Motivering",
    "decided_by": "Beslutat av",
    "assessed_by": "Bedömt av",
    "the_application": "Ansökan",
    "organisation": "Organisation",
    "contact": "Kontaktperson",
    "writes_in_sv": "skriver på svenska",
    "writes_in_en": "skriver på engelska",
    "summary": "Sammanfattning",
    "need": "Behov och vem som har nytta",
    "target_groups": "Målgrupper",
    "stage": "Skede",
    "business_model": "Affärsmodell",
    "partners": "Partner i offentlig sektor",
    "none_named": "inga angivna",
    "support_requested": "Sökt stöd",
    "assessment": "Bedömning",
    "conflicts_declared": ("Har anmält jäv (ser inte bedömningarna och deltar inte i beslutet):"),
    "your_conflict": (
        "Du har anmält jäv i ärendet, så dess bedömningar visas inte för dig och du deltar inte "
        "i bedömningen eller beslutet."
    ),
    "independent_note": (
        "Varje ledamot bedömer på egen hand: du ser de andra ledamöternas poäng och kommentarer, "
        "och medelvärden och spridning, när du själv har bedömt alla kriterier."
    ),
    "scores_region": "Bedömningar",
    "scores_caption_all": (
        "Poäng från 1 (svagt) till 5 (starkt). Spridningen är den lägsta och högsta poängen."
    ),
    "scores_caption_own": "Dina poäng hittills, från 1 (svagt) till 5 (starkt).",
    "criterion": "Kriterium",
    "mean": "Medel",
    "spread": "Spridning (min\N{EN DASH}max)",
    "not_scored": "inte bedömt",
    "nobody_scored": "Ingen ledamot har bedömt ärendet än.",
    "you_not_scored": "Du har inte bedömt ärendet än.",
    "quorum": "Beslutförhet",
    "quorum_reached": (
        "Rådet är beslutfört: {complete} av de {required} fullständiga bedömningar som krävs "
        "(alla kriterier bedömda av en ledamot utan jäv). Ordföranden kan besluta."
    ),
    "quorum_short": (
        "Beslutet kräver {required} fullständiga bedömningar (alla kriterier bedömda av en "
        "ledamot utan jäv); {complete} finns, {missing} till behövs."
    ),
    "begun": "Påbörjade men inte klara:",
    "criteria_left": "{criteria} kvar",
    "not_scored_yet": "Inte bedömt än",
    "of_criteria_left": "{left} av {total} kriterier kvar",
    "everyone_scored": "Alla ledamöter utan jäv har bedömt alla kriterier.",
    "your_scores": "Dina bedömningar",
    "score_intro": (
        "Bedöm varje kriterium från 1 (svagt) till 5 (starkt), med dina skäl. Du kan komma "
        "tillbaka och ändra: den senaste bedömningen gäller, och den tidigare finns kvar i "
        "händelseloggen. Ett kriterium du lämnar tomt behåller den poäng du gav förut."
    ),
    "score_for": "Poäng för {criterion}",
    "comment_on": "Kommentar om {criterion}",
    "save_scores": "Spara mina bedömningar",
    "conflict_title": "Jäv",
    "conflict_intro": (
        "Om du har en koppling till den sökande som kan göra dig partisk, anmäl jäv. Du ser då "
        "inte längre ärendets bedömningar och deltar inte i bedömningen eller beslutet. Det går "
        "inte att ångra."
    ),
    "conflict_note": "Vad jävet gäller (valfritt, sparas i händelseloggen)",
    "declare_conflict": "Anmäl jäv…",
    "confirm_first": "Du får bekräfta innan något registreras.",
    "decide_later": (
        "Ärendet kan beslutas när {required} ledamöter utan jäv har bedömt alla kriterier "
        '(se <a href="#quorum">Beslutförhet</a>).'
    ),
    "decision_intro": (
        "Motiveringen skrivs till den sökande i beslutsbrevet, som också säger hur man begär "
        "omprövning. Besluta en gång: ett beslut kan inte ändras här."
    ),
    "support_hint": (
        "Vid bifall: välj varje stödform som ges och skriv vad den består av. Vid avslag: välj "
        "ingen."
    ),
    "support_consists_of": "Vad {support} består av",
    "consists_of": "Vad stödet består av",
    "motivation_label": "Motivering till den sökande",
    "motivation_hint": "Skälen för beslutet, med ord som den sökande förstår.",
    "record_decision": "Registrera beslutet",
    "case_closed": "Ärendet är {status}: det kan inte längre bedömas eller beslutas.",
    "audit": "Händelselogg",
    "audit_caption": "Vem som gjorde vad och när (svensk tid). Posterna ändras aldrig.",
    "when": "När",
    "who": "Vem",
    "what": "Vad",
    "details": "Detaljer",
    # form errors and refusals
    "error_required": "Fyll i fältet.",
    "error_too_long": "Texten är för lång.",
    "error_score": "Välj en poäng från 1 till 5.",
    "error_decision": "Välj beviljad eller avslagen.",
    "error_invalid": "Kontrollera fältet.",
    "error_single_line": "Skriv på en rad, utan kontrolltecken.",
    "error_control_characters": "Ta bort kontrolltecknen; radbrytningar och tabbar går bra.",
    "error_support_needed": "Välj minst en stödform när ansökan beviljas.",
    "error_support_none": "Välj ingen stödform när ansökan avslås.",
    "error_nothing_scored": "Ge poäng och en kommentar på minst ett kriterium.",
    "refusal_conflict": "Du har anmält jäv i ärendet, så du kan inte bedöma eller besluta det.",
    "refusal_already_conflicted": "Du har redan anmält jäv i ärendet.",
    "refusal_closed": "Ärendet är avslutat och kan inte längre ändras.",
    "refusal_decided": "Ärendet är redan beslutat: ett beslut fattas en gång.",
    "refusal_quorum": (
        "Ärendet kan inte beslutas än: fler ledamöter utan jäv behöver bedöma alla kriterier "
        "(se Beslutförhet)."
    ),
    "refusal_changed": "Ärendet ändrades medan du beslutade. Ladda om sidan och titta igen.",
    "refusal_other": "Det gick inte att göra. Ladda om sidan och försök igen.",
    # not found, conflict confirmation
    "not_found_title": "Ärendet finns inte",
    "not_found_text": "Inget ärende har id:t {case_id}.",
    "back_to_cases": "Tillbaka till ärendena",
    "confirm_conflict_title": "Bekräfta ditt jäv",
    "confirm_conflict_heading": "Anmäla jäv i {case}?",
    "back_to_case": "← Tillbaka till ärendet",
    "already_conflicted": "Du har redan anmält jäv i ärendet.",
    "confirm_conflict_text": (
        "När du bekräftar ser du inte längre ärendets poäng och kommentarer, du kan inte bedöma "
        "det och du deltar inte i beslutet. Poäng du gett tidigare slutar räknas. Det går inte "
        "att ångra."
    ),
    "confirm_conflict_button": "Ja, anmäl mitt jäv",
    "confirm_conflict_back": "Nej, tillbaka till ärendet",
    # the meeting
    "meeting_title": "Rådets sammanträde",
    "meeting_intro": (
        "Ärenden klara för beslut: vart och ett har fullständiga bedömningar (alla kriterier) "
        "från minst {quorum} ledamöter utan jäv och är inte beslutat än. Poängen går från 1 "
        "(svagt) till 5 (starkt); spridningen är den lägsta och högsta poängen."
    ),
    "meeting_case": (
        "{organisation} · inkom {when} ({days} dagar sedan) · {complete} fullständiga bedömningar"
    ),
    "meeting_begun": ", {count} påbörjade",
    "meeting_conflict": (
        "Du har anmält jäv i ärendet: dess poäng visas inte för dig och en annan ordförande "
        "beslutar det."
    ),
    "scores_on": "Poäng för {case}",
    "scores_on_caption": "Poäng för {case} per kriterium",
    "scored_by": "Bedömt av",
    "read_and_decide": "Läs {case} och besluta",
    "meeting_empty": (
        "Inget ärende är klart för beslut: inget har nått beslutförheten på {quorum} "
        "fullständiga bedömningar än."
    ),
    # reports
    "reports_title": "Rapporter",
    "reports_intro": (
        "Det programmet redovisar: ansökningar som kommit in, återkallats och beslutats, "
        "beviljat stöd per stödform och mediantiden i dagar från ansökan till beslut. "
        "Perioderna följer svensk tid (Europe/Stockholm); ett beslut räknas i den period det "
        "fattades."
    ),
    "period_label": "Period",
    "per_month": "Per månad",
    "per_year": "Per år",
    "download_csv": "Ladda ner som CSV",
    "figures_per_month": "Siffror per månad",
    "figures_per_year": "Siffror per år",
    "caption_month": "Per månad, senaste först",
    "caption_year": "Per år, senaste först",
    "month": "Månad",
    "year": "År",
    "received": "Inkomna",
    "withdrawn_count": "Återkallade",
    "decided": "Beslutade",
    "granted_count": "Beviljade",
    "rejected_count": "Avslagna",
    "median_days": "Median dagar till beslut",
    "no_applications": "Inga ansökningar än.",
}
