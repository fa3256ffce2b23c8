"""The block of addresses ``make run`` prints once everything is up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from digitalwell_devstack.layout import DEMO_STAFF_PASSWORD

if TYPE_CHECKING:
    from digitalwell_devstack.stack import Stack


def running_summary(stack: Stack) -> str:
    """Every address of the running stack, where its data is, and how to sign in."""
    data_dir = stack.data_dir
    topics = f"topics in {data_dir / 's3'}" if data_dir is not None else "topics in memory"
    rows = [("Kafka broker (Tansu)", f"{stack.kafka_bootstrap_servers}   {topics}")]
    for name in stack.databases:
        folder = stack.database_dir(name)
        data = f"data in {folder}" if folder is not None else "data in memory"
        rows.append((f"MongoDB of {name} (SecantusDB)", f"{stack.database_url(name)}   {data}"))
    rows += [
        ("SMTP sink", f"{stack.host}:{stack.ports.smtp}"),
        ("Mail UI and API", f"{stack.mail_ui_url}/"),
    ]
    for spec in stack.services:
        url = stack.service_url(spec.name)
        rows += [(spec.name, f"{url}/"), ("", f"{url}/asyncapi"), ("", f"{url}/metrics")]
    if any(spec.name == "intake" for spec in stack.services):
        rows += [
            ("Staff sign-in", f"{stack.service_url('intake')}/staff/sign-in"),
            ("", "chair@example.org, member1@, member2@, coordinator@, officer@, admin@"),
            ("", f"password {DEMO_STAFF_PASSWORD} (demo accounts, development only)"),
        ]
    width = max(len(label) for label, _ in rows) + 3
    lines = [f"  {label.ljust(width)}{address}" for label, address in rows]
    notes = shared_database_note(data_dir)
    return "\n".join(["", "DigitalWell is running:", *lines, *notes, "", "Ctrl-C stops it.", ""])


def shared_database_note(data_dir: Path | None) -> list[str]:
    """Lines saying that an older layout's one shared database is left unread, if there is one.

    Before each service had its own server, ``data/secantus`` itself was the one database of
    all four services; the servers now keep theirs in ``data/secantus/<service>``.
    """
    if data_dir is None or not (data_dir / "secantus" / "WiredTiger").exists():
        return []
    return [
        "",
        f"  Note: {data_dir / 'secantus'} also holds the one database all services shared before",
        "  each had its own; it is no longer read. Delete the data folder to start clean.",
    ]
