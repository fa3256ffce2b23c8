"""The mail sink's memory: parsing into Mailpit's shapes, part ids, search terms, the bound."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from digitalwell_devstack.mailbox import (
    Mailbox,
    StoredMessage,
    Term,
    canonical_header_name,
    parse_message,
    parse_query,
    received_now,
)

RECEIVED = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def _stored(
    *, to: str = "asa@example.se", subject: str = "Hej", envelope_to: list[str] | None = None
) -> StoredMessage:
    message = EmailMessage()
    message["From"] = "DigitalWell <noreply@digitalwell.se>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
    message.set_content("Din ansökan är mottagen.\n")
    return parse_message(
        message.as_bytes(),
        envelope_from="bounce@digitalwell.se",
        envelope_to=envelope_to or [to],
        received=RECEIVED,
    )


def test_a_message_summary_has_mailpits_fields():
    summary = _stored().summary()

    assert summary["From"] == {"Name": "DigitalWell", "Address": "noreply@digitalwell.se"}
    assert summary["To"] == [{"Name": "", "Address": "asa@example.se"}]
    assert summary["Created"] == "2026-11-23T09:30:00.000Z"
    assert summary["Snippet"] == "Din ansökan är mottagen."
    assert summary["Read"] is False
    assert summary["Attachments"] == 0
    assert summary["Tags"] == []


def test_the_full_message_takes_its_date_from_the_header_and_return_path_from_the_envelope():
    detail = _stored().detail()

    assert detail["Date"] == "2026-11-23T10:00:00.000+01:00"
    assert detail["ReturnPath"] == "bounce@digitalwell.se"
    assert detail["Text"] == "Din ansökan är mottagen.\n"
    assert detail["HTML"] == ""


def test_a_message_without_a_message_id_gets_one():
    stored = _stored()

    assert stored.message_id == f"{stored.id}@mailpit"
    assert stored.headers()["Message-Id"] == [f"<{stored.id}@mailpit>"]


def test_envelope_recipients_no_header_names_are_blind_copies():
    stored = _stored(envelope_to=["asa@example.se", "Registrator@Region.se"])

    assert [a.address for a in stored.bcc] == ["Registrator@Region.se"]


def test_attachments_get_enmimes_part_ids():
    message = EmailMessage()
    message["To"] = "asa@example.se"
    message.set_content("text")
    message.add_alternative("<p>html</p>", subtype="html")
    message.add_attachment(b"ics", maintype="text", subtype="calendar", filename="forum.ics")
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="a.pdf")

    stored = parse_message(message.as_bytes(), envelope_from="", envelope_to=[], received=RECEIVED)

    assert [(p.part_id, p.file_name) for p in stored.attachments] == [
        ("2", "forum.ics"),
        ("3", "a.pdf"),
    ]
    part = stored.part("3")
    assert part is not None
    assert part.content == b"%PDF"
    assert stored.text == "text\n"
    assert stored.html == "<p>html</p>\n"


def test_header_names_are_canonical_as_in_go():
    assert canonical_header_name("MESSAGE-ID") == "Message-Id"
    assert canonical_header_name("x-mailer") == "X-Mailer"


def test_quotes_group_words_and_a_dash_negates():
    assert parse_query('to:asa@example.se subject:"två ord" -has:attachment frukost') == [
        Term("to", "asa@example.se"),
        Term("subject", "två ord"),
        Term("has", "attachment", negated=True),
        Term("text", "frukost"),
    ]


def test_words_without_letters_or_digits_are_ignored():
    assert parse_query("- ! ...") == []


def test_search_matches_address_names_and_subjects_in_any_case():
    mailbox = Mailbox()
    first = _stored(to="Åsa Öberg <asa@example.se>", subject="Inbjudan till Forum")
    second = _stored(to="per@example.se", subject="Beslut")
    mailbox.add(first)
    mailbox.add(second)

    assert mailbox.search("to:ÅSA") == [first]
    assert mailbox.search("subject:inbjudan") == [first]
    assert mailbox.search("!subject:inbjudan") == [second]
    assert mailbox.search("mottagen") == [second, first]
    assert mailbox.search("is:unread") == [second, first]


def test_the_mailbox_keeps_the_newest_messages_up_to_its_capacity():
    mailbox = Mailbox(capacity=2)
    messages = [_stored(subject=f"nr {n}") for n in range(3)]
    for message in messages:
        mailbox.add(message)

    assert mailbox.newest_first() == [messages[2], messages[1]]
    assert mailbox.get(messages[0].id) is None
    assert mailbox.get("latest") is messages[2]


def test_deleting_some_messages_keeps_the_others():
    mailbox = Mailbox()
    keep, drop = _stored(), _stored()
    mailbox.add(keep)
    mailbox.add(drop)

    mailbox.delete([drop.id, "no-such-id"])

    assert mailbox.newest_first() == [keep]


def test_a_journalled_mailbox_replays_its_mail_and_deletions_and_skips_a_torn_line(tmp_path):
    journal = tmp_path / "mail" / "messages.jsonl"
    first = Mailbox(journal=journal)
    kept = first.receive(
        b"Message-ID: <a@x>\r\nSubject: A\r\n\r\nbody\r\n",
        envelope_from="n@x",
        envelope_to=["p@x"],
        received=received_now(),
    )
    gone = first.receive(
        b"Subject: B\r\n\r\nbody\r\n",
        envelope_from="n@x",
        envelope_to=["p@x"],
        received=received_now(),
    )
    first.delete([gone.id])
    with journal.open("a") as file:
        file.write('{"op": "add", "raw": "cut sh')

    second = Mailbox(journal=journal)

    assert [m.id for m in second.newest_first()] == [kept.id]
    assert second.get(kept.id).subject == "A"
