"""Child processes' output multiplexed onto one stream, each line prefixed with a coloured name."""

from __future__ import annotations

import os
import sys
import threading
from typing import TextIO

_RESET = "\x1b[0m"
_COLOURS = ("\x1b[36m", "\x1b[33m", "\x1b[32m", "\x1b[35m", "\x1b[34m", "\x1b[91m", "\x1b[92m")


def wants_colour(stream: TextIO) -> bool:
    """Colour only a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return stream.isatty() and "NO_COLOR" not in os.environ


class Console:
    """Writes ``name | line`` for every child, like honcho; safe to call from reader threads."""

    def __init__(self, stream: TextIO | None = None, *, name_width: int = 10) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._colour = wants_colour(self._stream)
        self._name_width = name_width
        self._colours: dict[str, str] = {}
        # Reader threads of several children write at once; one lock keeps lines whole.
        self._lock = threading.Lock()
        self._closed = False

    @property
    def is_terminal(self) -> bool:
        """Whether the output goes to a terminal (children then log for people, else JSON)."""
        return self._stream.isatty()

    def line(self, name: str, text: str) -> None:
        """Write one line of ``name``'s output."""
        label = name.ljust(self._name_width)
        if self._colour:
            colour = self._colours.setdefault(name, _COLOURS[len(self._colours) % len(_COLOURS)])
            label = f"{colour}{label} |{_RESET}"
        else:
            label = f"{label} |"
        self._write(f"{label} {text}\n")

    def say(self, text: str) -> None:
        """Write the runner's own message, unprefixed so it stands out from the children's."""
        self._write(f"{text}\n")

    def _write(self, text: str) -> None:
        with self._lock:
            if self._closed:
                return
            try:
                self._stream.write(text)
                self._stream.flush()
            except (BrokenPipeError, ValueError):
                # Whoever read the output went away (`| head`); the children must keep running
                # and their pipes keep draining, so drop the output rather than fail.
                self._closed = True
