"""Our Kafka clients never create a topic; only ``digitalwell create-topics`` does.

aiokafka asks for metadata with ``allow_auto_topic_creation`` set, and has no option to clear
it; a broker that honours it (Tansu does, and Apache Kafka with ``auto.create.topics.enable``)
then creates a topic that a producer or a consumer merely looked up, with the broker's default
partition count. After a broker restart that raced ``create-topics``: topics with one partition,
a consumer group holding a third of what it should. aiokafka builds its metadata requests from
the name ``aiokafka.client.MetadataRequest``, so that name is pointed at a request that never
asks for creation. FastStream's own creation at subscriber start is switched off separately
(``KafkaBroker(allow_auto_create_topics=False)``).
"""

from __future__ import annotations

import aiokafka.client
from aiokafka.protocol.metadata import MetadataRequest


class _MetadataRequestThatCreatesNothing(MetadataRequest):  # type: ignore[misc]
    def __init__(
        self, topics: list[str] | None = None, allow_auto_topic_creation: bool | None = False
    ) -> None:
        super().__init__(topics, allow_auto_topic_creation=bool(allow_auto_topic_creation))


def refuse_topic_auto_creation() -> None:
    """Make every aiokafka client of this process look topics up without creating them."""
    aiokafka.client.MetadataRequest = _MetadataRequestThatCreatesNothing


METADATA_MAX_AGE_MS = 5_000
"""How often clients refresh what topics and partitions exist: a topic created after a consumer
started (or whose partitions changed) is picked up within this, not aiokafka's five minutes."""
