"""Ports of the embedded system: overrides from the environment, and a taken port named."""

from __future__ import annotations

import socket

import pytest

from digitalwell_devstack.ports import (
    Binding,
    PortInUseError,
    PortSettingError,
    ensure_free,
    port_from_env,
)
from digitalwell_devstack.stack import ServiceSpec, StackPorts, services_from_env


def test_ports_default_and_move_with_their_variables():
    ports = StackPorts.from_env({"DIGITALWELL_KAFKA_PORT": "19092", "DIGITALWELL_SMTP_PORT": ""})
    services = services_from_env({"DIGITALWELL_FORUM_PORT": "18002"})

    assert ports == StackPorts(kafka=19092, smtp=1025, mail_ui=8025)
    assert ports.databases == {"intake": 27017, "council": 27018, "forum": 27019, "notify": 27020}
    assert [(s.name, s.port) for s in services] == [
        ("intake", 8000),
        ("council", 8001),
        ("forum", 18002),
        ("notify", 8003),
    ]


def test_each_service_database_port_moves_with_its_own_variable():
    ports = StackPorts.from_env({"DIGITALWELL_FORUM_MONGODB_PORT": "37019"})

    assert ports.database("forum") == 37019
    assert ports.database("intake") == 27017


def test_the_one_shared_database_port_of_before_is_refused_with_what_replaced_it():
    with pytest.raises(
        PortSettingError, match="DIGITALWELL_MONGODB_PORT is no longer read"
    ) as raised:
        StackPorts.from_env({"DIGITALWELL_MONGODB_PORT": "27017"})

    assert "DIGITALWELL_NOTIFY_MONGODB_PORT" in str(raised.value)


@pytest.mark.parametrize("value", ["abc", "0", "65536", "-1", "80.5"])
def test_a_port_variable_that_is_no_port_number_is_refused_by_name(value: str):
    with pytest.raises(PortSettingError, match="DIGITALWELL_MONGODB_PORT must be a port number"):
        port_from_env({"DIGITALWELL_MONGODB_PORT": value}, "DIGITALWELL_MONGODB_PORT", 27017)


def test_a_taken_port_is_named_with_what_needs_it_and_how_to_move_it():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(PortInUseError) as raised:
            ensure_free(
                "127.0.0.1", [Binding(port, "Kafka broker, Tansu", "DIGITALWELL_KAFKA_PORT")]
            )

    assert str(raised.value) == (
        f"port {port} (Kafka broker, Tansu) is already in use on 127.0.0.1 — "
        "stop what uses it or set DIGITALWELL_KAFKA_PORT"
    )


def test_a_service_reads_its_settings_under_its_own_prefix():
    spec = ServiceSpec("notify", "digitalwell_notify", 8003, sends_mail=True)

    assert spec.env_prefix == "NOTIFY_"
    assert spec.port_env_var == "DIGITALWELL_NOTIFY_PORT"
