"""The embedded database's launcher: its one flag, and the rest left to SecantusDB."""

from __future__ import annotations

import argparse

import pytest

from digitalwell_devstack.secantus_server import TRANSACTION_LIFETIME_SECONDS, lifetime_seconds
from digitalwell_shared.mongo import TRANSACTION_LIFETIME_LIMIT_SECONDS


def test_the_embedded_limit_is_the_services_limit():
    assert TRANSACTION_LIFETIME_SECONDS == TRANSACTION_LIFETIME_LIMIT_SECONDS


def test_a_lifetime_is_a_positive_number_of_seconds():
    assert lifetime_seconds("2.5") == 2.5
    with pytest.raises(argparse.ArgumentTypeError, match="more than 0"):
        lifetime_seconds("0")
    with pytest.raises(argparse.ArgumentTypeError, match="not a number of seconds: 'soon'"):
        lifetime_seconds("soon")
