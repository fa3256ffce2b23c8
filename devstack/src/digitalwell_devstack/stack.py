"""The whole system on one machine: broker, database, mail sink and the four services, in order."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import Binding, ensure_free, free_port, port_from_env
from digitalwell_devstack.process import ManagedProcess, ProcessError, Readiness, describe_exit
from digitalwell_devstack.servers import (
    IN_MEMORY,
    broker_readiness,
    create_topics,
    database_readiness,
    http_readiness,
    mongodb_url,
    s3_readiness,
    s3_store_process,
    secantus_process,
    tansu_process,
)
from digitalwell_shared.contracts import all_topics, dead_letter_topic

HOST = "127.0.0.1"
_STABLE_SECONDS = 60.0
"""A part that stayed up this long before it ended is restarted after the shortest delay again."""
# What intake seeds with INTAKE_SEED_DEMO_STAFF (digitalwell_intake.usecases.accounts.DEMO_STAFF),
# shown so a newcomer can sign in; devstack runs the services as processes and does not import them.
DEMO_STAFF_PASSWORD = "digitalwell-dev"  # noqa: S105 - published demo password, development only
"""Everything binds the loopback address only: this is a developer's machine, not a server."""


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its name (also its env prefix), the module that runs it, and its HTTP port."""

    name: str
    module: str
    port: int
    sends_mail: bool = False

    @property
    def env_prefix(self) -> str:
        """The prefix of the service's settings, e.g. ``INTAKE_``."""
        return f"{self.name.upper()}_"

    @property
    def port_env_var(self) -> str:
        """The variable that moves its port, e.g. ``DIGITALWELL_INTAKE_PORT``."""
        return f"DIGITALWELL_{self.name.upper()}_PORT"


DEFAULT_SERVICES = (
    ServiceSpec("intake", "digitalwell_intake", 8000),
    ServiceSpec("council", "digitalwell_council", 8001),
    ServiceSpec("forum", "digitalwell_forum", 8002),
    ServiceSpec("notify", "digitalwell_notify", 8003, sends_mail=True),
)


@dataclass(frozen=True)
class StackPorts:
    """The ports of the broker, the database and the mail sink."""

    kafka: int = 9092
    mongodb: int = 27017
    smtp: int = 1025
    mail_ui: int = 8025
    s3: int = 9000

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Self:
        """The defaults, moved by DIGITALWELL_{KAFKA,MONGODB,SMTP,MAIL_UI}_PORT."""
        defaults = cls()
        return cls(
            kafka=port_from_env(environ, "DIGITALWELL_KAFKA_PORT", defaults.kafka),
            mongodb=port_from_env(environ, "DIGITALWELL_MONGODB_PORT", defaults.mongodb),
            smtp=port_from_env(environ, "DIGITALWELL_SMTP_PORT", defaults.smtp),
            mail_ui=port_from_env(environ, "DIGITALWELL_MAIL_UI_PORT", defaults.mail_ui),
            s3=port_from_env(environ, "DIGITALWELL_S3_PORT", defaults.s3),
        )

    @classmethod
    def free(cls, host: str = HOST) -> Self:
        """Ports nothing uses right now, for a stack beside another one (tests)."""
        return cls(
            kafka=free_port(host),
            mongodb=free_port(host),
            smtp=free_port(host),
            mail_ui=free_port(host),
            s3=free_port(host),
        )


def services_from_env(
    environ: Mapping[str, str], services: Sequence[ServiceSpec] = DEFAULT_SERVICES
) -> list[ServiceSpec]:
    """The services with their ports moved by DIGITALWELL_<NAME>_PORT."""
    return [
        ServiceSpec(s.name, s.module, port_from_env(environ, s.port_env_var, s.port), s.sends_mail)
        for s in services
    ]


def data_dir_from_env(environ: Mapping[str, str]) -> Path:
    """DIGITALWELL_DATA_DIR, or ./data (git-ignored) in the working directory."""
    return Path(environ.get("DIGITALWELL_DATA_DIR") or "data").absolute()


def event_topics() -> list[str]:
    """Every event topic and its dead-letter topic."""
    topics = all_topics()
    return [*topics, *(dead_letter_topic(t) for t in topics)]


