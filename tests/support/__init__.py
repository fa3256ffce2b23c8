"""Helpers for the tests, in plain modules so that tests import them and never a conftest."""
