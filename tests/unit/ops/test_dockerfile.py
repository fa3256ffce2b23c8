"""The Dockerfile read as a reviewer would: stages, users, health checks, what each image holds."""

import json
import re
from dataclasses import dataclass, field

import pytest

from digitalwell_ops.system import SERVICES
from tests.support.repository import ROOT


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for name, argument in self.instructions if name == keyword]


def _stages() -> dict[str, Stage]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for raw in logical.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, argument = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            base, _, name = argument.partition(" AS ")
            current = Stage(name=name.strip(), base=base.strip())
            stages[current.name] = current
        elif current is not None:
            current.instructions.append((keyword, argument.strip()))
    return stages


def _chain(stages: dict[str, Stage], name: str) -> list[Stage]:
    """The stage and the stages it is built FROM, nearest first."""
    chain = [stages[name]]
    while chain[-1].base in stages:
        chain.append(stages[chain[-1].base])
    return chain


@pytest.fixture(scope="module")
def stages() -> dict[str, Stage]:
    return _stages()


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_each_service_has_a_target_that_starts_it(stages, service) -> None:
    stage = stages[service.name]
    assert stage.all("CMD") == [json.dumps(["python", "-m", service.module])]


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_a_service_image_runs_as_a_non_root_user(stages, service) -> None:
    users = [user for stage in reversed(_chain(stages, service.name)) for user in stage.all("USER")]
    assert users, "no USER"
    assert users[-1].split(":")[0] not in {"root", "0"}


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_a_service_image_checks_its_own_healthz_with_python(stages, service) -> None:
    (check,) = stages[service.name].all("HEALTHCHECK")
    assert "/healthz" in check
    assert "urllib.request" in check
    assert f"{service.env_prefix}HTTP_PORT" in check
    assert "curl" not in check
    port = stages[service.name].all("EXPOSE")
    assert port == [str(service.default_http_port)]


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_the_final_stage_holds_no_build_tools_and_only_its_own_environment(stages, service) -> None:
    chain = _chain(stages, service.name)
    assert chain[-1].base.startswith("${PYTHON_IMAGE}")
    for stage in chain:
        for keyword, argument in stage.instructions:
            if keyword == "RUN":
                assert "install" not in argument.replace("uninstall", ""), argument
            if keyword == "COPY":
                assert argument == f"--from=build-{service.name} /opt/venv /opt/venv", argument
    runtime = stages["runtime"]
    assert any("pip uninstall" in run for run in runtime.all("RUN"))


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_the_build_stage_installs_only_that_service_from_the_lock(stages, service) -> None:
    build = stages[f"build-{service.name}"]
    syncs = build.all("RUN")
    assert syncs
    for sync in syncs:
        assert "uv sync --frozen --no-dev" in sync
        assert f"--package digitalwell-{service.name}" in sync
    copied = [argument.split()[0] for argument in build.all("COPY")]
    assert copied == ["shared/src", f"services/{service.name}/src"]


def test_the_build_context_leaves_out_the_environment_and_the_tests() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for path in (".venv", ".tools", ".git", "tests", "data"):
        assert path in ignored
