"""Parse the dates people actually type into FOI trackers, exactly and without guessing.

Every analysis takes an *as-of* date and uses only what was public then, so a misread date silently moves
an answer across that line. This parser therefore accepts a fixed, documented set of forms (standard
library ``re`` and ``datetime`` only, no heuristic guessing) and records how much of the date was given:
a month-only date is a month, not the 1st of that month.

Accepted forms (whitespace-insensitive, case-insensitive):

=========================================  =====================  =========  =================================
input                                      date                   precision  issue
=========================================  =====================  =========  =================================
``2024-07-05``, ``2024/7/5``, ``2024.07.05``  2024-07-05          day        -
``2024-07-05T10:31:00``, ``...10:31:00Z``,  2024-07-05             day        - (the date as written; no time
``...+01:00``, ``2024-07-05 10:31:00.123``                                    zone conversion)
``05/07/2024``, ``5/7/2024``, ``05-07-2024``, 2024-07-05 (day first)   day        -
``05.07.2024``, ``05/07/2024 10:31``
``05/07/24``                               2024-07-05             day        - (two-digit years: see below)
``05/07/2024`` with ``monthfirst=True``    2024-05-07             day        -
``13/07/2024`` with ``monthfirst=True``    2024-07-13             day        ``date_order_contradicts_setting``
``07/13/2024`` (default day first)         2024-07-13             day        ``date_order_contradicts_setting``
``5 July 2024``, ``5th July 2024``,        2024-07-05             day        -
``5th of July, 2024``, ``July 5, 2024``,
``Friday 5 July 2024``, ``05-Jul-2024``,
``5 Jul 24``, ``5 Sept 2024``
``Monday 5 July 2024``                     2024-07-05             day        ``weekday_mismatch``
``Jul 2024``, ``July 2024``, ``Jul-24``,   2024-07-01             month      -
``2024-07``, ``07/2024``, ``7.2024``
``2024``                                   2024-01-01             year       -
``45478`` (Excel serial, 32874..73415)     2024-07-05             day        ``excel_serial_date``
``31/02/2024``, ``5/7``, ``soon``          null                   null       ``unparseable_date``
``1985-07-05``, ``1850``, ``05/07/85``     null                   null       ``implausible_date``
=========================================  =====================  =========  =================================

Rules worth knowing:

* **Day first by default.** UK authorities write day/month/year. ``monthfirst=True`` flips only the
  numeric forms where both readings are possible; a value that only makes sense one way (``13/07/2024``)
  is read that way whatever the setting, with the warning ``date_order_contradicts_setting``, because one
  such value suggests the whole column may be in the other order and its ambiguous dates misread.
* **Two-digit years** follow the POSIX/``strptime`` pivot: ``00``-``68`` -> 2000-2068, ``69``-``99`` ->
  1969-1999. Years 1969-1989 are then rejected as implausible, which flags e.g. ``05/07/85`` instead of
  inventing 2085.
* **Plausible range** is 1990-2100 inclusive; anything outside is ``implausible_date`` (null).
* **Month name with a two-digit year** (``Jul-24``, ``Jul '24``) is read as a month (Excel's ``mmm-yy``
  display format), but only with a hyphen or apostrophe: ``July 24`` alone is ambiguous (24 July of which
  year?) and is rejected.
* **Excel serial numbers** (days since 1899-12-30, as a spreadsheet stores dates) are accepted as text
  only with five digits and within the plausible range (32874 = 1990-01-01 to 73415 = 2100-12-31),
  optionally with a fractional time part; the info issue ``excel_serial_date`` makes the reading visible.
* **Not accepted**: compact ``20240705`` (indistinguishable from a reference number), dates without a
  year, financial years (``2023/24``), quarters.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from mosaic.normalise.values import _quote, build_result, distinct_strings
from mosaic.schema.vocab import DatePrecision, Severity

__all__ = ["ISSUE_SEVERITY", "MAX_YEAR", "MIN_YEAR", "parse_dates", "period_end"]

#: Earliest and latest plausible year of any date in the domain (inclusive).
MIN_YEAR = 1990
MAX_YEAR = 2100

#: Severity of every issue code :func:`parse_dates` emits.
ISSUE_SEVERITY: dict[str, Severity] = {
    "unparseable_date": Severity.WARNING,
    "implausible_date": Severity.WARNING,
    "date_order_contradicts_setting": Severity.WARNING,
    "weekday_mismatch": Severity.WARNING,
    "excel_serial_date": Severity.INFO,
}

_MONTHS: dict[str, int] = {
    **{name: i for i, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december"], start=1)},
    **{name: i for i, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)},
    "sept": 9,
}  # fmt: skip
_WEEKDAYS: dict[str, int] = {
    **{name: i for i, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])},
    **{name: i for i, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}  # fmt: skip

_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = re.compile(r"^(?P<weekday>" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\.?,?\s+")
_TIME = (
    r"(?:[t ]\s*(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d(?:[.,]\d+)?)?\s*(?:am|pm|z|utc|gmt|bst|[+-]\d{2}:?\d{2})?)?"
)

_ISO = re.compile(r"^(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})" + _TIME + "$")
_NUMERIC = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})" + _TIME + "$")
_DAY_MONTH_YEAR = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s\-/]*" + _MONTH + r"[\s\-/,]*(?P<year>\d{4}|\d{2})" + _TIME + "$"
)
_MONTH_DAY_YEAR = re.compile(
    r"^" + _MONTH + r"[\s\-]*(?P<day>\d{1,2})(?:st|nd|rd|th)?[\s,]+(?P<year>\d{4})" + _TIME + "$"
)
_MONTH_YEAR = re.compile(r"^" + _MONTH + r"(?:[\s\-/,]*(?P<year>\d{4})|\s*[-'\u2019]\s*(?P<yy>\d{2}))$")
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$")
_MONTH_SLASH_YEAR = re.compile(r"^(?P<month>\d{1,2})[-/.](?P<year>\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_SERIAL = re.compile(r"^(?P<days>\d{5})(?:\.\d+)?$")

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN = (dt.date(MIN_YEAR, 1, 1) - _EXCEL_EPOCH).days  # 32874
_SERIAL_MAX = (dt.date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days  # 73415

Parsed = tuple[dt.date | None, str | None, str | None, str | None]


def _year(text: str) -> int:
    """A four-digit year as is; a two-digit year by the POSIX pivot (00-68 -> 20xx, 69-99 -> 19xx)."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 68 else 1900
    return year


