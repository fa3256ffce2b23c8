"""`make bench`'s quick variant, run by `make test`: every benchmark, tiny counts, its own stack.

No timing threshold: a benchmark passes when it runs and gives a value for each of its figures,
so one that breaks (a changed contract, API or setting) fails here rather than rotting unseen.
`make bench-quick` runs the same (``python -m benchmarks --quick --own-stack``); a benchmark
added to benchmarks/__main__.py's BENCHMARKS is run here too.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest

from benchmarks.__main__ import BENCHMARKS, own_stack, run_all
from benchmarks.figures import Figure, Kind, System, count, table
from digitalwell_devstack.console import Console

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def system() -> AsyncIterator[System]:
    output = io.StringIO()
    try:
        async with own_stack(Console(output)) as running:
            yield running
    finally:
        # Shown by pytest only when a test fails: the stack's own account of what happened.
        print(output.getvalue()[-20000:])  # noqa: T201


@pytest.mark.timeout(900)
async def test_every_benchmark_runs_and_prints_each_of_its_figures(system: System):
    printed = io.StringIO()

    outcomes = await run_all(system, quick=True, out=printed)

    report = printed.getvalue()
    print(report)  # noqa: T201 -- the table, when a benchmark fails
    assert [o.benchmark.name for o in outcomes] == [b.name for b in BENCHMARKS]
    assert [f"{o.benchmark.name} {o.problem}" for o in outcomes if o.problem] == []
    for benchmark in BENCHMARKS:
        for name in benchmark.figures:
            assert f"| {name} | " in report, f"{benchmark.name} did not print {name!r}"
    assert "Problems:" not in report


def test_the_table_gives_rates_and_times_in_raw_transactions():
    figures = [
        Figure("submissions/s", 50.0, Kind.RATE),
        Figure("submit → receipt p50", 20.0, Kind.MILLISECONDS),
        count("receipts arrived", 7),
    ]

    printed = table(figures, raw_rate=200.0)

    # A rate ÷ the raw rate; a time ÷ one raw transaction's time (5 ms at 200/s).
    assert "| submissions/s | 50.0 /s | 0.25 |" in printed
    assert "| submit → receipt p50 | 20.0 ms | 4.00 |" in printed
    assert "| receipts arrived | 7 | - |" in printed
