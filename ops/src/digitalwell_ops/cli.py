"""The operators' command, ``digitalwell``: generate, topics, lag, DLQ replay, outbox, keys, export.

Broker and database addresses come from the services' own settings (the same ``<PREFIX>*``
environment variables), unless given with ``--bootstrap-servers`` or ``--mongodb-url``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson import json_util
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from pydantic_settings import SettingsConfigDict

from digitalwell_ops import broker, data, generate
from digitalwell_ops.system import SERVICES, service, topic_partitions, wiring
from digitalwell_shared.kafka_security import aiokafka_options
from digitalwell_shared.settings import ServiceSettings

Command = Callable[[argparse.Namespace], Awaitable[int]]


class OpsSettings(ServiceSettings):
    """The operator's own broker principal and TLS: ``OPS_KAFKA_SASL_USERNAME`` and so on.

    The same broker settings as a service's, so one mapping (``aiokafka_options``) serves both;
    the fields that only a service uses are unused here.
    """

    model_config = SettingsConfigDict(env_prefix="OPS_", extra="ignore", frozen=True)

    mongodb_database: str = ""
    http_port: int = 0


def _bootstrap(arguments: argparse.Namespace, name: str = "intake") -> str:
    given: str | None = arguments.bootstrap_servers
    return given or service(name).settings_class().kafka_bootstrap_servers


def _security() -> Mapping[str, Any]:
    """Aiokafka's TLS and SASL arguments for the operator's principal."""
    return aiokafka_options(OpsSettings())


async def _generate(arguments: argparse.Namespace) -> int:
    root = Path(arguments.root)
    if arguments.check:
        stale = generate.out_of_date(root)
        breaks = generate.breaking_changes(root)
        if breaks:
            print(generate.describe_breaks(breaks), file=sys.stderr)
        if stale:
            print("Out of date (run `digitalwell generate` or `make generate`):", file=sys.stderr)
            for path in stale:
                print(f"  {path}", file=sys.stderr)
        return 1 if stale or breaks else 0
    try:
        generate.write(root, accept_breaking=arguments.accept_breaking, report=print)
    except generate.BreakingChangeError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


async def _create_topics(arguments: argparse.Namespace) -> int:
    result = await broker.create_topics(
        _bootstrap(arguments),
        topic_partitions(),
        replication_factor=arguments.replication_factor,
        security=_security(),
    )
    for topic in result.created:
        print(f"created {topic} ({topic_partitions()[topic]} partitions)")
    for topic in result.existing:
        print(f"exists  {topic}")
    return 0


async def _lag(arguments: argparse.Namespace) -> int:
    groups = arguments.group or [each.service for each in wiring() if each.consumes]
    consumed = {each.service: list(each.consumes) for each in wiring()}
    unknown = [group for group in groups if group not in consumed]
    if unknown:
        print(f"unknown consumer groups: {', '.join(unknown)}", file=sys.stderr)
        return 2
    rows = await broker.consumer_lag(
        _bootstrap(arguments), {g: consumed[g] for g in groups}, security=_security()
    )
    print(f"{'group':<10} {'topic':<36} {'part':>4} {'committed':>10} {'end':>10} {'lag':>8}")
    for row in rows:
        committed = "-" if row.committed is None else str(row.committed)
        lag = f"+{row.beyond_end}!" if row.beyond_end else str(row.lag)
        print(
            f"{row.group:<10} {row.topic:<36} {row.partition:>4} {committed:>10} "
            f"{row.end:>10} {lag:>8}"
        )
    anomalies = [row for row in rows if row.beyond_end]
    for row in anomalies:
        print(
            f"anomaly: {row.group} committed {row.committed} on {row.topic}/{row.partition}, "
            f"{row.beyond_end} beyond its end {row.end}: the broker lost records "
            "(see the runbook, 'Committed offsets beyond the end')",
            file=sys.stderr,
        )
    for group in groups:
        print(f"{group}: {sum(row.lag for row in rows if row.group == group)} events behind")
    return 1 if anomalies else 0


async def _replay(arguments: argparse.Namespace) -> int:
    def report(item: broker.Replayed) -> None:
        verb = "would replay" if arguments.dry_run else "replayed"
        print(
            f"{verb} {item.dead_letter_topic}/{item.partition}/{item.offset} -> {item.topic} "
            f"for={item.group or 'every group'} key={item.key} error={item.error[:120]!r}"
        )

    replayed = await broker.replay_dead_letters(
        _bootstrap(arguments),
        arguments.topic,
        group=arguments.replay_group,
        dry_run=arguments.dry_run,
        security=_security(),
        on_replayed=report,
    )
    print(f"{len(replayed)} dead letters {'to replay' if arguments.dry_run else 'replayed'}")
    return 0


def _database_of(arguments: argparse.Namespace, name: str) -> tuple[str, str]:
    settings = service(name).settings_class()
    return arguments.mongodb_url or settings.mongodb_url, settings.mongodb_database


async def _outbox(arguments: argparse.Namespace) -> int:
    url, name = _database_of(arguments, arguments.service)
    database, close = await data.open_database(url, name)
    try:
        before = await data.outbox_state(database)
        oldest = before.oldest_pending_at
        age = f", oldest from {oldest.isoformat()}" if oldest else ""
        print(f"{arguments.service}: {before.pending} outbox entries pending{age}")
        if arguments.republish and before.pending:
            total = await data.republish_outbox(
                database,
                _bootstrap(arguments, arguments.service),
                security=_security(),
                on_batch=lambda count: print(f"published {count}"),
            )
            after = await data.outbox_state(database)
            print(f"published {total}; {after.pending} pending now")
    finally:
        await close()
    return 0


async def _export(arguments: argparse.Namespace) -> int:
    export: dict[str, object] = {
        "application_id": arguments.application_id,
        "exported_at": datetime.now(UTC),
    }
    for each in SERVICES:
        url, name = _database_of(arguments, each.name)
        database, close = await data.open_database(url, name)
        try:
            export[each.name] = await data.application_documents(database, arguments.application_id)
        finally:
            await close()
    text = json_util.dumps(export, json_options=json_util.RELAXED_JSON_OPTIONS, indent=2)
    if arguments.output == "-":
        print(text)
    else:
        await asyncio.to_thread(Path(arguments.output).write_text, text + "\n", encoding="utf-8")
        print(f"wrote {arguments.output}", file=sys.stderr)
    return 0


async def _staff_key(arguments: argparse.Namespace) -> int:
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    kid = arguments.key_id or f"k{datetime.now(UTC):%Y%m%d}"
    print(f"INTAKE_STAFF_SIGNING_KEY={kid}:{b64(seed)}")
    print(f"<PREFIX>STAFF_VERIFY_KEYS={kid}:{b64(public)}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per task."""
    top = argparse.ArgumentParser(prog="digitalwell", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    def command(
        name: str, run: Command, help_text: str, *, kafka: bool = False, mongodb: bool = False
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if kafka:
            sub.add_argument("--bootstrap-servers", help="Kafka brokers (default: from settings)")
        if mongodb:
            sub.add_argument("--mongodb-url", help="MongoDB for every service (default: settings)")
        sub.set_defaults(run=run)
        return sub

    gen = command(
        "generate",
        _generate,
        "write contracts/, docker-compose.yml, deploy/base and the README's settings table",
    )
    gen.add_argument("--root", default=".", help="the repository's root (default: here)")
    gen.add_argument("--check", action="store_true", help="only say what is out of date")
    gen.add_argument(
        "--accept-breaking",
        action="append",
        default=[],
        metavar="TOPIC",
        help="let TOPIC's schema change in a breaking way (only if never released)",
    )

    topics = command(
        "create-topics",
        _create_topics,
        "create every topic and DLQ with its partitions",
        kafka=True,
    )
    topics.add_argument("--replication-factor", type=int, default=1)

    lag = command("lag", _lag, "show each consumer group's lag per partition", kafka=True)
    lag.add_argument("--group", action="append", help="a service's group (default: all)")

    replay = command(
        "replay-dlq",
        _replay,
        "send a dead-letter topic's events back to their topic, once, after the cause is fixed",
        kafka=True,
    )
    replay.add_argument("topic", help="the dead-letter topic, e.g. forum.booked.v1.dlq")
    replay.add_argument("--dry-run", action="store_true", help="list, send nothing, commit nothing")
    replay.add_argument(
        "--replay-group",
        default=broker.REPLAY_GROUP,
        help="consumer group that remembers what was replayed (default: %(default)s)",
    )

    outbox = command(
        "outbox",
        _outbox,
        "show a service's pending outbox; --republish publishes what is stuck",
        kafka=True,
        mongodb=True,
    )
    outbox.add_argument("service", choices=[each.name for each in SERVICES])
    outbox.add_argument("--republish", action="store_true", help="publish the pending entries")

    key = command(
        "staff-key",
        _staff_key,
        "make a new key pair for staff session tokens: intake's private key, everyone's public key",
    )
    key.add_argument("--key-id", help="the key id tokens name (default: k<today's date>)")

    export = command(
        "export",
        _export,
        "everything every service stores about one application, as JSON",
        mongodb=True,
    )
    export.add_argument("application_id")
    export.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
    return top


def main(argv: Sequence[str] | None = None) -> None:
    """Run one sub-command and exit with its status."""
    arguments = parser().parse_args(argv)
    raise SystemExit(asyncio.run(arguments.run(arguments)))
