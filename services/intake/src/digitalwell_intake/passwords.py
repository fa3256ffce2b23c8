"""Passwords hashed and checked with argon2, in a thread so the event loop goes on meanwhile."""

from __future__ import annotations

import asyncio
import uuid
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """argon2 hashing and verification, and the decoy hash a refusal is checked against."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()

    @cached_property
    def decoy_hash(self) -> str:
        """A hash no password matches: an unknown address costs as much time as a wrong one."""
        return self.hasher.hash(uuid.uuid4().hex)

    async def hash(self, password: str) -> str:
        """The hash to store for ``password``."""
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` is the one ``password_hash`` was made from."""
        try:
            return await asyncio.to_thread(self.hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than today's."""
        return self.hasher.check_needs_rehash(password_hash)
