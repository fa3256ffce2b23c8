"""forum's stores, the only code that knows its MongoDB documents: one module per collection.

Each store is a ``Protocol`` the use cases type against and a ``Mongo…`` class that
implements it; every method that writes takes the ``transaction`` it runs in.
"""

from __future__ import annotations

from digitalwell_forum.stores.bookings import BookingStore, MongoBookingStore
from digitalwell_forum.stores.claims import (
    ClaimStore,
    ClaimTakenError,
    MongoClaimStore,
    application_key,
    attendee_key,
)
from digitalwell_forum.stores.grants import GrantStore, MongoGrantStore
from digitalwell_forum.stores.sessions import MongoSessionStore, SessionStore

__all__ = [
    "BookingStore",
    "ClaimStore",
    "ClaimTakenError",
    "GrantStore",
    "MongoBookingStore",
    "MongoClaimStore",
    "MongoGrantStore",
    "MongoSessionStore",
    "SessionStore",
    "application_key",
    "attendee_key",
]
