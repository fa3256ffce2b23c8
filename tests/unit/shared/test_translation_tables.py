"""Every page catalog says each thing in both languages, with the same values to fill in.

A key missing in one language would be a KeyError on that language's page; a placeholder in
one language only would be a KeyError or a hole in the sentence.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

import pytest

from digitalwell_council.page_text import WORDING as COUNCIL
from digitalwell_forum.page_text import MESSAGES as FORUM
from digitalwell_intake.page_text import applicant as intake_text
from digitalwell_intake.page_text import staff as intake_staff_text
from digitalwell_notify.page_text import MESSAGES as NOTIFY
from digitalwell_shared.contracts import Language
from digitalwell_shared.site_text import SITE_TEXT
from digitalwell_shared.staff import Role

Catalog = Mapping[Language, Mapping[str, str]]
CATALOGS: dict[str, Catalog] = {
    "shared": SITE_TEXT,
    "council": COUNCIL.catalogues,
    "forum": FORUM,
    "intake": {Language.SV: intake_text.SV, Language.EN: intake_text.EN},
    "intake staff": {Language.SV: intake_staff_text.SV, Language.EN: intake_staff_text.EN},
    "notify": NOTIFY,
}


def missing_keys(catalog: Catalog) -> dict[Language, set[str]]:
    """The keys some language has and each language lacks."""
    every = set().union(*(set(texts) for texts in catalog.values()))
    return {
        language: every - set(catalog.get(language, {}))
        for language in Language
        if every - set(catalog.get(language, {}))
    }


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("name", CATALOGS)
def test_every_key_is_in_both_languages(name: str) -> None:
    assert missing_keys(CATALOGS[name]) == {}


@pytest.mark.parametrize("name", CATALOGS)
def test_both_languages_fill_in_the_same_values(name: str) -> None:
    catalog = CATALOGS[name]
    differing = {
        key: (placeholders(catalog[Language.SV][key]), placeholders(catalog[Language.EN][key]))
        for key in catalog[Language.SV]
        if placeholders(catalog[Language.SV][key]) != placeholders(catalog[Language.EN][key])
        and key != "quorum_short"  # English says "is" or "are"; Swedish needs no such word
    }
    assert differing == {}


def test_a_missing_key_is_found() -> None:
    broken: Catalog = {Language.SV: {"a": "A", "b": "B"}, Language.EN: {"a": "A"}}

    assert missing_keys(broken) == {Language.EN: {"b"}}


def test_every_role_has_a_name_in_words() -> None:
    for language in Language:
        assert {f"role_{role.value}" for role in Role} <= set(SITE_TEXT[language])
