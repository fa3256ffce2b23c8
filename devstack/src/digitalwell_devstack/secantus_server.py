"""SecantusDB's own command line, plus the transaction lifetime limit it takes only in code.

SecantusDB 0.7 reaps a transaction left idle longer than ``transaction_lifetime_seconds`` (its
counterpart of mongod's ``transactionLifetimeLimitSeconds``), but only its
``SecantusDBServer`` constructor takes that value: neither ``python -m secantus``'s flags, nor
secantusd.toml, nor ``setParameter`` do, and the daemon keeps mongod's 60 s. A process killed
inside a transaction then holds the documents it wrote (intake's case-number counter) for a
minute. This module runs SecantusDB's own ``main`` with the limit bound into the constructor, so
every other flag stays SecantusDB's.

    python -m digitalwell_devstack.secantus_server --transaction-lifetime-seconds 5 --port ...
"""

from __future__ import annotations

import argparse
import functools
import sys

from secantus import cli  # type: ignore[import-untyped]

from digitalwell_shared.mongo import TRANSACTION_LIFETIME_LIMIT_SECONDS

TRANSACTION_LIFETIME_SECONDS = float(TRANSACTION_LIFETIME_LIMIT_SECONDS)
"""The services' limit (digitalwell_shared.mongo), the same on the embedded database."""


def lifetime_seconds(text: str) -> float:
    """A positive number of seconds, or an error that says what is wrong with it."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Parse our one flag, hand the rest to SecantusDB's command line."""
    parser = argparse.ArgumentParser(
        description="SecantusDB with a transaction lifetime limit; other flags are SecantusDB's",
        add_help=False,
    )
    parser.add_argument(
        "--transaction-lifetime-seconds",
        type=lifetime_seconds,
        default=TRANSACTION_LIFETIME_SECONDS,
    )
    known, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    cli.SecantusDBServer = functools.partial(
        cli.SecantusDBServer, transaction_lifetime_seconds=known.transaction_lifetime_seconds
    )
    return int(cli.main(rest))


if __name__ == "__main__":
    sys.exit(main())
