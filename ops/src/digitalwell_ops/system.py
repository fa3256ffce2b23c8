"""The system as its code declares it: services, their settings, what each publishes and consumes.

Everything the generators write (contracts, compose, Kubernetes settings, the README's table)
is derived from here, and this is derived from the services themselves: each service's
``create_app`` is built (no I/O happens) and asked which topics it publishes and consumes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from fastapi import FastAPI
from faststream.kafka.publisher.usecase import LogicPublisher

from digitalwell_council.app import create_app as create_council
from digitalwell_council.settings import Settings as CouncilSettings
from digitalwell_forum.app import create_app as create_forum
from digitalwell_forum.settings import Settings as ForumSettings
from digitalwell_intake.app import create_app as create_intake
from digitalwell_intake.settings import Settings as IntakeSettings
from digitalwell_notify.app import create_app as create_notify
from digitalwell_notify.settings import Settings as NotifySettings
from digitalwell_shared.contracts import ALL_EVENTS, IntegrationEvent, dead_letter_topic
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.settings import ServiceSettings


@dataclass(frozen=True)
class Service:
    """One service: its name, settings class and app factory."""

    name: str
    settings_class: type[ServiceSettings]
    create_app: Callable[..., FastAPI]

    @property
    def env_prefix(self) -> str:
        """The prefix of every environment variable the service reads, e.g. ``INTAKE_``."""
        return str(self.settings_class.model_config.get("env_prefix", ""))

    @property
    def module(self) -> str:
        """The Python package that ``python -m`` starts."""
        return f"digitalwell_{self.name}"

    @property
    def default_http_port(self) -> int:
        """The port the service listens on by default (each service has its own)."""
        return int(self.settings_class.model_fields["http_port"].default)

    @property
    def default_database(self) -> str:
        """The service's own database name."""
        return str(self.settings_class.model_fields["mongodb_database"].default)


SERVICES: tuple[Service, ...] = (
    Service("intake", IntakeSettings, create_intake),
    Service("council", CouncilSettings, create_council),
    Service("forum", ForumSettings, create_forum),
    Service("notify", NotifySettings, create_notify),
)


def service(name: str) -> Service:
    """The service called ``name``; ValueError naming the known ones otherwise."""
    for candidate in SERVICES:
        if candidate.name == name:
            return candidate
    raise ValueError(f"no service {name!r}; known: {', '.join(s.name for s in SERVICES)}")


@dataclass(frozen=True)
class Wiring:
    """Which topics one service publishes, and which it consumes and why."""

    service: str
    publishes: tuple[str, ...]
    consumes: dict[str, str]  # topic -> what the service does with it


@cache
def wiring() -> tuple[Wiring, ...]:
    """Each service's publishers and consumers, read from its app as the service builds it."""
    found = []
    for each in SERVICES:
        app = each.create_app(each.settings_class())
        runtime: Runtime = app.state.runtime
        found.append(
            Wiring(
                service=each.name,
                publishes=tuple(
                    publisher.topic
                    for publisher in runtime.broker.publishers
                    if isinstance(publisher, LogicPublisher)
                ),
                consumes={
                    topic: consumption.description for topic, consumption in runtime.effects.items()
                },
            )
        )
    return tuple(found)


def event_for(topic: str) -> type[IntegrationEvent]:
    """The event model published on ``topic``."""
    for event in ALL_EVENTS:
        if event.topic == topic:
            return event
    raise ValueError(f"no event is published on {topic!r}")


def topic_partitions() -> dict[str, int]:
    """Every topic the system needs, with its partition count: the events' and their DLQs.

    A dead-letter topic has as many partitions as its topic, so a dead letter keeps its key's
    partition and a replay keeps the order of one application's events.
    """
    topics: dict[str, int] = {}
    for event in ALL_EVENTS:
        topics[event.topic] = event.partitions
    for event in ALL_EVENTS:
        topics[dead_letter_topic(event.topic)] = event.partitions
    return topics
