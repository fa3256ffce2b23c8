"""forum's pages and refusals in English."""

from __future__ import annotations

EN: dict[str, str] = {
    "site_name": "DigitalWell Arena",
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
    "error_series": "Check the dates: {detail}",
    "error_date_format": "Write each date and time as 2027-04-20 09:00-16:00, one per line.",
}
