"""The vectorised date shapes read every value exactly as the per-value Python parser does.

``parse_dates`` reads the common shapes (ISO, day/month/year, "5 July 2024", "July 2024", "2024-07",
"2024") with polars expressions and sends every other value to ``_parse_one``. These tests build the
answer the Python parser alone gives and require the same frame, on hand-picked edge cases and on
generated strings that sit on the boundaries of each shape.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from mosaic.normalise.dates import ISSUE_SEVERITY, _parse_common_shapes, _parse_one, parse_dates
from mosaic.normalise.values import build_result, distinct_strings


def python_only(values: pl.Series, *, monthfirst: bool) -> pl.DataFrame:
    """What parse_dates returned before the vectorised shapes: one ``_parse_one`` call per value."""
    return build_result(
        distinct_strings(values),
        lambda value: _parse_one(value, monthfirst),
        {"date": pl.Date, "precision": pl.String},
        ISSUE_SEVERITY,
    )


def assert_same_as_python(values: list[str | None]) -> None:
    series = pl.Series(values, dtype=pl.String)
    for monthfirst in (False, True):
        assert_frame_equal(parse_dates(series, monthfirst=monthfirst), python_only(series, monthfirst=monthfirst))


EDGE_CASES = [
    # the shapes read in polars, at their limits
    "2024-07-05", "2024/7/5", "2024.07.05", "1990-01-01", "2100-12-31", "2024-02-29", "2023-02-29",
    "05/07/2024", "5/7/2024", "05-07-2024", "05.07.2024", "12/12/2012", "13/07/2024", "07/13/2024",
    "31/12/2024", "12/31/2024", "00/01/2024", "01/00/2024", "32/01/2024", "13/13/2024", "31/04/2024",
    "5 July 2024", "05 JULY 2024", "5 jul 2024", "5 Sept 2024", "5 Sep 2024", "31 Apr 2024", "0 Jul 2024",
    "29 Feb 2023", "5 May 1989", "5 May 2101", "Jul 2024", "JULY 2024", "sept 2024", "May 1990", "Dec 2100",
    "Jan 1989", "2024-07", "2024/7", "2024.12", "2024-13", "2024-0", "2024", "1990", "2100", "1989", "2101",
    # near misses that must go to the Python parser (and get its issue or its other reading)
    "2024-07/05", "2024-07-05T10:31:00", "2024-07-05 10:31", "2024-07-05Z", " 2024-07-05", "2024-07-05 ",
    "5  July 2024", "5 July, 2024", "5th July 2024", "Friday 5 July 2024", "Monday 5 July 2024",
    "5 Julyy 2024", "5 Jul. 2024", "Jul. 2024", "Jul-24", "Jul '24", "July 24", "05/07/24", "5/7", "07/2024",
    "7.2024", "45478", "20240705", "1985-07-05", "0001-01-01", "9999-12-31", "٢٠٢٤-07-05", "2024\u00a0",
    "soon", "", " ", "Sun 2024", "Mar 2024", "May 2024", "Fri 2024",
]  # fmt: skip


def test_edge_cases_read_as_the_python_parser_reads_them() -> None:
    assert_same_as_python([*EDGE_CASES, None])


def test_common_shapes_are_read_in_polars_and_odd_ones_left_to_python() -> None:
    frame = _parse_common_shapes(
        pl.Series(
            [
                "2024-07-05",
                "05/07/2024",
                "5 Sept 2024",
                "July 2024",
                "2024-07",
                "2024",
                "07/13/2024",
                "31/02/2024",
                "Jul-24",
            ]
        ),
        monthfirst=False,
    )
    assert frame.get_column("date").to_list() == [
        dt.date(2024, 7, 5), dt.date(2024, 7, 5), dt.date(2024, 9, 5), dt.date(2024, 7, 1), dt.date(2024, 7, 1),
        dt.date(2024, 1, 1), None, None, None,
    ]  # fmt: skip
    assert frame.get_column("precision").to_list() == ["day", "day", "day", "month", "month", "year", None, None, None]


@pytest.mark.parametrize("monthfirst", [False, True])
def test_ambiguous_numeric_dates_follow_the_setting(monthfirst: bool) -> None:
    frame = _parse_common_shapes(pl.Series(["05/07/2024", "13/07/2024", "07/13/2024"]), monthfirst=monthfirst)
    if monthfirst:  # 13/07/2024 contradicts the setting: the Python parser reads it and warns
        assert frame.get_column("date").to_list() == [dt.date(2024, 5, 7), None, dt.date(2024, 7, 13)]
    else:
        assert frame.get_column("date").to_list() == [dt.date(2024, 7, 5), dt.date(2024, 7, 13), None]


digits = st.integers(min_value=0, max_value=3100).map(str)
# Day and month numbers cluster where the readings differ: 0, 1-12 (either order), 13-31, impossible.
small = st.one_of(st.integers(min_value=0, max_value=13), st.integers(min_value=0, max_value=40)).flatmap(
    lambda n: st.sampled_from([str(n), f"{n:02d}"])
)
separators = st.sampled_from(["-", "/", ".", " ", "", "--", "\u00a0"])
# Mostly the same separator twice (the shape), sometimes two different ones (a near miss).
separator_pairs = st.one_of(separators.map(lambda s: (s, s)), st.tuples(separators, separators))
month_words = st.sampled_from(
    [
        "Jan",
        "jan",
        "JAN",
        "January",
        "Feb",
        "Sept",
        "sep",
        "Sep.",
        "May",
        "June",
        "Jun",
        "Julyy",
        "Mon",
        "Sun",
        "Mar",
        "marc",
    ]
)
four_digit_year = st.integers(min_value=1850, max_value=2150).map(str)


def padded(n: int, pad: bool) -> str:
    return f"{n:02d}" if pad else str(n)


# Exactly the shapes the polars path reads, densely, around every boundary it checks.
years = st.one_of(st.sampled_from([1989, 1990, 2000, 2024, 2100, 2101]), st.integers(min_value=1985, max_value=2105))
numeric_dates = st.builds(
    lambda a, b, year, sep, pad: f"{padded(a, pad)}{sep}{padded(b, pad)}{sep}{year}",
    st.integers(min_value=0, max_value=33),
    st.integers(min_value=0, max_value=33),
    years,
    st.sampled_from(["-", "/", "."]),
    st.booleans(),
)
iso_dates = st.builds(
    lambda year, month, day, sep, pad: f"{year}{sep}{padded(month, pad)}{sep}{padded(day, pad)}",
    years,
    st.integers(min_value=0, max_value=14),
    st.integers(min_value=0, max_value=32),
    st.sampled_from(["-", "/", "."]),
    st.booleans(),
)
shaped = st.one_of(
    numeric_dates,
    iso_dates,
    st.tuples(four_digit_year, separator_pairs, small, small).map(lambda t: t[0] + t[1][0] + t[2] + t[1][1] + t[3]),
    st.tuples(small, separator_pairs, small, st.one_of(four_digit_year, small)).map(
        lambda t: t[0] + t[1][0] + t[2] + t[1][1] + t[3]
    ),
    st.tuples(
        small,
        st.sampled_from([" ", "  ", "-", " of "]),
        month_words,
        st.sampled_from([" ", ", ", "-"]),
        four_digit_year,
    ).map("".join),
    st.tuples(month_words, st.sampled_from([" ", "  ", "-", "/", " '"]), st.one_of(four_digit_year, small)).map(
        "".join
    ),
    st.tuples(four_digit_year, separators, small).map("".join),
    st.tuples(small, separators, four_digit_year).map("".join),
    digits,
    st.text(alphabet="0123456789-/. JulyMayTt:Z", max_size=14),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), shaped), max_size=40))
def test_generated_strings_read_as_the_python_parser_reads_them(values: list[str | None]) -> None:
    assert_same_as_python(values)
