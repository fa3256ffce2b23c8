"""A child process that is started, waited on until it answers, and stopped gently then firmly."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

OutputHandler = Callable[[str, str], None]
"""Receives (process name, one line of its output without the newline)."""

_CHECK_INTERVAL_SECONDS = 0.1
_POLL_SECONDS = 0.05
_TAIL_SHOWN = 25


@dataclass(frozen=True)
class Readiness:
    """How to tell that a process is ready: an async check and what it checks, for messages."""

    description: str
    check: Callable[[], Awaitable[bool]]


class ProcessError(RuntimeError):
    """A managed process failed to start; the message ends with the tail of its output."""

    def __init__(self, name: str, problem: str, tail: Sequence[str]) -> None:
        self.name = name
        self.problem = problem
        self.tail = list(tail)
        super().__init__(f"{name} {problem}{format_tail(self.tail)}")


class ProcessExitedError(ProcessError):
    """The process ended before it became ready."""


class ProcessNotReadyError(ProcessError):
    """The process kept running but did not become ready in time."""


async def _until(condition: Callable[[], bool]) -> None:
    """Poll a condition that no event announces.

    Popen has no awaitable wait, and a thread blocked in wait() per child would take the
    default executor's few workers from everything else, so the loop polls.
    """
    while not condition():  # noqa: ASYNC110 -- see above: nothing to await
        await asyncio.sleep(_POLL_SECONDS)


def describe_exit(code: int | None) -> str:
    """``exited with code 3`` or ``was killed by SIGKILL``, for messages."""
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def format_tail(tail: Sequence[str]) -> str:
    """The last lines of a process's output, indented under a heading; empty for no output."""
    if not tail:
        return "; it printed nothing"
    shown = "\n".join(f"    {line}" for line in tail[-_TAIL_SHOWN:])
    return f"; the last lines of its output:\n{shown}"


class ManagedProcess:
    """One child process with its output captured line by line.

    The child gets its own process group, so a Ctrl-C in the terminal reaches only the runner,
    which then stops children in the order it chooses. Output is read by a thread, not by the
    event loop: a pipe must keep draining even while the loop is busy or not running (a sync
    test), or a chatty child would block on a full pipe.
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        on_output: OutputHandler | None = None,
        tail_lines: int = 200,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self._env = dict(env) if env is not None else None
        self._cwd = cwd
        self._on_output = on_output
        self._tail: deque[str] = deque(maxlen=tail_lines)
        self._popen: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return self._popen.pid if self._popen is not None else None

    @property
    def returncode(self) -> int | None:
        """The exit code once the child has ended (negative: killed by that signal), else None."""
        return self._popen.poll() if self._popen is not None else None

    @property
    def running(self) -> bool:
        """Started and not yet ended."""
        return self._popen is not None and self._popen.poll() is None

    def tail(self) -> list[str]:
        """The last lines the child printed."""
        return list(self._tail)

    def start(self) -> None:
        """Start the child, or again once it has ended; returns at once (see wait_ready)."""
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        self._popen = subprocess.Popen(
            self.argv,
            env=self._env,
            cwd=self._cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        # stdout=PIPE guarantees a stream.
        stream = cast("IO[bytes]", self._popen.stdout)
        self._reader = threading.Thread(
            target=self._read_output, args=(stream,), name=f"{self.name}-output", daemon=True
        )
        self._reader.start()

    async def wait_ready(self, readiness: Readiness, *, timeout: float) -> None:  # noqa: ASYNC109 -- the error names the time it waited
        """Poll ``readiness`` until it holds; raise if the child ends or time runs out."""
        try:
            async with asyncio.timeout(timeout):
                while not await readiness.check():
                    if not self.running:
                        break
                    await asyncio.sleep(_CHECK_INTERVAL_SECONDS)
        except TimeoutError:
            raise ProcessNotReadyError(
                self.name,
                f"was not ready after {timeout:g} s ({readiness.description})",
                self.tail(),
            ) from None
        if not self.running:
            await self._drain_output()
            raise ProcessExitedError(
                self.name, f"{describe_exit(self.returncode)} while starting", self.tail()
            )

    async def wait_exit(self) -> int:
        """Wait until the child ends and return its exit code."""
        popen = self._started()
        await _until(lambda: popen.poll() is not None)
        return popen.wait()

    async def stop(self, *, grace: float) -> int | None:
        """SIGTERM, then SIGKILL if the child is still running after ``grace`` seconds.

        Returns the exit code, or None when the child was never started.
        """
        if self._popen is None:
            return None
        popen = self._popen
        if popen.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(grace):
                    await _until(lambda: popen.poll() is not None)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await _until(lambda: popen.poll() is not None)
        await self._drain_output()
        return popen.returncode

    async def _drain_output(self) -> None:
        """Let the reader take the last lines of an ended child, so the tail is complete."""
        reader = self._reader
        if reader is not None:
            # The pipe closes when the child ends, unless a grandchild kept it open: don't hang.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await _until(lambda: not reader.is_alive())

    def _started(self) -> subprocess.Popen[bytes]:
        if self._popen is None:
            raise RuntimeError(f"{self.name} has not been started")
        return self._popen

    def kill(self) -> None:
        """SIGKILL the child's whole group at once, as a crash or the OOM killer would."""
        self._signal(signal.SIGKILL)

    def _signal(self, signum: signal.Signals) -> None:
        if self._popen is None:
            return
        # The whole group, so that anything the child started goes too; it may be gone already.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._popen.pid, signum)

    def _read_output(self, stream: IO[bytes]) -> None:
        with stream:
            for raw in stream:
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                self._tail.append(line)
                if self._on_output is not None:
                    self._on_output(self.name, line)
