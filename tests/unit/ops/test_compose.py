import re

import jsonschema
import pytest
import yaml

from digitalwell_ops.environment import settings_of
from digitalwell_ops.system import SERVICES, topic_partitions
from tests.support.repository import ROOT, vendored_schema

SERVICE_NAMES = [service.name for service in SERVICES]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_the_compose_file_follows_the_compose_specification(compose) -> None:
    jsonschema.validate(compose, vendored_schema("compose-spec.json"))


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_every_environment_variable_is_a_setting_and_every_setting_is_explicit(
    compose, service
) -> None:
    environment = compose["services"][service.name]["environment"]
    settings = {setting.env: setting for setting in settings_of(service)}
    unknown = set(environment) - set(settings)
    assert unknown == set(), f"not fields of {service.settings_class.__name__}: {unknown}"
    missing = {name for name, setting in settings.items() if setting.default is not None} - set(
        environment
    )
    assert missing == set(), f"settings left implicit: {missing}"


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_each_service_is_built_from_its_own_target_and_published_on_its_port(
    compose, service
) -> None:
    definition = compose["services"][service.name]
    port = definition["environment"][f"{service.env_prefix}HTTP_PORT"]
    assert definition["build"] == {
        "context": ".",
        "dockerfile": "Dockerfile",
        "target": service.name,
    }
    assert definition["image"].startswith(f"digitalwell-{service.name}:")
    assert definition["ports"] == [f"{port}:{port}"]
    assert definition["environment"][f"{service.env_prefix}HTTP_HOST"] == "0.0.0.0"  # noqa: S104
    assert (
        definition["environment"][f"{service.env_prefix}PUBLIC_BASE_URL"]
        == f"http://localhost:{port}"
    )


def test_host_ports_do_not_collide(compose) -> None:
    published = [
        port.split(":")[0]
        for definition in compose["services"].values()
        for port in definition.get("ports", [])
    ]
    assert len(published) == len(set(published))


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_services_start_after_healthy_infrastructure_and_created_topics(compose, service) -> None:
    depends_on = compose["services"][service.name]["depends_on"]
    assert depends_on["kafka-topics"] == {"condition": "service_completed_successfully"}
    assert depends_on["mongodb"] == {"condition": "service_healthy"}
    for dependency, condition in depends_on.items():
        if condition["condition"] == "service_healthy":
            assert "healthcheck" in compose["services"][dependency], dependency


def test_the_kafka_broker_runs_in_kraft_mode_and_mongodb_as_a_replica_set(compose) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    mongodb = compose["services"]["mongodb"]
    assert "--replSet" in mongodb["command"]
    assert "rs.initiate" in " ".join(mongodb["healthcheck"]["test"])
    for service in SERVICES:
        url = compose["services"][service.name]["environment"][f"{service.env_prefix}MONGODB_URL"]
        assert "replicaSet=rs0" in url


def test_the_topics_created_are_the_codes_topics_with_their_partitions(compose) -> None:
    command = " ".join(compose["services"]["kafka-topics"]["command"])
    created = dict(re.findall(r"([a-z][\w.-]+\.v\d+(?:\.dlq)?):(\d+)", command))
    assert {topic: int(count) for topic, count in created.items()} == topic_partitions()


def test_notify_sends_to_mailpit(compose) -> None:
    environment = compose["services"]["notify"]["environment"]
    assert environment["NOTIFY_SMTP_HOST"] == "mailpit"
    assert environment["NOTIFY_SMTP_PORT"] == "1025"
    assert compose["services"]["notify"]["depends_on"]["mailpit"] == {
        "condition": "service_healthy"
    }


def test_volumes_are_named_and_declared(compose) -> None:
    used = {
        volume.split(":")[0]
        for definition in compose["services"].values()
        for volume in definition.get("volumes", [])
    }
    assert used == set(compose["volumes"])
    assert all(not name.startswith(("/", ".")) for name in used)
