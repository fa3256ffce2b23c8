"""The CloudEvents 1.0 envelope in Kafka binary mode: ``ce_*`` headers around a JSON body."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from digitalwell_shared.contracts import IntegrationEvent

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
# Extension attribute names must be lower-case letters and digits only (CloudEvents 1.0).
_CORRELATION = "ce_correlationid"
_CAUSATION = "ce_causationid"
_REQUIRED = ("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time")


class EnvelopeError(ValueError):
    """A message's headers are not a valid CloudEvents envelope for its topic."""


@dataclass(frozen=True, slots=True)
class Envelope:
    """The context attributes of one CloudEvent.

    ``correlation_id`` is shared by every event that follows from one request
    (one application's submission, say); ``causation_id`` is the id of the
    event or request that directly caused this one.
    """

    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    correlation_id: str
    causation_id: str | None = None

    @classmethod
    def for_event(
        cls,
        event: IntegrationEvent,
        *,
        source: str,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> Envelope:
        """A fresh envelope for ``event``; a new event id starts a new correlation if none given."""
        event_id = str(uuid.uuid4())
        return cls(
            id=event_id,
            type=event.ce_type,
            source=source,
            time=datetime.now(UTC),
            subject=event.subject(),
            correlation_id=correlation_id or event_id,
            causation_id=causation_id,
        )

    def caused(self, event: IntegrationEvent, *, source: str) -> Envelope:
        """The envelope of an event that this event caused: same correlation, causation = us."""
        return Envelope.for_event(
            event, source=source, correlation_id=self.correlation_id, causation_id=self.id
        )

    def to_headers(self) -> dict[str, str]:
        """Kafka headers in CloudEvents binary mode."""
        headers = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_type": self.type,
            "ce_source": self.source,
            "ce_time": self.time.isoformat(),
            "content-type": CONTENT_TYPE,
            _CORRELATION: self.correlation_id,
        }
        if self.subject is not None:
            headers["ce_subject"] = self.subject
        if self.causation_id is not None:
            headers[_CAUSATION] = self.causation_id
        return headers

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str | bytes], *, expected_type: str | None = None
    ) -> Envelope:
        """Read and check an envelope; raise EnvelopeError naming what is wrong."""
        text = {
            name: value.decode() if isinstance(value, bytes) else value
            for name, value in headers.items()
        }
        missing = [name for name in _REQUIRED if not text.get(name)]
        if missing:
            raise EnvelopeError(f"missing CloudEvents headers: {', '.join(missing)}")
        if text["ce_specversion"] != SPEC_VERSION:
            raise EnvelopeError(f"unsupported ce_specversion {text['ce_specversion']!r}")
        content_type = text.get("content-type", CONTENT_TYPE)
        if content_type.split(";")[0].strip() != CONTENT_TYPE:
            raise EnvelopeError(f"content-type must be {CONTENT_TYPE}, got {content_type!r}")
        if expected_type is not None and text["ce_type"] != expected_type:
            raise EnvelopeError(f"ce_type {text['ce_type']!r} does not belong on this topic")
        try:
            time = datetime.fromisoformat(text["ce_time"])
        except ValueError as error:
            raise EnvelopeError(f"ce_time is not an RFC 3339 time: {text['ce_time']!r}") from error
        return cls(
            id=text["ce_id"],
            type=text["ce_type"],
            source=text["ce_source"],
            time=time,
            subject=text.get("ce_subject"),
            correlation_id=text.get(_CORRELATION) or text["ce_id"],
            causation_id=text.get(_CAUSATION),
        )
