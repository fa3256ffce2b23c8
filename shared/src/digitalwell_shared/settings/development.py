"""Development values of secrets and keys: published in this repository, refused in production."""

from __future__ import annotations

DEV_LINK_SECRET = "dev-only-link-secret-not-for-production"  # noqa: S105 - refused in production
DEV_STAFF_CSRF_SECRET = "dev-only-staff-csrf-secret-not-for-production"  # noqa: S105
# intake's development signing key's public half (the private half is in intake's settings).
DEV_STAFF_VERIFY_KEY = "dev:WaGoSXr65Ye8mEyjmUlU9MyAXUGoiOJ_ZNo9RcY802U"
