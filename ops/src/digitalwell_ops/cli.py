"""The operators' command, ``digitalwell``: generate, topics, lag, DLQ replay, outbox, export."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from digitalwell_ops import generate


def _generate(arguments: argparse.Namespace) -> int:
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


def parser() -> argparse.ArgumentParser:
    """The command line, one sub-command per task."""
    top = argparse.ArgumentParser(prog="digitalwell", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    gen = commands.add_parser(
        "generate",
        help="write contracts/, docker-compose.yml, deploy/base and the README's settings table",
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
    gen.set_defaults(run=_generate)
    return top


def main(argv: Sequence[str] | None = None) -> None:
    """Run one sub-command and exit with its status."""
    arguments = parser().parse_args(argv)
    raise SystemExit(arguments.run(arguments))
