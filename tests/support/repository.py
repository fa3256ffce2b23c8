"""Where the repository's files are, for tests that read what is committed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "support" / "schemas"


def vendored_schema(name: str) -> dict[str, Any]:
    """A JSON Schema vendored under tests/support/schemas (see the LICENSE files beside them)."""
    schema: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return schema
