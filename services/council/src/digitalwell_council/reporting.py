"""What the programme reports, per month or year of the Swedish calendar: pure aggregation."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from digitalwell_shared.contracts import Decision, SupportKind
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE

_SECONDS_PER_DAY = 86400


class Period(StrEnum):
    """How the report groups cases."""

    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What a report needs of one case."""

    submitted_at: datetime
    decided_at: datetime | None = None
    decision: Decision | None = None
    support_kinds: tuple[SupportKind, ...] = ()
    withdrawn_at: datetime | None = None


@dataclass
class ReportRow:
    """One month or year: applications received then, and decisions taken then."""

    period: str
    received: int = 0
    withdrawn: int = 0
    decided: int = 0
    granted: int = 0
    rejected: int = 0
    granted_by_kind: dict[SupportKind, int] = field(
        default_factory=lambda: dict.fromkeys(SupportKind, 0)
    )
    median_days_to_decision: float | None = None


def period_of(moment: datetime, period: Period) -> str:
    """``2026-05`` or ``2026``: the month or year ``moment`` falls in, in Swedish time."""
    local = moment.astimezone(PROGRAMME_TIME_ZONE)
    return f"{local:%Y-%m}" if period is Period.MONTH else f"{local:%Y}"


def build_report(cases: Iterable[CaseFacts], period: Period) -> list[ReportRow]:
    """Rows for every period with something in it, oldest first.

    An application counts as received in the period it was submitted and as decided in the
    period of its decision; the median is over the decisions taken in the period.
    """
    rows: dict[str, ReportRow] = {}
    waits: dict[str, list[float]] = {}

    def row(moment: datetime) -> ReportRow:
        key = period_of(moment, period)
        return rows.setdefault(key, ReportRow(key))

    for case in cases:
        row(case.submitted_at).received += 1
        if case.withdrawn_at is not None:
            row(case.withdrawn_at).withdrawn += 1
        if case.decided_at is None or case.decision is None:
            continue
        decided = row(case.decided_at)
        decided.decided += 1
        if case.decision is Decision.GRANTED:
            decided.granted += 1
            for kind in case.support_kinds:
                decided.granted_by_kind[kind] += 1
        else:
            decided.rejected += 1
        days = (case.decided_at - case.submitted_at).total_seconds() / _SECONDS_PER_DAY
        waits.setdefault(decided.period, []).append(days)
    for key, period_waits in waits.items():
        rows[key].median_days_to_decision = round(statistics.median(period_waits), 1)
    return [rows[key] for key in sorted(rows)]


CSV_COLUMNS = (
    "period",
    "received",
    "withdrawn",
    "decided",
    "granted",
    "rejected",
    *(f"granted_{kind.value}" for kind in SupportKind),
    "median_days_to_decision",
)


CSV_DELIMITER = ";"
"""Excel with Swedish settings splits on ``;`` (``,`` is its decimal sign)."""
CSV_BOM = "\ufeff"
"""Without it, Excel reads the file as Windows-1252 and garbles å, ä and ö."""


def _decimal(value: float | None) -> str:
    """A number with decimals as Swedish Excel reads it: ``15,5``; none is an empty cell."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def report_csv(rows: Iterable[ReportRow]) -> str:
    """The report as CSV for Excel with Swedish settings: BOM, ``;`` and decimal commas.

    The header line keeps the API's field names, so scripts read it as they read the JSON.
    """
    out = io.StringIO()
    out.write(CSV_BOM)
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.period,
                row.received,
                row.withdrawn,
                row.decided,
                row.granted,
                row.rejected,
                *(row.granted_by_kind[kind] for kind in SupportKind),
                _decimal(row.median_days_to_decision),
            ]
        )
    return out.getvalue()
