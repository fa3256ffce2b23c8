"""One way to look up the words a page or an e-mail says, in Swedish or English (`Wording`)."""

from __future__ import annotations

from collections.abc import Mapping

from digitalwell_shared.contracts import Language


class Wording:
    """A service's words: a catalogue per language, keyed by what each text is for."""

    def __init__(self, catalogues: Mapping[Language, Mapping[str, str]]) -> None:
        missing = set(catalogues[Language.SV]) ^ set(catalogues[Language.EN])
        if missing:
            # Caught at import, so a text added in one language only never reaches a page.
            raise ValueError(f"texts in one language only: {', '.join(sorted(missing))}")
        self.catalogues = catalogues

    def translate(self, language: Language, key: str, **values: object) -> str:
        """The text ``key`` in ``language``, with ``values`` filled in."""
        message = self.catalogues[language][key]
        return message.format(**values) if values else message

    def has(self, key: str) -> bool:
        """Whether the catalogue has a text ``key``."""
        return key in self.catalogues[Language.SV]
