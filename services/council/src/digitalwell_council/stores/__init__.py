"""council's store: the only code that knows its MongoDB documents.

``cases`` holds the store, ``documents`` how its records are kept as documents.
"""

from digitalwell_council.stores.cases import CaseStore, MongoCaseStore

__all__ = ["CaseStore", "MongoCaseStore"]
