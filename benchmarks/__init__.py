"""The project's benchmarks: each measures one figure set; ``python -m benchmarks`` runs them all.

Run from the repository's root (``make bench`` against ``make run``, ``make bench-quick`` against
a stack of its own), or one at a time, e.g. ``.venv/bin/python -m benchmarks.notify_throughput``.
"""
