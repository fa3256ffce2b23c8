"""deploy/ rendered by kubectl kustomize and checked offline against the Kubernetes schemas."""

import base64
import secrets
import shutil
import subprocess
from urllib.parse import urlparse

import kubernetes_validate
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from digitalwell_ops.environment import settings_of
from digitalwell_ops.kubernetes import cluster_settings
from digitalwell_ops.system import SERVICES, service
from digitalwell_shared.signing import public_key_text
from tests.support.repository import ROOT
from tests.support.signing import new_seed

OVERLAYS = ["dev", "prod"]
KUBERNETES_VERSION = "1.31"
KNOWN_SETTINGS = {setting.env for each in SERVICES for setting in settings_of(each)}

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl")


def _render(overlay: str) -> list[dict]:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "deploy" / "overlays" / overlay)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [document for document in yaml.safe_load_all(rendered) if document]


@pytest.fixture(scope="module", params=OVERLAYS)
def objects(request) -> list[dict]:
    return _render(request.param)


def _of_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {item["metadata"]["name"]: item for item in objects if item["kind"] == kind}


def test_every_object_is_valid_against_the_kubernetes_schemas(objects) -> None:
    for item in objects:
        kubernetes_validate.validate(item, KUBERNETES_VERSION, strict=True)


def test_each_service_has_its_deployment_service_autoscaler_budget_and_network_policy(
    objects,
) -> None:
    for kind in (
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
    ):
        assert {each.name for each in SERVICES} <= set(_of_kind(objects, kind)), kind
    assert len(_of_kind(objects, "Ingress")) == 1


def test_every_variable_in_config_maps_and_secrets_is_a_known_setting(objects) -> None:
    for item in objects:
        if item["kind"] in {"ConfigMap", "Secret"}:
            keys = set(item.get("data", {})) | set(item.get("stringData", {}))
            assert keys - KNOWN_SETTINGS == set(), item["metadata"]["name"]


def test_deployments_take_their_settings_from_their_own_config_map_and_secret(objects) -> None:
    config_maps = _of_kind(objects, "ConfigMap")
    for name, deployment in _of_kind(objects, "Deployment").items():
        prefix = service(name).env_prefix
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        config_map, secret = (
            source.get("configMapRef") or source["secretRef"] for source in container["envFrom"]
        )
        assert secret["name"] == f"{name}-secrets"
        assert all(key.startswith(prefix) for key in config_maps[config_map["name"]]["data"])
        assert "env" not in container  # settings only through the ConfigMap and the Secret


def test_pods_are_hardened_and_probed(objects) -> None:
    for deployment in _of_kind(objects, "Deployment").values():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert pod["automountServiceAccountToken"] is False
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert set(container["resources"]) == {"requests", "limits"}


def test_the_port_a_service_listens_on_is_the_port_its_pod_exposes(objects) -> None:
    config_maps = _of_kind(objects, "ConfigMap")
    for name, deployment in _of_kind(objects, "Deployment").items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        config = next(c for n, c in config_maps.items() if n.startswith(f"{name}-config"))["data"]
        port = int(config[f"{service(name).env_prefix}HTTP_PORT"])
        metrics_port = int(config[f"{service(name).env_prefix}METRICS_PORT"])
        assert container["ports"] == [
            {"name": "http", "containerPort": port},
            {"name": "metrics", "containerPort": metrics_port},
        ]


def test_metrics_have_a_port_the_service_and_so_the_ingress_do_not_expose(objects) -> None:
    services = _of_kind(objects, "Service")
    policies = _of_kind(objects, "NetworkPolicy")
    for name, deployment in _of_kind(objects, "Deployment").items():
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert annotations["prometheus.io/port"] == str(ports["metrics"])
        assert ports["metrics"] != ports["http"]
        assert [port["targetPort"] for port in services[name]["spec"]["ports"]] == ["http"]
        allowed = {
            rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]: [
                port["port"] for port in rule["ports"]
            ]
            for rule in policies[name]["spec"]["ingress"]
        }
        assert allowed == {"ingress-nginx": ["http"], "monitoring": ["metrics"]}


