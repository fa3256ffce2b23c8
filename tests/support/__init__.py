"""Helpers for the tests, in plain modules so that tests import them and never a conftest.

Starting a service has one way, described in ``runtime.py``: ``serving(app)`` for a service's
app, ``make_runtime`` + ``running(runtime)`` for the shared skeleton with a test's handlers,
``stack.running_stack`` for the system as processes. ``infra.py`` finds or starts the broker
and the database those run against; ``waiting.until_true`` waits for a positive signal.
"""
