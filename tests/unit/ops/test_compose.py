import re

import jsonschema
import pydantic
import pytest
import yaml

from digitalwell_ops.environment import settings_of
from digitalwell_ops.system import SERVICES, topic_partitions, wiring
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
    assert definition["ports"] == [f"${{DIGITALWELL_BIND_ADDRESS:-127.0.0.1}}:{port}:{port}"]
    assert definition["environment"][f"{service.env_prefix}HTTP_HOST"] == "0.0.0.0"  # noqa: S104
    assert (
        definition["environment"][f"{service.env_prefix}PUBLIC_BASE_URL"]
        == f"http://localhost:{port}"
    )


def _published(compose) -> list[str]:
    services = compose["services"].values()
    return [port for definition in services for port in definition.get("ports", [])]


def test_host_ports_do_not_collide(compose) -> None:
    published = [port.rsplit(":", 2)[1] for port in _published(compose)]
    assert len(published) == len(set(published))


def test_every_port_is_published_on_loopback_unless_the_operator_opens_it(compose) -> None:
    assert _published(compose)
    for port in _published(compose):
        bind_address, _host_port, _container_port = port.rsplit(":", 2)
        assert bind_address == "${DIGITALWELL_BIND_ADDRESS:-127.0.0.1}", port


def test_no_demo_accounts_unless_asked_for(compose) -> None:
    environment = compose["services"]["intake"]["environment"]
    assert environment["INTAKE_SEED_DEMO_STAFF"] == "${DIGITALWELL_SEED_DEMO_STAFF:-false}"
    assert environment["INTAKE_BOOTSTRAP_ADMIN_EMAIL"] == "${DIGITALWELL_ADMIN_EMAIL:-}"


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


def _interpolated(value: str) -> str:
    """``value`` as compose hands it over with no variables set: each default, "$$" as "$"."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value).replace("$$", "$")


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_each_service_accepts_its_compose_settings_in_development(
    compose, service, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = compose["services"][service.name]["environment"]
    for name, value in environment.items():
        monkeypatch.setenv(name, _interpolated(value))

    settings = service.settings_class()

    # compose is a laptop's system: development, whose defaults production would refuse.
    assert settings.environment == "development"
    monkeypatch.setenv(f"{service.env_prefix}ENVIRONMENT", "production")
    with pytest.raises(pydantic.ValidationError, match="refused in production"):
        service.settings_class()


def test_each_service_reaches_kafka_as_its_own_scram_principal(compose) -> None:
    kafka = compose["services"]["kafka"]["environment"]
    assert "PLAINTEXT:PLAINTEXT" not in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    setup = " ".join(compose["services"]["kafka-topics"]["command"])
    for service in SERVICES:
        environment = compose["services"][service.name]["environment"]
        prefix = service.env_prefix
        assert environment[f"{prefix}KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
        assert environment[f"{prefix}KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert environment[f"{prefix}KAFKA_SASL_USERNAME"] == service.name
        assert f"--entity-name {service.name} --add-config 'SCRAM-SHA-512=" in setup


def test_each_service_may_write_only_its_own_topics_and_its_dead_letters(compose) -> None:
    setup = " ".join(compose["services"]["kafka-topics"]["command"])
    granted = re.findall(
        r"--allow-principal User:(\w+) --operation (\w+) --(topic|group) (\S+) "
        r"--resource-pattern-type (\w+)",
        setup,
    )
    assert granted, "no ACLs in the setup job"
    assert all(pattern == "literal" for *_, pattern in granted)
    for each in wiring():
        mine = [grant for grant in granted if grant[0] == each.service]
        writes = {name for _, op, _, name, _ in mine if op == "Write"}
        # Its own topics, and the dead letters of what it consumes: nothing more.
        assert writes == set(each.publishes) | {f"{topic}.dlq" for topic in each.consumes}
        assert all(topic.startswith(f"{each.service}.") for topic in each.publishes)
        reads = {name for _, op, _, name, _ in mine if op == "Read"}
        assert reads == set(each.consumes) | ({each.service} if each.consumes else set())
