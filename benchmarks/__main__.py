"""``python -m benchmarks``: every benchmark, one table, each figure beside the raw store rate.

    make bench         # against `make run`, full counts (minutes)
    make bench-quick   # tiny counts against a stack of its own (what `make test` checks)

The store's raw transaction rate (benchmarks/store_transactions.py) is measured first, in the
same run, and every figure is also given in raw transactions (benchmarks/figures.py). A benchmark
that fails, or leaves one of its figures without a value, is named under the table and makes the
exit code 1; no figure is judged against a threshold.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from benchmarks import (
    broker_durability,
    database_durability,
    forum_booking_burst,
    notify_throughput,
    store_long_run,
    store_transactions,
    submit_to_receipt,
)
from benchmarks.figures import Figure, System, table
from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import free_port
from digitalwell_devstack.stack import DEFAULT_SERVICES, ServiceSpec, Stack, StackPorts

STARTUP_SECONDS = 180.0
"""How long the quick run's own stack may take to start: a machine busy with tests is slow."""


@dataclass(frozen=True)
class Benchmark:
    """One benchmark: how to run it and the figures it must give."""

    name: str
    run: Callable[..., Awaitable[list[Figure]]]
    """Called as ``run(system, quick=...)``."""
    figures: tuple[str, ...]


RAW = Benchmark("store_transactions", store_transactions.figures, store_transactions.FIGURES)
BENCHMARKS = (
    RAW,
    Benchmark(
        "submit_to_receipt, one at a time",
        submit_to_receipt.one_at_a_time,
        submit_to_receipt.figure_names(submit_to_receipt.ONE_AT_A_TIME),
    ),
    Benchmark(
        "submit_to_receipt, concurrently",
        submit_to_receipt.concurrently,
        submit_to_receipt.figure_names(submit_to_receipt.CONCURRENT),
    ),
    Benchmark("forum_booking_burst", forum_booking_burst.figures, forum_booking_burst.FIGURES),
    Benchmark("notify_throughput", notify_throughput.figures, notify_throughput.FIGURES),
    Benchmark("store_long_run", store_long_run.figures, store_long_run.FIGURES),
    Benchmark("database_durability", database_durability.figures, database_durability.FIGURES),
    Benchmark("broker_durability", broker_durability.figures, broker_durability.FIGURES),
)
"""Every benchmark, the raw store rate first; a new benchmark is added here (and so to the test
tests/benchmarks/test_quick_benchmarks.py and to `make bench`)."""


@dataclass
class Outcome:
    """What one benchmark gave: its figures, or what went wrong."""

    benchmark: Benchmark
    figures: list[Figure] = field(default_factory=list)
    problem: str | None = None


async def run_one(benchmark: Benchmark, system: System, *, quick: bool) -> Outcome:
    """Run ``benchmark``; a failure or a figure it owes is the outcome's problem, not a crash."""
    outcome = Outcome(benchmark)
    try:
        outcome.figures = await benchmark.run(system, quick=quick)
    except Exception as error:  # noqa: BLE001 -- one broken benchmark must not hide the others
        outcome.problem = f"failed: {error!r}"[:500]
        return outcome
    given = {f.name for f in outcome.figures if f.value is not None}
    missing = [name for name in benchmark.figures if name not in given]
    if missing:
        outcome.problem = f"gave no value for {', '.join(missing)}"
    return outcome


async def run_all(
    system: System, *, quick: bool, out: TextIO = sys.stdout, only: list[str] | None = None
) -> list[Outcome]:
    """Run the benchmarks (``only`` those named), then print the one table to ``out``."""
    outcomes = []
    for benchmark in BENCHMARKS:
        if only is not None and benchmark is not RAW and benchmark.name not in only:
            continue
        out.write(f"running {benchmark.name} ...\n")
        out.flush()
        outcomes.append(await run_one(benchmark, system, quick=quick))
    raw = next((f for f in outcomes[0].figures if f.name == store_transactions.RAW_RATE), None)
    out.write(report(outcomes, raw.value if raw is not None else None, quick=quick))
    out.flush()
    return outcomes


def report(outcomes: list[Outcome], raw_rate: float | None, *, quick: bool) -> str:
    """The table of every figure, with the date, the machine and any benchmark's problem."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    scale = "quick (tiny counts: checks that each runs, the values mean nothing)" if quick else ""
    head = f"\nBenchmarks, {when}, {os.cpu_count()} cores{', ' + scale if scale else ''}\n\n"
    figures = [figure for outcome in outcomes for figure in outcome.figures]
    problems = [f"- {o.benchmark.name} {o.problem}" for o in outcomes if o.problem]
    tail = "\n\nProblems:\n" + "\n".join(problems) if problems else ""
    return f"{head}{table(figures, raw_rate)}{tail}\n"


@asynccontextmanager
async def own_stack(console: Console | None = None) -> AsyncIterator[System]:
    """The embedded system on free ports, data in memory, for the quick run; its addresses."""
    services = [
        ServiceSpec(s.name, s.module, free_port("127.0.0.1"), s.sends_mail)
        for s in DEFAULT_SERVICES
    ]
    stack = Stack(
        ports=StackPorts.free(),
        services=services,
        console=console if console is not None else Console(io.StringIO()),
        startup_timeout=STARTUP_SECONDS,
    )
    async with stack:
        yield System.of(stack)


async def _main(arguments: argparse.Namespace) -> int:
    if arguments.own_stack:
        async with own_stack() as system:
            outcomes = await run_all(system, quick=arguments.quick, only=arguments.only)
    else:
        outcomes = await run_all(System.from_env(), quick=arguments.quick, only=arguments.only)
    return 1 if any(o.problem for o in outcomes) else 0


def main() -> int:
    """``make bench`` / ``make bench-quick``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts")
    parser.add_argument("--own-stack", action="store_true", help="start a stack on free ports")
    parser.add_argument(
        "--only", action="append", choices=[b.name for b in BENCHMARKS], help="only these"
    )
    return asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
