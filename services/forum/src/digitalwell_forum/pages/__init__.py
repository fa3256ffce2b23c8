"""forum's HTML pages, one module per audience.

- ``public``: the sessions, a session and its booking form, a booking's own pages;
- ``staff``: the forum coordinators' pages under /staff;
- ``calendar``: the feed of upcoming sessions and a booking's .ics file;
- ``rendering`` and ``forms``: what they share (templates, message pages, form errors).
"""

from __future__ import annotations

from fastapi import APIRouter

from digitalwell_forum.pages import calendar, public, staff

ROUTERS: tuple[APIRouter, ...] = (public.router, calendar.router, staff.router)
"""Every page router, in the order the app includes them."""
