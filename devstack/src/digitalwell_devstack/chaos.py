"""The mail sink's chaos triggers: SMTP errors on demand, through Mailpit's own chaos API.

Mailpit (``--enable-chaos``) answers ``GET``/``PUT /api/v1/chaos`` with triggers that make its
SMTP server refuse senders or recipients with a chosen code, some percentage of the time. The
embedded sink answers the same shapes, so a fault trial can make "the relay refuses" happen the
same way against either (a 421 to every sender is a relay refusing service).
"""

from __future__ import annotations

import random
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

CHAOS_MESSAGE = "Chaos trigger: the sink refuses this for now"


class Trigger(BaseModel):
    """One of Mailpit's chaos triggers: answer ``ErrorCode`` this percentage of the time."""

    model_config = ConfigDict(extra="forbid")

    # Mailpit's field names, as its API spells them.
    ErrorCode: Annotated[int, Field(ge=400, le=599)] = 451
    Probability: Annotated[int, Field(ge=0, le=100)] = 0

    def fires(self) -> bool:
        """True when this command should be refused now."""
        return self.Probability > 0 and random.uniform(0, 100) < self.Probability  # noqa: S311 -- chaos, not security


class Triggers(BaseModel):
    """What ``/api/v1/chaos`` reads and writes; an unknown trigger is a 422 naming it."""

    model_config = ConfigDict(extra="forbid")

    Sender: Trigger = Trigger()
    Recipient: Trigger = Trigger()
    Authentication: Trigger = Trigger()
    """Kept for Mailpit's shape; the sink asks for no authentication, so it never fires."""


class Chaos:
    """The triggers in force; the SMTP handler asks them before it accepts a command."""

    def __init__(self) -> None:
        self.triggers = Triggers()

    def sender_refusal(self) -> str | None:
        """The reply to MAIL FROM while the Sender trigger fires, else None."""
        return self._refusal(self.triggers.Sender)

    def recipient_refusal(self) -> str | None:
        """The reply to RCPT TO while the Recipient trigger fires, else None."""
        return self._refusal(self.triggers.Recipient)

    @staticmethod
    def _refusal(trigger: Trigger) -> str | None:
        return f"{trigger.ErrorCode} {CHAOS_MESSAGE}" if trigger.fires() else None


def chaos_routes(chaos: Chaos) -> APIRouter:
    """``GET`` and ``PUT /api/v1/chaos``, as Mailpit answers them."""
    router = APIRouter(prefix="/api/v1")

    @router.get("/chaos")
    async def get_chaos() -> Triggers:
        return chaos.triggers

    @router.put("/chaos")
    async def set_chaos(triggers: Triggers) -> Triggers:
        chaos.triggers = triggers
        return chaos.triggers

    return router