def test_the_ingress_serves_every_service_under_one_host_and_their_urls_use_it(objects) -> None:
    (ingress,) = _of_kind(objects, "Ingress").values()
    (rule,) = ingress["spec"]["rules"]
    backends = {path["backend"]["service"]["name"] for path in rule["http"]["paths"]}
    assert backends == {each.name for each in SERVICES}
    for config_map in _of_kind(objects, "ConfigMap").values():
        for key, value in config_map["data"].items():
            if key.endswith("_URL") and "_OIDC_" not in key and value:
                assert urlparse(value).hostname == rule["host"], key


def test_only_notify_may_reach_smtp_and_every_service_reaches_kafka_mongodb_and_dns(
    objects,
) -> None:
    policies = _of_kind(objects, "NetworkPolicy")
    assert policies["default-deny"]["spec"] == {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
    }
    for each in SERVICES:
        ports = {
            port["port"] for rule in policies[each.name]["spec"]["egress"] for port in rule["ports"]
        }
        assert {53, 9092, 27017} <= ports
        assert (587 in ports) == (each.name == "notify")


def test_production_leaves_the_secrets_to_the_cluster_and_refuses_dev_settings() -> None:
    objects = _render("prod")
    assert _of_kind(objects, "Secret") == {}
    for config_map in _of_kind(objects, "ConfigMap").values():
        environment = [
            value for key, value in config_map["data"].items() if key.endswith("_ENVIRONMENT")
        ]
        assert environment == ["production"]
    (ingress,) = _of_kind(objects, "Ingress").values()
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]


# The two secrets every service shares, as an operator would make them for this run.
SHARED_SECRETS = {
    field: secrets.token_urlsafe(32) for field in ("LINK_SECRET", "STAFF_CSRF_SECRET")
}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# intake's staff token key pair, as `digitalwell staff-key` makes it: the private half in intake's
# Secret, the public half in every service's STAFF_VERIFY_KEYS (the Secret comes after the
# ConfigMap in envFrom, so it replaces the base's development key).
_STAFF_KEY = Ed25519PrivateKey.generate()
OPERATOR_KEYS = {
    "STAFF_SIGNING_KEY": "prod-1:"
    + _b64(_STAFF_KEY.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())),
    "STAFF_VERIFY_KEYS": "prod-1:"
    + _b64(_STAFF_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
}


# Each service's event signing key, and every one's public half, as the operator makes them.
EVENT_SEEDS = {each.name: new_seed() for each in SERVICES}
EVENT_PUBLIC_KEYS = ",".join(
    f"{name}-prod-1="
    + public_key_text(Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed)))
    for name, seed in EVENT_SEEDS.items()
)


def _operator_secrets(name: str) -> dict[str, str]:
    """What an operator puts in ``<name>-secrets``: the base's keys, each with a value of its own.

    The database's URL keeps its address (with credentials added); every secret gets a random
    value, the link and session secrets the same in every service, as deploy/README.md says.
    """
    values = {}
    for key, value in cluster_settings(service(name))[1].items():
        field = key.removeprefix(service(name).env_prefix)
        if field == "MONGODB_URL":
            values[key] = value.replace("mongodb://", f"mongodb://{name}:{secrets.token_hex(8)}@")
        else:
            values[key] = SHARED_SECRETS.get(field) or secrets.token_urlsafe(32)
    values |= {
        f"{service(name).env_prefix}{field}": value
        for field, value in OPERATOR_KEYS.items()
        if field != "STAFF_SIGNING_KEY" or name == "intake"
    }
    values[f"{service(name).env_prefix}EVENT_SIGNING_KEY"] = EVENT_SEEDS[name]
    values[f"{service(name).env_prefix}EVENT_PUBLIC_KEYS"] = EVENT_PUBLIC_KEYS
    return values


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_starts_with_what_the_overlay_gives_it(
    overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = _render(overlay)
    config_maps = _of_kind(objects, "ConfigMap")
    cluster_secrets = _of_kind(objects, "Secret")
    for each in SERVICES:
        config = next(c for n, c in config_maps.items() if n.startswith(f"{each.name}-config"))
        secret = cluster_secrets.get(f"{each.name}-secrets")
        # prod leaves the Secrets to the cluster: the operator's values stand in for them.
        secret_values = secret["stringData"] if secret else _operator_secrets(each.name)
        with monkeypatch.context() as environment:
            for key, value in {**config["data"], **secret_values}.items():
                environment.setenv(key, value)
            settings = each.settings_class()  # refuses what production must not run with
        assert settings.environment == ("production" if overlay == "prod" else "development")
