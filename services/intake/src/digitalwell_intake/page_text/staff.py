"""Every word intake's staff pages say (sign-in, start page, register, accounts), sv and en.

The refusals of the use cases stay English for logs and the API; a page tells each by its kind.
"""

from __future__ import annotations

SV: dict[str, str] = {
    "site": "DigitalWell personal",
    "home_title": "Personal",
    "welcome": "Välkommen, {name}",
    "signed_in_everywhere": (
        "Du är inloggad i alla DigitalWells tjänster tills du loggar ut eller sessionen tar slut."
    ),
    "register_link": "Register över ansökningar",
    "password_link": "Byt lösenord",
    "totp_link": "Ställ in engångskoder (autentiseringsapp)",
    "accounts_link": "Personalkonton",
    "link_council": "Rådet: ärenden och rapporter",
    "link_forum": "Forum: tillfällen och bokningar",
    "link_notify": "E-postlogg",
    "register_title": "Register över ansökningar",
    "status": "Status",
    "any_status": "Alla",
    "show": "Visa",
    "register_caption": "Senaste först; högst 200. Tiderna är svensk tid.",
    "case_number": "Diarienummer",
    "title": "Titel",
    "organisation": "Organisation",
    "received": "Inkom",
    "no_applications": "Inga ansökningar.",
    "app_status_submitted": "inkommen",
    "app_status_granted": "beviljad",
    "app_status_rejected": "avslagen",
    "app_status_withdrawn": "återkallad",
    "accounts_title": "Personalkonton",
    "accounts_intro": (
        "Att stänga av ett konto eller sätta ett nytt lösenord avslutar personens sessioner i "
        "alla tjänster inom några sekunder."
    ),
    "name": "Namn",
    "email": "E-postadress",
    "roles": "Roller",
    "state": "Läge",
    "actions": "Åtgärder",
    "active": "aktivt",
    "disabled": "avstängt",
    "enable": "Aktivera",
    "disable": "Stäng av",
    "new_password": "Nytt lösenord",
    "set_password": "Sätt lösenord",
    "done_disable": "{email}: avstängt.",
    "done_enable": "{email}: aktiverat.",
    "done_password": "{email}: har fått ett nytt lösenord.",
    "not_changed": (
        "Inte ändrat: lösenordet kan inte användas (minst 12 tecken, inte demolösenordet)."
    ),
    "password_title": "Byt lösenord",
    "password_intro": "Bytet loggar ut dig överallt annars; den här webbläsaren förblir inloggad.",
    "current_password": "Nuvarande lösenord",
    "new_password_long": "Nytt lösenord (minst 12 tecken)",
    "change_password": "Byt lösenord",
    "password_kept_by_region": "Ditt lösenord hanteras av regionens inloggning.",
    "current_password_wrong": "Det nuvarande lösenordet stämmer inte.",
    "sign_in_title": "Logga in",
    "sign_in_intro": (
        "För programmets personal: ansökningshandläggare, Innovationsrådet, forumets samordnare "
        "och administratörer."
    ),
    "email_address": "E-postadress",
    "password": "Lösenord",
    "one_time_code": "Engångskod",
    "one_time_code_hint": "(om du har ställt in en autentiseringsapp)",
    "sign_in": "Logga in",
    "form_expired": "Inloggningsformuläret hade gått ut. Logga in igen.",
    "enter_email_and_password": "Skriv din e-postadress och ditt lösenord.",
    "throttled": "För många försök. Vänta {seconds} sekunder och försök igen.",
    "sign_in_refused": "Inloggningen misslyckades: fel e-postadress, lösenord eller engångskod.",
    "sign_in_failed_title": "Inloggningen misslyckades",
    "sign_in_failed_text": (
        "Regionens inloggning godtogs inte. Försök igen; om det fortsätter, be regionens "
        "IT-support kontrollera dina DigitalWell-roller."
    ),
    "try_again": "Försök igen",
    "region_no_role": "Regionens inloggning anger ingen DigitalWell-roll för dig.",
    "totp_title": "Ställ in engångskoder",
    "totp_intro": (
        "Skanna koden med en autentiseringsapp och skriv sedan in den sexsiffriga kod den visar."
    ),
    "totp_by_hand": "Eller lägg in den här adressen i appen för hand:",
    "code_from_app": "Kod från appen",
    "confirm": "Bekräfta",
    "not_enrolled": "Inte inställt",
    "code_refused": "Koden stämmer inte eller har redan använts.",
    "enrolled_title": "Autentiseringsappen är inställd",
    "enrolled_text": "Från och med nu frågar inloggningen efter en kod från den.",
    "not_signed_in": "Inte inloggad",
    "sign_in_again": "Logga in igen",
    "back_to_start": "Tillbaka till personalens startsida",
}

