"""Property tests for the value cleaners: total, one row per distinct input, outputs within contract."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaic.normalise import dates, exemptions, outcomes, values
from mosaic.normalise.dates import MAX_YEAR, MIN_YEAR, parse_dates
from mosaic.normalise.exemptions import CODE_PATTERN, parse_exemptions
from mosaic.normalise.outcomes import classify_outcomes
from mosaic.normalise.values import classify_source_types, clean_text, clean_urls
from mosaic.schema.vocab import DatePrecision, Outcome, SourceType

# Text that looks like what the cleaners see: real-world fragments mixed with arbitrary unicode.
FRAGMENTS = [
    "s", "s.", "ss", "section", "reg", "regulation", "FOISA", "FOI(S)A", "EIR", "(", ")", "/", "-", ".", ",", "&",
    "and", "24", "2", "31", "3", "23(5)", "12", "(a)", "2024", "07", "05", "Jul", "July", "5th", "Friday", "T",
    ":", "Z", "+01:00", "NCND", "neither", "confirm", "nor", "deny", "not held", "overt", "covert", "partial",
    "http://", "https://", "www.", "javascript:", "example.org", "<", ">", '"', " ", "45478", "IC-", "0",
]  # fmt: skip
messy_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join),
    st.lists(st.sampled_from(FRAGMENTS), max_size=8).map(" ".join),
)
cells = st.lists(st.one_of(st.none(), messy_text), max_size=30)

CLEANERS = [
    (lambda s: parse_dates(s), dates.ISSUE_SEVERITY),
    (lambda s: parse_dates(s, monthfirst=True), dates.ISSUE_SEVERITY),
    (classify_outcomes, outcomes.ISSUE_SEVERITY),
    (parse_exemptions, exemptions.ISSUE_SEVERITY),
    (clean_urls, values.ISSUE_SEVERITY),
    (classify_source_types, values.ISSUE_SEVERITY),
    (clean_text, values.ISSUE_SEVERITY),
]


def _check_contract(frame: pl.DataFrame, series: pl.Series, severities: dict) -> None:
    """One row per distinct non-null input; issue, severity and message all null or all set."""
    expected = series.drop_nulls().unique()
    assert frame.columns[0] == "value"
    assert frame.columns[-3:] == ["issue", "severity", "message"]
    assert frame.height == expected.len()
    assert frame.get_column("value").n_unique() == frame.height
    assert set(frame.get_column("value").to_list()) == set(expected.to_list())
    for issue, severity, message in frame.select("issue", "severity", "message").iter_rows():
        assert (issue is None) == (severity is None) == (message is None)
        if issue is not None:
            assert severity == severities[issue].value
            assert message.strip()


@settings(max_examples=200, deadline=None)
@given(cells)
def test_every_cleaner_is_total_and_keeps_one_row_per_distinct_value(raw: list[str | None]) -> None:
    series = pl.Series("cells", raw, dtype=pl.String)
    for cleaner, severities in CLEANERS:
        _check_contract(cleaner(series), series, severities)


@settings(max_examples=300, deadline=None)
@given(cells, st.booleans())
def test_dates_are_plausible_and_precision_is_consistent(raw: list[str | None], monthfirst: bool) -> None:
    frame = parse_dates(pl.Series(raw, dtype=pl.String), monthfirst=monthfirst)
    for date, precision in frame.select("date", "precision").iter_rows():
        assert (date is None) == (precision is None)
        if date is None:
            continue
        assert dt.date(MIN_YEAR, 1, 1) <= date <= dt.date(MAX_YEAR, 12, 31)
        assert precision in {p.value for p in DatePrecision}
        if precision == DatePrecision.MONTH:
            assert date.day == 1
        if precision == DatePrecision.YEAR:
            assert (date.month, date.day) == (1, 1)


FORMATS = [
    ("{d:%Y-%m-%d}", False),
    ("{d:%Y-%m-%d}T10:31:00Z", False),
    ("{d:%d/%m/%Y}", False),
    ("{d.day}/{d.month}/{d:%Y}", False),
    ("{d:%d.%m.%Y}", False),
    ("{d:%m/%d/%Y}", True),
    ("{d.day} {d:%B %Y}", False),
    ("{d.day} {d:%b %Y}", False),
    ("{d:%A} {d.day} {d:%B %Y}", False),
    ("{d:%B} {d.day}, {d:%Y}", False),
    ("{d:%d-%b-%Y}", False),
]


@settings(max_examples=300, deadline=None)
@given(st.dates(dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)), st.sampled_from(FORMATS))
def test_formatted_dates_round_trip(date: dt.date, fmt: tuple[str, bool]) -> None:
    template, monthfirst = fmt
    text = template.format(d=date)
    row = parse_dates(pl.Series([text]), monthfirst=monthfirst).row(0, named=True)
    assert (row["date"], row["precision"]) == (date, "day"), (text, row)


@settings(max_examples=300, deadline=None)
@given(cells)
def test_exemption_codes_follow_the_grammar(raw: list[str | None]) -> None:
    frame = parse_exemptions(pl.Series(raw, dtype=pl.String))
    for codes in frame.get_column("exemptions").to_list():
        assert codes == sorted(set(codes))
        assert all(CODE_PATTERN.match(code) for code in codes), codes


FOIA_CODES = sorted(c for c in exemptions.NCND_LIMBS if c.startswith("s")) + ["s24(1)", "s31(1)", "s43(2)", "s40(2)"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(FOIA_CODES), min_size=1, max_size=4, unique=True),
    st.sampled_from(["Section {}", "s.{}", "s {}", "{}", "sec. {}", "S{}"]),
    st.sampled_from([", ", " and ", " & ", "/", "; "]),
)
def test_formatted_citations_round_trip(codes: list[str], style: str, separator: str) -> None:
    text = separator.join(style.format(code[1:]) for code in codes)
    row = parse_exemptions(pl.Series([text])).row(0, named=True)
    assert row["exemptions"] == sorted(codes), text


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
    st.integers(0, 999_999),
    st.sampled_from(["{d:%d/%m/%Y}", "{d:%d/%m/%y}", "{d:%d.%m.%Y}", "FOI {d:%Y}/{n:05d}", "IC-{n}-A1B2", "Ref {n}"]),
)
def test_dates_and_references_never_become_exemptions(date: dt.date, number: int, template: str) -> None:
    text = template.format(d=date, n=number)
    assert parse_exemptions(pl.Series([text])).get_column("exemptions").to_list() == [[]], text


@settings(max_examples=200, deadline=None)
@given(cells)
def test_closed_vocabularies_and_safe_urls(raw: list[str | None]) -> None:
    series = pl.Series(raw, dtype=pl.String)
    assert set(classify_outcomes(series).get_column("outcome")) <= {o.value for o in Outcome}
    assert set(classify_source_types(series).get_column("source_type")) <= {s.value for s in SourceType}
    urls = clean_urls(series).get_column("url").drop_nulls()
    assert urls.str.contains(r"^https?://[^/]").all()
    assert not urls.str.contains(r"\s").any()


@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.builds(
                lambda scheme, host, path: f"{scheme}://{host}{path}",
                st.sampled_from(["http", "https", "HTTP", "javascript", "ftp"]),
                st.from_regex(r"[a-zA-Z0-9.-]{1,20}(:[0-9]{1,6})?", fullmatch=True),
                st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=20),
            ),
        ),
        max_size=20,
    )
)
@settings(max_examples=200, deadline=None)
def test_url_fast_path_agrees_with_the_per_value_cleaner(urls):
    """clean_urls passes plainly valid URLs through without calling the cleaner: same answers either way."""
    from mosaic.normalise.values import _clean_url, clean_urls

    result = clean_urls(pl.Series(urls, dtype=pl.String))
    for row in result.iter_rows(named=True):
        url, issue, _message = _clean_url(row["value"])
        assert (row["url"], row["issue"]) == (url, issue)
