"""``python -m digitalwell_devstack``: run the whole system until Ctrl-C (``make run``)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import PortInUseError, PortSettingError, ensure_free
from digitalwell_devstack.process import ProcessError
from digitalwell_devstack.stack import (
    Stack,
    StackPorts,
    data_dir_from_env,
    services_from_env,
)

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _fail(message: str) -> int:
    sys.stderr.write(f"digitalwell: {message}\n")
    return 1


async def _run(stack: Stack) -> int:
    """Start, wait for a stop signal or a part that ends, stop; the process's exit code."""
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, stop_requested.set)
    try:
        return await _start_and_watch(stack, stop_requested)
    finally:
        # Whatever happened above (even an error of the runner itself), no child outlives it.
        await stack.stop()
        stack.console.say("stopped")


async def _start_and_watch(stack: Stack, stop_requested: asyncio.Event) -> int:
    stop_wait = asyncio.create_task(stop_requested.wait())
    starting = asyncio.create_task(stack.start())
    await asyncio.wait({starting, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        # Stopped during start-up: start() stops whatever it had started when cancelled.
        starting.cancel()
        await asyncio.gather(starting, return_exceptions=True)
        return 0
    try:
        starting.result()
    except PortInUseError as error:
        return _fail(str(error))
    except ProcessError as error:
        return _fail(str(error))

    stack.console.say(stack.summary())
    # A part that dies is restarted with back-off (saying so), as compose and Kubernetes would.
    stack.supervise()
    await stop_wait
    return 0


def main() -> int:
    """Run the embedded system with ports and data directory from the environment."""
    try:
        stack = Stack(
            ports=StackPorts.from_env(os.environ),
            services=services_from_env(os.environ),
            data_dir=data_dir_from_env(os.environ),
            console=Console(),
        )
        # Checked here as well as in start(), so that a taken port is one line and nothing else.
        ensure_free(stack.host, stack.bindings())
    except (PortSettingError, PortInUseError) as error:
        return _fail(str(error))
    return asyncio.run(_run(stack))


if __name__ == "__main__":
    raise SystemExit(main())