def _make(value: str, year: int, month: int, day: int, precision: DatePrecision) -> Parsed:
    """Build a date, rejecting implausible years and impossible days with a message naming ``value``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return (
            None,
            None,
            "implausible_date",
            (f"{_quote(value)} is dated {year}, outside the plausible range {MIN_YEAR}-{MAX_YEAR}; it was left blank."),
        )
    try:
        date = dt.date(year, month, day)
    except ValueError:
        why = (
            f"there is no month {month}"
            if not 1 <= month <= 12
            else f"{dt.date(year, month, 1):%B %Y} has no day {day}"
        )
        return None, None, "unparseable_date", f"{_quote(value)} is not a real date: {why}."
    return date, precision.value, None, None


def _nice(date: dt.date) -> str:
    """A date as a reader says it: 5 July 2024."""
    return f"{date.day} {date:%B %Y}"


def _parse_numeric(value: str, match: re.Match[str], monthfirst: bool) -> Parsed:
    """Read ``a/b/year``, honouring ``monthfirst`` only where both readings are possible."""
    a, b, year = int(match["a"]), int(match["b"]), _year(match["year"])
    first_is_day = not monthfirst
    contradicts = False
    if monthfirst and a > 12 and b <= 12:
        first_is_day, contradicts = True, True
    elif not monthfirst and b > 12 and a <= 12:
        first_is_day, contradicts = False, True
    day, month = (a, b) if first_is_day else (b, a)
    result = _make(value, year, month, day, DatePrecision.DAY)
    if contradicts and result[0] is not None:
        setting = "month first" if monthfirst else "day first"
        return (
            result[0],
            result[1],
            "date_order_contradicts_setting",
            (
                f"{_quote(value)} only makes sense as {_nice(result[0])}, although dates were set to be read {setting}; "
                "check whether the column's other dates are in the order you expect."
            ),
        )
    return result


def _parse_one(value: str, monthfirst: bool) -> Parsed:
    """Parse one distinct value; see the module docstring for the accepted forms."""
    text = " ".join(value.split()).lower()
    if match := _ISO.match(text):
        return _make(value, int(match["year"]), int(match["month"]), int(match["day"]), DatePrecision.DAY)
    if match := _NUMERIC.match(text):
        return _parse_numeric(value, match, monthfirst)
    if match := _YEAR_MONTH.match(text):
        return _make(value, int(match["year"]), int(match["month"]), 1, DatePrecision.MONTH)
    if match := _MONTH_SLASH_YEAR.match(text):
        return _make(value, int(match["year"]), int(match["month"]), 1, DatePrecision.MONTH)
    if _YEAR.match(text):
        return _make(value, int(text), 1, 1, DatePrecision.YEAR)
    if match := _SERIAL.match(text):
        days = int(match["days"])
        if _SERIAL_MIN <= days <= _SERIAL_MAX:
            date = _EXCEL_EPOCH + dt.timedelta(days=days)
            return (
                date,
                DatePrecision.DAY.value,
                "excel_serial_date",
                (f"{_quote(value)} was read as a spreadsheet serial number, meaning {_nice(date)}."),
            )
        return None, None, "unparseable_date", f"{_quote(value)} is a number, not a date."
    weekday = None
    if match := _WEEKDAY.match(text):
        weekday, text = _WEEKDAYS[match["weekday"]], text[match.end() :]
    text = text.replace(",", " ").strip()
    text = " ".join(text.split())
    result: Parsed | None = None
    if match := _DAY_MONTH_YEAR.match(text):
        result = _make(value, _year(match["year"]), _MONTHS[match["month"]], int(match["day"]), DatePrecision.DAY)
    elif match := _MONTH_DAY_YEAR.match(text):
        result = _make(value, int(match["year"]), _MONTHS[match["month"]], int(match["day"]), DatePrecision.DAY)
    elif weekday is None and (match := _MONTH_YEAR.match(text)):
        year = int(match["year"]) if match["year"] else _year(match["yy"])
        result = _make(value, year, _MONTHS[match["month"]], 1, DatePrecision.MONTH)
    if result is None:
        return None, None, "unparseable_date", f"{_quote(value)} could not be read as a date."
    if weekday is not None and result[0] is not None and result[0].weekday() != weekday:
        return (
            result[0],
            result[1],
            "weekday_mismatch",
            (
                f"{_quote(value)} names the wrong day of the week: {_nice(result[0])} was a {result[0]:%A}; "
                "the date was kept, but check it."
            ),
        )
    return result


def parse_dates(values: pl.Series, *, monthfirst: bool = False) -> pl.DataFrame:
    """Parse distinct date strings into dates with a recorded precision.

    See the module docstring for the table of accepted forms and the rules (day first, two-digit years,
    plausible range, Excel serials). A value that cannot be read becomes a null date with an issue; this
    function never raises on bad data.

    Args:
        values: Date cells as text (nulls and duplicates allowed; already stripped).
        monthfirst: Read ambiguous numeric dates (``05/07/2024``) month first, US style. Values that make
            sense only one way are read that way regardless, with a warning.

    Returns:
        One row per distinct non-null value: ``value`` (String), ``date`` (Date: the first day of the
        period for month and year precision), ``precision`` (String, :class:`DatePrecision`), ``issue``,
        ``severity``, ``message``.

    Example:
        >>> parse_dates(pl.Series(["5th July 2024", "Jul 2024"])).select("date", "precision").rows()
        [(datetime.date(2024, 7, 5), 'day'), (datetime.date(2024, 7, 1), 'month')]
    """
    distinct = pl.Series("value", distinct_strings(values), dtype=pl.String)
    common = _parse_common_shapes(distinct, monthfirst=monthfirst)
    rest = build_result(
        common.filter(pl.col("date").is_null()).get_column("value"),
        lambda value: _parse_one(value, monthfirst),
        {"date": pl.Date, "precision": pl.String},
        ISSUE_SEVERITY,
    )
    read = common.filter(pl.col("date").is_not_null()).with_columns(
        issue=pl.lit(None, pl.String), severity=pl.lit(None, pl.String), message=pl.lit(None, pl.String)
    )
    both = pl.concat([read, rest.select(read.columns)])
    return distinct.to_frame().join(both, on="value", how="left", maintain_order="left")


#: The shapes nearly every tracker uses, matched exactly (ASCII digits and letters, single spaces, no
#: time), which :func:`_parse_common_shapes` reads with polars expressions instead of one Python call
#: per distinct value. Each reads exactly as ``_parse_one`` reads it; everything else goes to Python.
_COMMON_ISO = r"^([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})$"
_COMMON_NUMERIC = r"^([0-9]{1,2})([-/.])([0-9]{1,2})([-/.])([0-9]{4})$"
_COMMON_DAY_MONTH_YEAR = r"^([0-9]{1,2}) ([A-Za-z]+) ([0-9]{4})$"
_COMMON_MONTH_YEAR = r"^([A-Za-z]+) ([0-9]{4})$"
_COMMON_YEAR_MONTH = r"^([0-9]{4})[-/.]([0-9]{1,2})$"
_COMMON_YEAR = r"^([0-9]{4})$"


def _parse_common_shapes(values: pl.Series, *, monthfirst: bool) -> pl.DataFrame:
    """Read the common date shapes of distinct ``values`` with polars expressions.

    Why: a large file has some 15,000 distinct dates per date column, and the per-value Python parser
    is then the slowest cleaner. This handles only what it can read *without any issue*: ISO
    ``2024-07-05`` (also ``/`` or ``.``), ``05/07/2024`` where the date order is not contradicted,
    ``5 July 2024`` / ``5 Jul 2024``, ``July 2024``, ``2024-07`` and ``2024``, each a real date in the
    plausible years. Anything else, including every value that earns an issue, gets a null ``date``
    and is left to :func:`_parse_one`, so both paths give the same answer for every value (a property
    test compares them on generated strings).

    Returns:
        ``value``, ``date`` (null where not read here), ``precision``.
    """
    value = pl.col("value")
    iso = value.str.extract_groups(_COMMON_ISO)
    numeric = value.str.extract_groups(_COMMON_NUMERIC)
    day_month_year = value.str.extract_groups(_COMMON_DAY_MONTH_YEAR)
    month_year = value.str.extract_groups(_COMMON_MONTH_YEAR)
    year_month = value.str.extract_groups(_COMMON_YEAR_MONTH)
    year_only = value.str.extract(_COMMON_YEAR, 1)

    def month_named(group: pl.Expr) -> pl.Expr:
        return group.str.to_lowercase().replace_strict(_MONTHS, default=None, return_dtype=pl.Int64)

    def number(group: pl.Expr) -> pl.Expr:
        return group.cast(pl.Int64)

    first, second = number(numeric.struct.field("1")), number(numeric.struct.field("3"))
    # A value whose order contradicts the setting earns a warning: leave it to the full parser.
    contradicts = (first > 12) & (second <= 12) if monthfirst else (second > 12) & (first <= 12)
    numeric_ok = (numeric.struct.field("2") == numeric.struct.field("4")) & ~contradicts
    parts = (
        pl.when(iso.struct.field("2") == iso.struct.field("4"))
        .then(pl.struct(y=number(iso.struct.field("1")), m=number(iso.struct.field("3")), d=number(iso.struct.field("5")), p=pl.lit(DatePrecision.DAY.value)))
        .when(numeric_ok)
        .then(pl.struct(y=number(numeric.struct.field("5")), m=first if monthfirst else second, d=second if monthfirst else first, p=pl.lit(DatePrecision.DAY.value)))
        .when(month_named(day_month_year.struct.field("2")).is_not_null())
        .then(pl.struct(y=number(day_month_year.struct.field("3")), m=month_named(day_month_year.struct.field("2")), d=number(day_month_year.struct.field("1")), p=pl.lit(DatePrecision.DAY.value)))
        .when(month_named(month_year.struct.field("1")).is_not_null())
        .then(pl.struct(y=number(month_year.struct.field("2")), m=month_named(month_year.struct.field("1")), d=pl.lit(1, pl.Int64), p=pl.lit(DatePrecision.MONTH.value)))
        .when(year_month.struct.field("1").is_not_null())
        .then(pl.struct(y=number(year_month.struct.field("1")), m=number(year_month.struct.field("2")), d=pl.lit(1, pl.Int64), p=pl.lit(DatePrecision.MONTH.value)))
        .when(year_only.is_not_null())
        .then(pl.struct(y=number(year_only), m=pl.lit(1, pl.Int64), d=pl.lit(1, pl.Int64), p=pl.lit(DatePrecision.YEAR.value)))
    )  # fmt: skip
    year, month, day = pl.col("y"), pl.col("m"), pl.col("d")
    text = pl.concat_str(
        year.cast(pl.String), month.cast(pl.String).str.zfill(2), day.cast(pl.String).str.zfill(2), separator="-"
    )
    date = pl.when(year.is_between(MIN_YEAR, MAX_YEAR)).then(text.str.to_date("%Y-%m-%d", strict=False))
    return (
        values.to_frame("value")
        .with_columns(parts.alias("parts"))
        .unnest("parts")
        .select("value", date.alias("date"), pl.when(date.is_not_null()).then(pl.col("p")).alias("precision"))
    )


def period_end(date_col: str, precision_col: str) -> pl.Expr:
    """The last day of the period a (date, precision) pair stands for.

    Why: a month-precision date is stored as the 1st, but a disclosure "in July 2024" may have been made on
    any day of July. Analyses that ask "was it public by the end of the period?" (or that must not assume
    more than was given) compare against this end date. Day precision, or a null precision, gives the
    date itself; month gives the month's last day; year gives 31 December.

    Args:
        date_col: Name of the Date column.
        precision_col: Name of the matching precision column (:class:`DatePrecision` values).

    Returns:
        A Date expression (unnamed beyond polars' default; alias it).

    Example:
        >>> frame = pl.DataFrame({"d": [dt.date(2024, 2, 1)], "p": ["month"]})
        >>> frame.select(period_end("d", "p").alias("end")).item()
        datetime.date(2024, 2, 29)
    """
    date, precision = pl.col(date_col), pl.col(precision_col)
    return (
        pl.when(precision == DatePrecision.MONTH.value)
        .then(date.dt.month_end())
        .when(precision == DatePrecision.YEAR.value)
        .then(pl.date(date.dt.year(), 12, 31))
        .otherwise(date)
    )
