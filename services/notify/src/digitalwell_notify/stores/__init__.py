"""notify's stores, the only code that knows MongoDB: each a Protocol and its Mongo class.

``emails`` is the outbox and delivery log (with the delivery claims and leases); ``people``
holds the applicants notify has met, events waiting for them, and recipients' preferences.
"""

from digitalwell_notify.stores.emails import EmailStore, MongoEmailStore
from digitalwell_notify.stores.people import (
    ApplicantStore,
    MongoApplicantStore,
    MongoParkedEventStore,
    MongoPreferenceStore,
    ParkedEventStore,
    PreferenceStore,
    address,
)

__all__ = [
    "ApplicantStore",
    "EmailStore",
    "MongoApplicantStore",
    "MongoEmailStore",
    "MongoParkedEventStore",
    "MongoPreferenceStore",
    "ParkedEventStore",
    "PreferenceStore",
    "address",
]