EN: dict[str, str] = {
    "site": "DigitalWell staff",
    "home_title": "Staff",
    "welcome": "Welcome, {name}",
    "signed_in_everywhere": (
        "You are signed in on every DigitalWell service until you sign out or the session ends."
    ),
    "register_link": "Register of applications",
    "password_link": "Change your password",
    "totp_link": "Set up one-time codes (authenticator app)",
    "accounts_link": "Staff accounts",
    "link_council": "Council: cases and reports",
    "link_forum": "Forum: sessions and bookings",
    "link_notify": "E-mail delivery log",
    "register_title": "Register of applications",
    "status": "Status",
    "any_status": "Any",
    "show": "Show",
    "register_caption": "Newest first; at most 200. Times are Swedish time.",
    "case_number": "Case number",
    "title": "Title",
    "organisation": "Organisation",
    "received": "Received",
    "no_applications": "No applications.",
    "app_status_submitted": "submitted",
    "app_status_granted": "granted",
    "app_status_rejected": "rejected",
    "app_status_withdrawn": "withdrawn",
    "accounts_title": "Staff accounts",
    "accounts_intro": (
        "Disabling an account or setting a new password ends that person's sessions in every "
        "service within seconds."
    ),
    "name": "Name",
    "email": "E-mail",
    "roles": "Roles",
    "state": "State",
    "actions": "Actions",
    "active": "active",
    "disabled": "disabled",
    "enable": "Enable",
    "disable": "Disable",
    "new_password": "New password",
    "set_password": "Set password",
    "done_disable": "{email}: disabled.",
    "done_enable": "{email}: enabled.",
    "done_password": "{email}: given a new password.",
    "not_changed": (
        "Not changed: the password cannot be used (12 characters or more, not the demo password)."
    ),
    "password_title": "Change your password",
    "password_intro": "Changing it signs you out everywhere else; this browser stays signed in.",
    "current_password": "Current password",
    "new_password_long": "New password (12 characters or more)",
    "change_password": "Change password",
    "password_kept_by_region": "Your password is kept by the region's sign-in.",
    "current_password_wrong": "The current password is not right.",
    "sign_in_title": "Sign in",
    "sign_in_intro": (
        "For the programme's staff: intake officers, the Innovation Council, forum coordinators "
        "and administrators."
    ),
    "email_address": "E-mail address",
    "password": "Password",
    "one_time_code": "One-time code",
    "one_time_code_hint": "(if you have set up an authenticator app)",
    "sign_in": "Sign in",
    "form_expired": "The sign-in form had expired. Please sign in again.",
    "enter_email_and_password": "Enter your e-mail address and password.",
    "throttled": "Too many attempts. Wait {seconds} seconds and try again.",
    "sign_in_refused": "Sign-in failed: wrong e-mail address, password or one-time code.",
    "sign_in_failed_title": "Sign-in failed",
    "sign_in_failed_text": (
        "The region's sign-in was not accepted. Try again; if it keeps failing, ask the region's "
        "IT service desk to check your DigitalWell roles."
    ),
    "try_again": "Try again",
    "region_no_role": "The region's sign-in lists no DigitalWell role for you.",
    "totp_title": "Set up one-time codes",
    "totp_intro": (
        "Scan this code with an authenticator app, then enter the six-digit code it shows."
    ),
    "totp_by_hand": "Or add this address to the app by hand:",
    "code_from_app": "Code from the app",
    "confirm": "Confirm",
    "not_enrolled": "Not enrolled",
    "code_refused": "The code is not right or has been used already.",
    "enrolled_title": "Authenticator app enrolled",
    "enrolled_text": "From now on, signing in asks for a code from it.",
    "not_signed_in": "Not signed in",
    "sign_in_again": "Sign in again",
    "back_to_start": "Back to the staff start page",
}
