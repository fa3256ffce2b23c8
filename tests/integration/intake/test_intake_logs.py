"""intake's log output, as production writes it, holds no applicant's name, e-mail or phone."""

from __future__ import annotations

import pytest

from tests.support.intake import application_body, form_data, form_fields, running_intake, settings
from tests.support.logs import captured_logs
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration


async def test_submitting_and_refusing_applications_logs_no_personal_data(
    intake_kafka: str, mongodb_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    body = application_body()
    contact = body["contact"]
    contact |= {"name": "Åsa Öberg-Lindqvist", "phone": "070-987 65 43"}
    refused = application_body(title=" ")
    refused["contact"] = contact | {"email": f"not-an-address {contact['email']}"}
    by_form = application_body(contact=contact | {"email": f"form.{contact['email']}"})

    with captured_logs(capsys, "intake") as logs:
        async with running_intake(settings(intake_kafka, mongodb_url)) as intake:
            accepted = await intake.client.post("/api/v1/applications", json=body)
            invalid = await intake.client.post("/api/v1/applications", json=refused)
            from_page = await intake.client.post(
                "/applications", data=form_data(form_fields(by_form))
            )
            # Logged by the use case as each submission commits: the positive signal.
            await until_true(lambda: logs.has("application submitted", count=2))

    assert accepted.status_code == 201
    assert invalid.status_code == 422
    assert from_page.status_code == 303
    assert len(logs.lines) > 2
    for personal in (
        contact["email"],
        "Öberg",
        "Lindqvist",
        "987 65 43",
        "+46709876543",
    ):
        assert personal not in logs.text, personal