class Stack:
    """Starts and stops the whole system; usable from the command line and from tests.

    ``data_dir=None`` keeps the database and the broker's topics in memory; with a data
    directory both survive a restart (the broker through the S3 object store in ``data_dir/s3``).
    ``env_overrides`` are set in every service's environment after the stack's own values, so a
    test can change any setting.
    """

    def __init__(
        self,
        *,
        ports: StackPorts | None = None,
        services: Sequence[ServiceSpec] = DEFAULT_SERVICES,
        data_dir: Path | None = None,
        host: str = HOST,
        env_overrides: Mapping[str, str] | None = None,
        topics: Sequence[str] | None = None,
        console: Console | None = None,
        startup_timeout: float = 60.0,
        stop_grace: float = 15.0,
        kafka_via_port: int | None = None,
    ) -> None:
        self.ports = ports if ports is not None else StackPorts()
        self.services = list(services)
        self.data_dir = data_dir
        self.host = host
        self.env_overrides = dict(env_overrides or {})
        self.topics = list(topics) if topics is not None else None
        self.console = console if console is not None else Console()
        self.startup_timeout = startup_timeout
        self.stop_grace = stop_grace
        # A port in front of the broker (the fault suite's proxy): advertised, and what clients use.
        self.kafka_via_port = kafka_via_port
        self._infrastructure: list[ManagedProcess] = []
        self._services: list[ManagedProcess] = []
        self._readiness: dict[str, Readiness] = {}
        self._supervisors: list[asyncio.Task[None]] = []

    @property
    def kafka_bootstrap_servers(self) -> str:
        """The broker's address for Kafka clients (through ``kafka_via_port`` when given)."""
        return f"{self.host}:{self.kafka_via_port or self.ports.kafka}"

    @property
    def mongodb_url(self) -> str:
        """The database's connection string."""
        return mongodb_url(self.host, self.ports.mongodb)

    @property
    def mail_ui_url(self) -> str:
        """The mail sink's page, and the base of its Mailpit-shaped API."""
        return f"http://{self.host}:{self.ports.mail_ui}"

    def service_url(self, name: str) -> str:
        """The base URL of a service of this stack."""
        spec = next((s for s in self.services if s.name == name), None)
        if spec is None:
            raise KeyError(f"no service {name!r} in this stack")
        return f"http://{self.host}:{spec.port}"

    @property
    def s3_endpoint(self) -> str | None:
        """The object store the broker keeps its topics in; None when they are in memory."""
        return f"http://{self.host}:{self.ports.s3}" if self.data_dir is not None else None

    def bindings(self) -> list[Binding]:
        """Every port the stack binds, with what binds it and the variable that moves it."""
        durable = (
            [Binding(self.ports.s3, "S3 object store", "DIGITALWELL_S3_PORT")]
            if self.data_dir is not None
            else []
        )
        return [
            *durable,
            Binding(self.ports.kafka, "Kafka broker, Tansu", "DIGITALWELL_KAFKA_PORT"),
            Binding(self.ports.mongodb, "MongoDB, SecantusDB", "DIGITALWELL_MONGODB_PORT"),
            Binding(self.ports.smtp, "SMTP sink", "DIGITALWELL_SMTP_PORT"),
            Binding(self.ports.mail_ui, "mail UI", "DIGITALWELL_MAIL_UI_PORT"),
            *(Binding(s.port, f"{s.name} service", s.port_env_var) for s in self.services),
        ]

    def service_env(self, spec: ServiceSpec) -> dict[str, str]:
        """The environment a service starts with: this machine's, then the stack's settings."""
        prefix = spec.env_prefix
        settings = {
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "MONGODB_URL": self.mongodb_url,
            "HTTP_HOST": self.host,
            "HTTP_PORT": str(spec.port),
            "PUBLIC_BASE_URL": self.service_url(spec.name),
            # The child writes to a pipe, so it cannot see the terminal: tell it.
            "LOG_FORMAT": "console" if self.console.is_terminal else "json",
            **{f"{s.name.upper()}_URL": self.service_url(s.name) for s in self.services},
        }
        if any(s.name == "intake" for s in self.services):  # a test's stack may leave it out
            settings["STAFF_SIGN_IN_URL"] = f"{self.service_url('intake')}/staff/sign-in"
            settings["ACCESSIBILITY_STATEMENT_URL"] = f"{self.service_url('intake')}/accessibility"
        if spec.name == "intake":
            # Development only: the demo accounts share a published password.
            settings["SEED_DEMO_STAFF"] = "true"
        if spec.name == "council":  # the demo council, so a case lists who has not scored yet
            settings["MEMBERS"] = "chair@example.org,member1@example.org,member2@example.org"
        if spec.sends_mail:
            settings |= {"SMTP_HOST": self.host, "SMTP_PORT": str(self.ports.smtp)}
        return {
            **os.environ,
            "PYTHONUNBUFFERED": "1",  # lines appear as they are logged, not when a buffer fills
            **{f"{prefix}{key}": value for key, value in settings.items()},
            **self.env_overrides,
        }

    async def start(self) -> None:
        """Start everything and return once every part answers; on failure stop what started.

        Raises PortInUseError before starting anything when a port is taken, and ProcessError
        naming the part that died or did not become ready.
        """
        ensure_free(self.host, self.bindings())
        try:
            await self._start_infrastructure()
            topics = self.topics if self.topics is not None else event_topics()
            await create_topics(self.kafka_bootstrap_servers, topics)
            await self._start_services()
        except BaseException:
            await self.stop()
            raise

    async def wait_for_exit(self) -> ManagedProcess:
        """Wait until any part of the running stack ends, and return it."""
        processes = [*self._infrastructure, *self._services]
        waits = {asyncio.create_task(p.wait_exit()): p for p in processes}
        try:
            done, _pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
        return waits[next(iter(done))]

    def process(self, name: str) -> ManagedProcess:
        """The running part called ``name`` (``intake``, ``tansu``, ``s3``, ``mail`` ...)."""
        for process in [*self._infrastructure, *self._services]:
            if process.name == name:
                return process
        raise KeyError(f"no process {name!r} in this stack")

    async def restart(self, name: str) -> None:
        """Start an ended part again and wait until it answers (on the same ports and data)."""
        process = self.process(name)
        process.start()
        await process.wait_ready(self._readiness[name], timeout=self.startup_timeout)

    def supervise(self, *, first_delay: float = 1.0, max_delay: float = 30.0) -> None:
        """From now on restart any part that ends, with back-off, as compose's restart policy would.

        Each restart is announced: which part, how it ended, when it starts again. The delay
        doubles after each restart that did not keep the part up for a minute.
        """
        for process in [*self._infrastructure, *self._services]:
            self._supervisors.append(
                asyncio.create_task(self._keep_running(process, first_delay, max_delay))
            )

    async def _keep_running(self, process: ManagedProcess, first: float, most: float) -> None:
        delay = first
        loop = asyncio.get_running_loop()
        while True:
            up_since = loop.time()
            code = await process.wait_exit()
            if loop.time() - up_since > _STABLE_SECONDS:
                delay = first
            when = datetime.now(UTC) + timedelta(seconds=delay)
            self.console.say(
                f"digitalwell: {process.name} {describe_exit(code)}; "
                f"restarting it in {delay:g} s (at {when:%H:%M:%S} UTC)"
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, most)
            try:
                await self.restart(process.name)
            except ProcessError as error:
                self.console.say(f"digitalwell: {error}")
                continue
            self.console.say(f"digitalwell: {process.name} is running again")

    async def stop(self) -> None:
        """Stop the services, then the mail sink, the database and the broker.

        Services go first because they finish in-flight work against broker and database. Each
        part gets SIGTERM, then SIGKILL if it still runs after the grace period.
        """
        supervisors, self._supervisors = self._supervisors, []
        for task in supervisors:
            task.cancel()
        await asyncio.gather(*supervisors, return_exceptions=True)
        services, self._services = self._services, []
        await asyncio.gather(*(p.stop(grace=self.stop_grace) for p in services))
        infrastructure, self._infrastructure = self._infrastructure, []
        for process in reversed(infrastructure):
            await process.stop(grace=self.stop_grace)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def summary(self) -> str:
        """The block of addresses printed once everything is up."""
        data = (
            f"data in {self.data_dir / 'secantus'}"
            if self.data_dir is not None
            else "data in memory"
        )
        topics = (
            f"topics in {self.data_dir / 's3'}" if self.data_dir is not None else "topics in memory"
        )
        rows = [
            ("Kafka broker (Tansu)", f"{self.kafka_bootstrap_servers}   {topics}"),
            ("MongoDB (SecantusDB)", f"{self.mongodb_url}   {data}"),
            ("SMTP sink", f"{self.host}:{self.ports.smtp}"),
            ("Mail UI and API", f"{self.mail_ui_url}/"),
        ]
        for spec in self.services:
            url = self.service_url(spec.name)
            rows += [(spec.name, f"{url}/"), ("", f"{url}/asyncapi"), ("", f"{url}/metrics")]
        rows += [
            ("Staff sign-in", f"{self.service_url('intake')}/staff/sign-in"),
            ("", "chair@example.org, member1@, member2@, coordinator@, officer@, admin@"),
            ("", f"password {DEMO_STAFF_PASSWORD} (demo accounts, development only)"),
        ]
        width = max(len(label) for label, _ in rows) + 3
        lines = [f"  {label.ljust(width)}{address}" for label, address in rows]
        return "\n".join(["", "DigitalWell is running:", *lines, "", "Ctrl-C stops it.", ""])

    async def _start_infrastructure(self) -> None:
        storage: Path | str = IN_MEMORY
        if self.data_dir is not None:
            storage = self.data_dir / "secantus"
            storage.mkdir(parents=True, exist_ok=True)
        output = self.console.line
        if self.data_dir is not None and self.s3_endpoint is not None:
            # The object store first: Tansu reads its topics from it as it starts.
            store = s3_store_process(
                host=self.host, port=self.ports.s3, root=self.data_dir / "s3", on_output=output
            )
            self._infrastructure.append(store)
            store.start()
            await self._wait_ready([(store, s3_readiness(self.s3_endpoint))])
        broker = tansu_process(
            host=self.host,
            port=self.ports.kafka,
            s3_endpoint=self.s3_endpoint,
            on_output=output,
            advertised_port=self.kafka_via_port,
        )
        database = secantus_process(
            host=self.host, port=self.ports.mongodb, storage=storage, on_output=output
        )
        mail = ManagedProcess(
            "mail",
            [
                sys.executable,
                "-m",
                "digitalwell_devstack.smtp_sink",
                "--host",
                self.host,
                "--smtp-port",
                str(self.ports.smtp),
                "--http-port",
                str(self.ports.mail_ui),
                *(
                    ["--journal", str(self.data_dir / "mail" / "messages.jsonl")]
                    if self.data_dir is not None
                    else []
                ),
            ],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            on_output=output,
        )
        started = [broker, database, mail]
        self._infrastructure += started
        for process in started:
            process.start()
        await self._wait_ready(
            [
                (broker, broker_readiness(self.kafka_bootstrap_servers)),
                (database, database_readiness(self.mongodb_url)),
                (mail, http_readiness(f"{self.mail_ui_url}/api/v1/messages?limit=1")),
            ]
        )

    async def _start_services(self) -> None:
        for spec in self.services:
            process = ManagedProcess(
                spec.name,
                [sys.executable, "-m", spec.module],
                env=self.service_env(spec),
                on_output=self.console.line,
            )
            self._services.append(process)
            process.start()
        await self._wait_ready(
            [
                (process, http_readiness(f"{self.service_url(spec.name)}/readyz"))
                for process, spec in zip(self._services, self.services, strict=True)
            ]
        )

    async def _wait_ready(self, waits: list[tuple[ManagedProcess, Readiness]]) -> None:
        """Wait for all at once; the first failure cancels the other waits and is raised."""
        self._readiness |= {process.name: readiness for process, readiness in waits}
        if not waits:
            return
        tasks = [
            asyncio.create_task(process.wait_ready(readiness, timeout=self.startup_timeout))
            for process, readiness in waits
        ]
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            if (error := task.exception()) is not None:
                raise error
