"""Child processes: a crash or a hang while starting is named with its output; stop escalates."""

from __future__ import annotations

import signal
import sys

import pytest

from digitalwell_devstack.process import (
    ManagedProcess,
    ProcessExitedError,
    ProcessNotReadyError,
    Readiness,
)


def _python(name: str, code: str) -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-c", code])


def _printed(process: ManagedProcess, text: str) -> Readiness:
    async def check() -> bool:
        return text in process.tail()

    return Readiness(f"it prints {text!r}", check)


async def test_a_child_that_dies_while_starting_is_named_with_the_tail_of_its_output():
    process = _python("broken", "import sys; print('cannot open the store'); sys.exit(3)")
    process.start()

    with pytest.raises(ProcessExitedError) as raised:
        await process.wait_ready(_printed(process, "ready"), timeout=10)

    assert str(raised.value).startswith("broken exited with code 3 while starting")
    assert "    cannot open the store" in str(raised.value)


async def test_a_child_that_never_becomes_ready_is_reported_after_the_timeout():
    process = _python("slow", "import time; print('warming up', flush=True); time.sleep(30)")
    process.start()
    try:
        with pytest.raises(ProcessNotReadyError) as raised:
            await process.wait_ready(_printed(process, "ready"), timeout=0.5)
    finally:
        await process.stop(grace=5)

    assert "slow was not ready after 0.5 s (it prints 'ready')" in str(raised.value)
    assert "warming up" in str(raised.value)


async def test_stop_kills_a_child_that_ignores_sigterm_after_the_grace_period():
    process = _python(
        "stubborn",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(30)",
    )
    process.start()
    await process.wait_ready(_printed(process, "ready"), timeout=10)

    code = await process.stop(grace=0.5)

    assert code == -signal.SIGKILL
    assert not process.running


async def test_stop_lets_a_child_finish_on_sigterm():
    process = _python(
        "polite",
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: (print('bye', flush=True), sys.exit(0)))\n"
        "print('ready', flush=True)\n"
        "time.sleep(30)\n",
    )
    process.start()
    await process.wait_ready(_printed(process, "ready"), timeout=10)

    assert await process.stop(grace=10) == 0
    assert process.tail()[-1] == "bye"
