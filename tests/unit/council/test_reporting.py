"""The programme's figures: per month or year of the Swedish calendar, with the median wait."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime

from digitalwell_council.reporting import (
    CSV_COLUMNS,
    CaseFacts,
    Period,
    build_report,
    report_csv,
)
from digitalwell_shared.contracts import Decision, SupportKind


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


CASES = [
    # New Year's Eve at 23:30 UTC is already January in Stockholm.
    CaseFacts(
        submitted_at=_at("2025-12-31T23:30"),
        decided_at=_at("2026-01-11T23:30"),
        decision=Decision.GRANTED,
        support_kinds=(SupportKind.COACHING, SupportKind.INNOVATION_FORUM),
    ),
    CaseFacts(
        submitted_at=_at("2026-01-05T10:00"),
        decided_at=_at("2026-01-25T10:00"),
        decision=Decision.REJECTED,
    ),
    CaseFacts(
        submitted_at=_at("2026-01-20T10:00"),
        decided_at=_at("2026-02-23T10:00"),
        decision=Decision.GRANTED,
        support_kinds=(SupportKind.COACHING,),
    ),
    CaseFacts(submitted_at=_at("2026-02-01T10:00"), withdrawn_at=_at("2026-02-02T10:00")),
    CaseFacts(submitted_at=_at("2026-02-03T10:00")),
]


def test_cases_count_in_the_swedish_month_they_were_received_and_decided() -> None:
    january, february = build_report(CASES, Period.MONTH)

    assert (january.period, january.received, january.decided) == ("2026-01", 3, 2)
    assert (january.granted, january.rejected) == (1, 1)
    assert january.granted_by_kind[SupportKind.COACHING] == 1
    assert january.granted_by_kind[SupportKind.INNOVATION_FORUM] == 1
    assert january.median_days_to_decision == 15.5
    assert (february.received, february.withdrawn, february.decided) == (2, 1, 1)
    assert february.median_days_to_decision == 34.0


def test_a_year_sums_its_months() -> None:
    (year,) = build_report(CASES, Period.YEAR)

    assert (year.period, year.received, year.decided, year.granted) == ("2026", 5, 3, 2)
    assert year.granted_by_kind[SupportKind.COACHING] == 2
    assert year.median_days_to_decision == 20.0


def test_a_period_without_decisions_has_no_median() -> None:
    (row,) = build_report([CaseFacts(submitted_at=_at("2026-03-01T10:00"))], Period.MONTH)

    assert row.median_days_to_decision is None


def test_the_csv_has_a_header_and_a_line_per_period() -> None:
    text = report_csv(build_report(CASES, Period.MONTH))

    header, january, february = text.removeprefix("\ufeff").splitlines()
    assert header.startswith("period;received;withdrawn;decided;granted;rejected;granted_")
    assert header.endswith(";median_days_to_decision")
    assert january == "2026-01;3;0;2;1;1;1;1;0;0;0;15,5"
    assert february == "2026-02;2;1;1;1;0;0;1;0;0;0;34,0"


def test_the_csv_opens_in_a_swedish_excel() -> None:
    """UTF-8 with a BOM, ``;`` between cells and a decimal comma, as Excel in Sweden reads."""
    data = report_csv(build_report(CASES, Period.MONTH)).encode()

    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert [row["period"] for row in rows] == ["2026-01", "2026-02"]
    assert rows[0]["received"] == "3"
    assert rows[0]["median_days_to_decision"] == "15,5"
    assert len(rows[0]) == len(CSV_COLUMNS)
