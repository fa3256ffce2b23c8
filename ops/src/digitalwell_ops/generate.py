"""Writes, or checks, every file that is derived from the code: one command for all of them.

``digitalwell generate`` writes them; ``digitalwell generate --check`` (and the test suite)
says which are out of date. Whole files are written as generated; in a hand-written file
(README.md) only the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from digitalwell_ops import compose, contracts, kubernetes
from digitalwell_ops.environment import SETTINGS_TABLE_MARKER, settings_table

README = "README.md"


@dataclass(frozen=True)
class Section:
    """Generated text between two markers in a hand-written file."""

    path: str
    marker: str
    text: str

    def apply(self, document: str) -> str:
        """``document`` with the text between the markers replaced; ValueError without markers."""
        start, end = f"<!-- {self.marker}:start -->", f"<!-- {self.marker}:end -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(document):
            raise ValueError(f"{self.path} has no {start} ... {end} markers")
        return pattern.sub(lambda _match: f"{start}\n{self.text}{end}", document, count=1)


@dataclass(frozen=True)
class Generated:
    """Everything the generators produce."""

    files: dict[str, str]
    sections: list[Section]
    # Folders whose every file is generated: a file there that is not produced is stale.
    owned_folders: tuple[str, ...]


def generated() -> Generated:
    """Build every generated file and section from the code; nothing is written."""
    return Generated(
        files={
            **contracts.contract_files(),
            **compose.compose_files(),
            **kubernetes.kubernetes_files(),
        },
        sections=[Section(README, SETTINGS_TABLE_MARKER, settings_table())],
        owned_folders=(contracts.SCHEMAS_DIR, kubernetes.GENERATED_DIR),
    )


def _files_in(root: Path, folders: Iterable[str]) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for folder in folders
        if (root / folder).is_dir()
        for path in (root / folder).rglob("*")
        if path.is_file()
    }


def _read(root: Path, path: str) -> str | None:
    file = root / path
    return file.read_text(encoding="utf-8") if file.is_file() else None


def out_of_date(root: Path, expected: Generated | None = None) -> list[str]:
    """The generated paths whose committed text differs from the code's, and stale files."""
    expected = expected or generated()
    stale = [path for path, text in expected.files.items() if _read(root, path) != text]
    for section in expected.sections:
        current = _read(root, section.path) or ""
        if section.apply(current) != current:
            stale.append(f"{section.path} (between the {section.marker} markers)")
    stale += sorted(_files_in(root, expected.owned_folders) - set(expected.files))
    return stale


class BreakingChangeError(Exception):
    """A published contract would change in a way that breaks its subscribers."""


def breaking_changes(root: Path, expected: Generated | None = None) -> dict[str, list[str]]:
    """Breaking changes of the code's event schemas against the committed ones, by topic."""
    expected = expected or generated()
    committed = {
        path: text
        for path in expected.files
        if path.startswith(contracts.SCHEMAS_DIR) and (text := _read(root, path)) is not None
    }
    return contracts.schema_breaks(committed, expected.files)


def write(
    root: Path,
    *,
    accept_breaking: Iterable[str] = (),
    report: Callable[[str], None] = lambda _line: None,
) -> list[str]:
    """Write every generated file and section under ``root``; return the paths that changed.

    Refuses (BreakingChangeError) when a published event schema would change in a breaking
    way, unless its topic is in ``accept_breaking`` (for a topic not released yet).
    """
    expected = generated()
    breaks = {
        topic: found
        for topic, found in breaking_changes(root, expected).items()
        if topic not in set(accept_breaking)
    }
    if breaks:
        raise BreakingChangeError(describe_breaks(breaks))
    updates = {path: text for path, text in expected.files.items() if _read(root, path) != text}
    for section in expected.sections:  # every section is found before anything is written
        current = _read(root, section.path) or ""
        if (updated := section.apply(current)) != current:
            updates[section.path] = updated
    for path, text in updates.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    changed = list(updates)
    for path in sorted(_files_in(root, expected.owned_folders) - set(expected.files)):
        (root / path).unlink()
        changed.append(path)
    for path in changed:
        report(f"wrote {path}")
    return changed


def describe_breaks(breaks: dict[str, list[str]]) -> str:
    """A message that names every breaking change and what to do instead."""
    lines = [
        (
            "These changes break subscribers of a published topic. Publish the new shape on a "
            "new topic version (e.g. ....v2, a new event class) and keep the old one until its "
            "subscribers moved; `digitalwell generate --accept-breaking TOPIC` only for a topic "
            "that was never released:"
        )
    ]
    for topic, found in sorted(breaks.items()):
        lines += [f"  {topic}:", *(f"    {change}" for change in found)]
    return "\n".join(lines)
