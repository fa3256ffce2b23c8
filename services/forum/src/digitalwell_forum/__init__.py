"""forum: Innovation Forum workshops, breakfast meetings and trainings, and their bookings.

The shape of every service (docs/architecture.md), plus three modules of forum's own:
``links.py`` (the signed links it hands out), ``calendar.py`` (the feed's calendar headers)
and ``jobs.py`` (the worker that runs the scheduled use cases in ``usecases/jobs.py``).
"""
