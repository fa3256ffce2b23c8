"""What every benchmark shares: its figures, the table they are printed in, the system's addresses.

A benchmark returns a list of ``Figure``: a name, a value and its kind. ``python -m benchmarks``
prints every benchmark's figures in one table with each figure's ratio to the store's own raw
transaction rate measured in the same run (benchmarks/store_transactions.py): a rate divided by
the raw rate, a time divided by one raw transaction's time. So a figure reads as "this many raw
transactions' worth", which stays comparable between a quiet and a busy machine.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Self

from digitalwell_devstack.layout import (
    HOST,
    StackPorts,
    database_process_name,
    services_from_env,
)
from digitalwell_devstack.servers import mongodb_url
from digitalwell_devstack.stack import Stack


class Kind(StrEnum):
    """What a figure measures, which decides its unit and how its ratio is taken."""

    RATE = "/s"
    MILLISECONDS = "ms"
    COUNT = ""
    FACTOR = "x"


@dataclass(frozen=True)
class Figure:
    """One measured value; ``None`` when there was nothing to measure it on."""

    name: str
    value: float | None
    kind: Kind

    def ratio(self, raw_rate: float | None) -> float | None:
        """The figure in raw transactions: a rate ÷ raw rate, a time ÷ one raw transaction."""
        if self.value is None or not raw_rate:
            return None
        if self.kind is Kind.RATE:
            return self.value / raw_rate
        if self.kind is Kind.MILLISECONDS:
            return self.value / (1000.0 / raw_rate)
        return None

    def shown(self) -> str:
        """The value with its unit, e.g. ``212 /s`` or ``4.1 ms``."""
        if self.value is None:
            return "-"
        if self.kind is Kind.COUNT:
            return f"{self.value:.0f}"
        if self.kind is Kind.FACTOR:
            return f"{self.value:.2f} x"
        digits = 1 if abs(self.value) < 100 else 0
        return f"{self.value:.{digits}f} {self.kind.value}"


def rate(name: str, count: int, seconds: float) -> Figure:
    """``count`` things in ``seconds``, as a rate (None when nothing was timed)."""
    return Figure(name, count / seconds if seconds > 0 else None, Kind.RATE)


def milliseconds(name: str, seconds: float | None) -> Figure:
    """A time in seconds, shown in milliseconds."""
    return Figure(name, seconds * 1000 if seconds is not None else None, Kind.MILLISECONDS)


def count(name: str, value: int) -> Figure:
    """A number of things, e.g. receipts that arrived."""
    return Figure(name, float(value), Kind.COUNT)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The value below which ``fraction`` of ``values`` lie (nearest rank); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time a process has used so far (Linux /proc), or None when it cannot be read.

    Unlike a rate, a process's CPU time per operation hardly moves when other processes load
    the machine, so it compares a busy run with a quiet one.
    """
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listening_pid(port: int) -> int | None:
    """The process listening on TCP ``port`` of this machine (Linux /proc), if it can be found."""
    inodes = set()
    for table_file in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table_file).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            columns = row.split()
            if columns[3] == "0A" and int(columns[1].rpartition(":")[2], 16) == port:
                inodes.add(f"socket:[{columns[9]}]")
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(str(fd.readlink()) in inodes for fd in fd_dir.iterdir()):
                return int(fd_dir.parent.name)
        except OSError:
            continue
    return None


def table(figures: Iterable[Figure], raw_rate: float | None = None) -> str:
    """A Markdown table of the figures; with ``raw_rate``, each figure's ratio to it."""
    if raw_rate is None:
        lines = ["| figure | value |", "|---|---|"]
        lines += [f"| {f.name} | {f.shown()} |" for f in figures]
        return "\n".join(lines)
    lines = ["| figure | value | in raw transactions |", "|---|---|---|"]
    for figure in figures:
        ratio = figure.ratio(raw_rate)
        lines.append(f"| {figure.name} | {figure.shown()} | {_ratio(ratio)} |")
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


@dataclass(frozen=True)
class System:
    """Where the running system answers: ``make run``'s addresses, or a stack's."""

    intake: str
    forums: tuple[str, ...]
    mail_api: str
    bootstrap: str
    database: str
    """intake's own database (the store on the submit path), for the store's benchmarks."""
    database_pid: int | None = None
    """That database server's process, for its CPU time; None when it is not known."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """``make run``'s addresses, moved by the same DIGITALWELL_*_PORT variables."""
        environ = os.environ if environ is None else environ
        ports = StackPorts.from_env(environ)
        services = {s.name: s.port for s in services_from_env(environ)}
        return cls(
            intake=f"http://{HOST}:{services['intake']}",
            forums=(f"http://{HOST}:{services['forum']}",),
            mail_api=f"http://{HOST}:{ports.mail_ui}",
            bootstrap=f"{HOST}:{ports.kafka}",
            database=mongodb_url(HOST, ports.database("intake")),
            database_pid=listening_pid(ports.database("intake")),
        )

    @classmethod
    def of(cls, stack: Stack) -> Self:
        """The addresses of a stack this process started."""
        return cls(
            intake=stack.service_url("intake"),
            forums=(stack.service_url("forum"),),
            mail_api=stack.mail_ui_url,
            bootstrap=stack.kafka_bootstrap_servers,
            database=stack.database_url("intake"),
            database_pid=stack.process(database_process_name("intake")).pid,
        )
