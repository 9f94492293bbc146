"""Unit tests for mosaic.normalise.dates: every documented form has an exact expected result."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mosaic.normalise.dates import ISSUE_SEVERITY, parse_dates, period_end

D = dt.date

# value -> (date, precision, issue)
DAY_FIRST_CASES: dict[str, tuple[dt.date | None, str | None, str | None]] = {
    # ISO, with and without time and zone
    "2024-07-05": (D(2024, 7, 5), "day", None),
    "2024-7-5": (D(2024, 7, 5), "day", None),
    "2024/07/05": (D(2024, 7, 5), "day", None),
    "2024-07-05T10:31:00": (D(2024, 7, 5), "day", None),
    "2024-07-05 10:31:00": (D(2024, 7, 5), "day", None),
    "2024-07-05T10:31:00Z": (D(2024, 7, 5), "day", None),
    "2024-07-05T10:31:00+01:00": (D(2024, 7, 5), "day", None),
    "2024-07-05T23:30:00-05:00": (D(2024, 7, 5), "day", None),  # date as written, no conversion
    "2024-07-05 10:31:00.123": (D(2024, 7, 5), "day", None),
    # UK numeric, day first
    "05/07/2024": (D(2024, 7, 5), "day", None),
    "5/7/2024": (D(2024, 7, 5), "day", None),
    "05-07-2024": (D(2024, 7, 5), "day", None),
    "05.07.2024": (D(2024, 7, 5), "day", None),
    "05/07/24": (D(2024, 7, 5), "day", None),
    "05/07/2024 10:31": (D(2024, 7, 5), "day", None),
    "13/07/2024": (D(2024, 7, 13), "day", None),
    "07/13/2024": (D(2024, 7, 13), "day", "date_order_contradicts_setting"),
    # two-digit year pivot
    "01/01/68": (D(2068, 1, 1), "day", None),
    "01/01/99": (D(1999, 1, 1), "day", None),
    "05/07/85": (None, None, "implausible_date"),
    # written months
    "5 July 2024": (D(2024, 7, 5), "day", None),
    "5th July 2024": (D(2024, 7, 5), "day", None),
    "1st Jan 2024": (D(2024, 1, 1), "day", None),
    "22nd February 2024": (D(2024, 2, 22), "day", None),
    "5th of July, 2024": (D(2024, 7, 5), "day", None),
    "July 5, 2024": (D(2024, 7, 5), "day", None),
    "July 5th 2024": (D(2024, 7, 5), "day", None),
    "Friday 5 July 2024": (D(2024, 7, 5), "day", None),
    "Fri, 5 Jul 2024": (D(2024, 7, 5), "day", None),
    "Friday, July 5, 2024": (D(2024, 7, 5), "day", None),
    "Monday 5 July 2024": (D(2024, 7, 5), "day", "weekday_mismatch"),
    "05-Jul-2024": (D(2024, 7, 5), "day", None),
    "5-Jul-24": (D(2024, 7, 5), "day", None),
    "5 Jul 24": (D(2024, 7, 5), "day", None),
    "5 JULY 2024": (D(2024, 7, 5), "day", None),
    "5 Sept 2024": (D(2024, 9, 5), "day", None),
    "5 Jul. 2024": (D(2024, 7, 5), "day", None),
    "5 July 2024 10:31": (D(2024, 7, 5), "day", None),
    # month precision
    "Jul 2024": (D(2024, 7, 1), "month", None),
    "July 2024": (D(2024, 7, 1), "month", None),
    "Jul-24": (D(2024, 7, 1), "month", None),
    "Jul '24": (D(2024, 7, 1), "month", None),
    "2024-07": (D(2024, 7, 1), "month", None),
    "07/2024": (D(2024, 7, 1), "month", None),
    "7.2024": (D(2024, 7, 1), "month", None),
    # year precision
    "2024": (D(2024, 1, 1), "year", None),
    "1990": (D(1990, 1, 1), "year", None),
    "2100": (D(2100, 1, 1), "year", None),
    # Excel serials
    "45478": (D(2024, 7, 5), "day", "excel_serial_date"),
    "45478.4375": (D(2024, 7, 5), "day", "excel_serial_date"),
    "32874": (D(1990, 1, 1), "day", "excel_serial_date"),
    "73415": (D(2100, 12, 31), "day", "excel_serial_date"),
    "32873": (None, None, "unparseable_date"),
    "12345": (None, None, "unparseable_date"),
    # rejected
    "31/02/2024": (None, None, "unparseable_date"),
    "29/02/2023": (None, None, "unparseable_date"),
    "13/13/2024": (None, None, "unparseable_date"),
    "2024-13-01": (None, None, "unparseable_date"),
    "2024-07-05T25:00": (None, None, "unparseable_date"),
    "garbage": (None, None, "unparseable_date"),
    "5/7": (None, None, "unparseable_date"),
    "July 24": (None, None, "unparseable_date"),
    "5 July": (None, None, "unparseable_date"),
    "20240705": (None, None, "unparseable_date"),
    "2023/24": (None, None, "unparseable_date"),
    "Friday": (None, None, "unparseable_date"),
    "1985-07-05": (None, None, "implausible_date"),
    "1850": (None, None, "implausible_date"),
    "2101": (None, None, "implausible_date"),
    "0000": (None, None, "implausible_date"),
    "5 July 2150": (None, None, "implausible_date"),
}

MONTH_FIRST_CASES: dict[str, tuple[dt.date | None, str | None, str | None]] = {
    "05/07/2024": (D(2024, 5, 7), "day", None),
    "07/13/2024": (D(2024, 7, 13), "day", None),
    "13/07/2024": (D(2024, 7, 13), "day", "date_order_contradicts_setting"),
    "2024-07-05": (D(2024, 7, 5), "day", None),  # ISO is never flipped
    "5 July 2024": (D(2024, 7, 5), "day", None),
    "07/2024": (D(2024, 7, 1), "month", None),
}


def _check(cases: dict, monthfirst: bool) -> None:
    result = parse_dates(pl.Series(list(cases)), monthfirst=monthfirst)
    got = {r["value"]: (r["date"], r["precision"], r["issue"]) for r in result.iter_rows(named=True)}
    mismatches = {v: (got[v], want) for v, want in cases.items() if got[v] != want}
    assert not mismatches, mismatches


def test_day_first_forms() -> None:
    _check(DAY_FIRST_CASES, monthfirst=False)


def test_month_first_flips_only_ambiguous_numeric_dates() -> None:
    _check(MONTH_FIRST_CASES, monthfirst=True)


def test_output_contract_columns_and_dtypes() -> None:
    result = parse_dates(pl.Series(["5 July 2024", None, "5 July 2024", "junk"]))
    assert result.schema == pl.Schema(
        {
            "value": pl.String,
            "date": pl.Date,
            "precision": pl.String,
            "issue": pl.String,
            "severity": pl.String,
            "message": pl.String,
        }
    )
    assert result.get_column("value").to_list() == ["5 July 2024", "junk"]


def test_empty_and_all_null_input() -> None:
    for series in (pl.Series([], dtype=pl.String), pl.Series([None, None]), pl.Series([None], dtype=pl.String)):
        result = parse_dates(series)
        assert result.height == 0
        assert result.columns[0] == "value"


def test_non_string_series_is_cast() -> None:
    result = parse_dates(pl.Series([45478, 2024]))
    assert result.get_column("date").to_list() == [D(2024, 7, 5), D(2024, 1, 1)]


def test_messages_name_the_value_and_severity_follows_issue() -> None:
    result = parse_dates(pl.Series(["31/02/2024", "45478", "ok?", "2024-07-05"]))
    for row in result.iter_rows(named=True):
        if row["issue"] is None:
            assert row["message"] is None and row["severity"] is None
        else:
            assert row["value"] in row["message"]
            assert row["severity"] == ISSUE_SEVERITY[row["issue"]].value
    message = result.filter(pl.col("value") == "31/02/2024").get_column("message").item()
    assert "February 2024 has no day 31" in message
    assert ISSUE_SEVERITY["excel_serial_date"] == "info"
    assert ISSUE_SEVERITY["unparseable_date"] == "warning"


@pytest.mark.parametrize(
    ("date", "precision", "end"),
    [
        (D(2024, 7, 5), "day", D(2024, 7, 5)),
        (D(2024, 2, 1), "month", D(2024, 2, 29)),
        (D(2023, 2, 1), "month", D(2023, 2, 28)),
        (D(2024, 12, 1), "month", D(2024, 12, 31)),
        (D(2024, 1, 1), "year", D(2024, 12, 31)),
        (D(2024, 7, 5), None, D(2024, 7, 5)),
        (None, None, None),
    ],
)
def test_period_end(date: dt.date | None, precision: str | None, end: dt.date | None) -> None:
    frame = pl.DataFrame({"d": [date], "p": [precision]}, schema={"d": pl.Date, "p": pl.String})
    assert frame.select(period_end("d", "p").alias("end")).item() == end


def test_period_end_on_parsed_frame() -> None:
    parsed = parse_dates(pl.Series(["5 July 2024", "July 2024", "2024"]))
    result = parsed.select("value", period_end("date", "precision").alias("end"))
    expected = pl.DataFrame(
        {"value": ["5 July 2024", "July 2024", "2024"], "end": [D(2024, 7, 5), D(2024, 7, 31), D(2024, 12, 31)]}
    )
    assert_frame_equal(result, expected)
