"""The base of every integration event: its topic, CloudEvents type and key."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

CE_TYPE_PREFIX = "se.digitalwell"


class IntegrationEvent(BaseModel):
    """An event published on Kafka: a public, versioned contract.

    Subclasses set ``topic`` (one topic per event type and major version),
    ``ce_type`` and ``key_field`` (the field whose value is the Kafka key, so
    events about one application stay in order). ``partitions`` is the topic's
    partition count, the most consumers of one group that can share its work.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    topic: ClassVar[str]
    ce_type: ClassVar[str]
    key_field: ClassVar[str] = "application_id"
    partitions: ClassVar[int] = 3

    def key(self) -> str:
        """The Kafka message key of this event."""
        return str(getattr(self, self.key_field))

    def subject(self) -> str:
        """The CloudEvents subject: what the event is about."""
        return self.key()
