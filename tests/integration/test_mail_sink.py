"""The mail sink through Mailpit's API: what was sent reads back, files download, search, delete."""

from __future__ import annotations

import uuid
from email.message import EmailMessage

import aiosmtplib
import httpx

from digitalwell_devstack.smtp_sink import BackgroundMailSink, MailSink
from tests.support.mail import MailSinkClient, sent_to

SENDER = "DigitalWell Arena <noreply@digitalwellarena.se>"
CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//DigitalWell//Forum//SV\r\nEND:VCALENDAR\r\n"
)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _address(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.se"


def _receipt(to: str, subject: str = "Vi har tagit emot din ansökan") -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = f"Åsa Öberg <{to}>"
    message["Subject"] = subject
    message.set_content("Hej Åsa,\n\nvi har tagit emot din ansökan om stöd.\n")
    message.add_alternative("<p>Hej <b>Åsa</b>, vi har tagit emot din ansökan.</p>", subtype="html")
    return message


async def _send(sink: MailSinkClient, message: EmailMessage) -> None:
    await aiosmtplib.send(message, hostname=sink.smtp_host, port=sink.smtp_port)


async def test_a_sent_message_reads_back_with_its_parts_and_headers(mail_sink: MailSinkClient):
    to = _address("applicant")
    await _send(mail_sink, _receipt(to))

    found = await mail_sink.wait_for_message(sent_to(to))

    assert found["Subject"] == "Vi har tagit emot din ansökan"
    assert found["From"] == {"Name": "DigitalWell Arena", "Address": "noreply@digitalwellarena.se"}
    assert found["To"] == [{"Name": "Åsa Öberg", "Address": to}]
    assert "vi har tagit emot din ansökan om stöd." in found["Text"]
    assert "<b>Åsa</b>" in found["HTML"]
    assert found["Attachments"] == []
    headers = await mail_sink.headers(found["ID"])
    assert headers["From"] == [SENDER]
    assert to in headers["To"][0]
    assert headers["Message-Id"] == [f"<{found['MessageID']}>"]


async def test_reading_a_message_marks_it_read(mail_sink: MailSinkClient):
    to = _address("reader")
    await _send(mail_sink, _receipt(to))
    found = await mail_sink.wait_for_message(sent_to(to))

    [summary] = await mail_sink.search(f"to:{to}")

    assert summary["ID"] == found["ID"]
    assert summary["Read"] is True


async def test_attachments_are_listed_and_download_byte_for_byte(mail_sink: MailSinkClient):
    to = _address("granted")
    message = _receipt(to, subject="Inbjudan till Innovation Forum")
    message.add_attachment(CALENDAR, maintype="text", subtype="calendar", filename="forum.ics")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="beslut.pdf")
    await _send(mail_sink, message)

    found = await mail_sink.wait_for_message(sent_to(to))

    listed = {a["FileName"]: a for a in found["Attachments"]}
    assert set(listed) == {"forum.ics", "beslut.pdf"}
    assert listed["forum.ics"]["ContentType"] == "text/calendar"
    assert listed["beslut.pdf"]["ContentType"] == "application/pdf"
    assert listed["beslut.pdf"]["Size"] == len(PDF)
    assert await mail_sink.part(found["ID"], listed["beslut.pdf"]["PartID"]) == PDF
    assert await mail_sink.part(found["ID"], listed["forum.ics"]["PartID"]) == CALENDAR
    [summary] = await mail_sink.search(f"to:{to}")
    assert summary["Attachments"] == 2


async def test_search_finds_by_recipient_subject_and_text_newest_first(
    mail_sink: MailSinkClient,
):
    to = _address("searcher")
    await _send(mail_sink, _receipt(to, subject="Inbjudan till frukostmöte"))
    await _send(mail_sink, _receipt(to, subject="Ditt beslut från Innovationsrådet"))
    await mail_sink.wait_for_message(lambda m: m["Subject"].startswith("Ditt beslut"))

    everything = await mail_sink.search(f"to:{to}")
    invitation = await mail_sink.search(f'to:{to} subject:"till frukostmöte"')
    not_invitation = await mail_sink.search(f"to:{to} -subject:Inbjudan")
    by_text = await mail_sink.search(f"to:{to} ansökan om stöd")

    assert [m["Subject"] for m in everything] == [
        "Ditt beslut från Innovationsrådet",
        "Inbjudan till frukostmöte",
    ]
    assert [m["Subject"] for m in invitation] == ["Inbjudan till frukostmöte"]
    assert [m["Subject"] for m in not_invitation] == ["Ditt beslut från Innovationsrådet"]
    assert len(by_text) == 2
    assert await mail_sink.search(f"to:{_address('nobody')}") == []


async def test_deleting_all_messages_empties_the_mailbox(mail_sink: MailSinkClient):
    to = _address("deleted")
    await _send(mail_sink, _receipt(to))
    await mail_sink.wait_for_message(sent_to(to))

    await mail_sink.delete_all()

    assert await mail_sink.messages() == []


async def test_the_page_lists_messages_and_shows_headers_text_and_sandboxed_html():
    # The pages are the embedded sink's own, so this runs against one, never against Mailpit.
    with BackgroundMailSink(MailSink(smtp_port=0, http_port=0)) as sink:
        to = _address("page")
        message = _receipt(to)
        await aiosmtplib.send(message, hostname=sink.host, port=sink.smtp_port)
        async with httpx.AsyncClient(base_url=sink.api_url, trust_env=False) as client:
            listing = (await client.get("/")).text
            [summary] = (await client.get("/api/v1/messages")).json()["messages"]
            page = (await client.get(f"/view/{summary['ID']}")).text

    assert "Vi har tagit emot din ansökan" in listing
    assert f'href="/view/{summary["ID"]}"' in listing
    assert to in page
    assert "vi har tagit emot din ansökan om stöd." in page
    assert '<iframe sandbox="allow-popups allow-popups-to-escape-sandbox"' in page
    assert 'srcdoc="&lt;base target=&quot;_blank&quot;&gt;&lt;p&gt;Hej &lt;b&gt;Åsa' in page
