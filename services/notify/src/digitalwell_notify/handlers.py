"""notify's subscribers: each event becomes the e-mails it calls for, once."""

from __future__ import annotations

from digitalwell_notify.usecases import EmailComposer
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Session
from digitalwell_shared.service import Runtime


def register_handlers(runtime: Runtime, composer: EmailComposer) -> None:
    """Subscribe notify's consumer group to the events it writes e-mails for."""

    @runtime.consume(ApplicationSubmitted, description="Sends the applicant a receipt.")
    async def on_application_submitted(
        event: ApplicationSubmitted, envelope: Envelope, session: Session
    ) -> None:
        await composer.application_received(event, envelope, session)
