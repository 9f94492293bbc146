"""Tests of the synthetic sample generator: shape, determinism, safety, CSV quoting and planted patterns.

The planted patterns are checked on the raw strings with small parsers written here, independent of the
ingest pipeline, so the sample's promises hold whatever the ingest does with them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mosaic.resources import sample_path
from mosaic.sample import (
    DEFAULT_WAVES,
    PLANTED_ROLES,
    SAMPLE_COLUMNS,
    generate_sample,
    planted_patterns,
    write_sample,
)

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"

_TERRITORIAL = [
    ("avon-and-somerset", "Avon and Somerset Constabulary", ["Avon & Somerset"]),
    ("bedfordshire", "Bedfordshire Police", ["Beds Police"]),
    ("cheshire", "Cheshire Constabulary", []),
    ("cumbria", "Cumbria Constabulary", ["Cumbria Police"]),
    ("derbyshire", "Derbyshire Constabulary", []),
    ("devon-and-cornwall", "Devon and Cornwall Police", ["Devon & Cornwall"]),
    ("dorset", "Dorset Police", []),
    ("durham", "Durham Constabulary", []),
    ("essex", "Essex Police", ["Essex Constabulary"]),
    ("gwent", "Gwent Police", []),
    ("kent", "Kent Police", []),
    ("lancashire", "Lancashire Constabulary", ["Lancs Police"]),
    ("metropolitan", "Metropolitan Police Service", ["Metropolitan Police", "MPS", "Met"]),
    ("norfolk", "Norfolk Constabulary", []),
    ("surrey", "Surrey Police", []),
    ("sussex", "Sussex Police", []),
]


def _authorities() -> pl.DataFrame:
    rows = [(i, n, a, "territorial_force", "England") for i, n, a in _TERRITORIAL]
    rows += [
        ("police-scotland", "Police Scotland", ["Police Service of Scotland"], "national_force", "Scotland"),
        ("psni", "Police Service of Northern Ireland", ["PSNI"], "national_force", "Northern Ireland"),
        ("btp", "British Transport Police", ["BTP"], "special_force", "National"),
        ("cnc", "Civil Nuclear Constabulary", ["CNC"], "special_force", "National"),
        ("nca", "National Crime Agency", ["NCA"], "national_body", "National"),
        ("pcc-kent", "Police and Crime Commissioner for Kent", ["Kent OPCC"], "police_and_crime_commissioner",
         "South East"),
    ]  # fmt: skip
    return pl.DataFrame(
        {
            "authority_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "aliases": [r[2] for r in rows],
            "kind": [r[3] for r in rows],
            "region": [r[4] for r in rows],
            "neighbours": [[] for _ in rows],
        },
        schema_overrides={"aliases": pl.List(pl.String), "neighbours": pl.List(pl.String)},
    )


def _technologies() -> pl.DataFrame:
    rows = [
        ("facial-recognition", "Facial recognition", None, "category", None, ["FRT"], False),
        ("drones", "Drones", None, "category", None, ["UAV"], False),
        ("gleamface-one", "Gleamface One", "facial-recognition", "product", "Nimbus Ltd", ["Gleamface"], True),
        ("gleamface-live", "Gleamface Live", "facial-recognition", "product", "Nimbus Ltd", [], True),
        ("skylark-q", "Skylark Q", "drones", "product", "Aerolume Ltd", ["Skylark"], True),
        ("skylark-mini", "Skylark Mini", "drones", "product", "Aerolume Ltd", [], True),
        ("realface-pro", "Realface Pro", "facial-recognition", "product", "Realvendor Inc", ["Realface"], False),
    ]
    return pl.DataFrame(
        {
            "technology_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "parent_id": [r[2] for r in rows],
            "level": [r[3] for r in rows],
            "vendor": [r[4] for r in rows],
            "aliases": [r[5] for r in rows],
            "is_synthetic": [r[6] for r in rows],
        },
        schema_overrides={"aliases": pl.List(pl.String)},
    )


@pytest.fixture(scope="module")
def authorities() -> pl.DataFrame:
    return _authorities()


@pytest.fixture(scope="module")
def technologies() -> pl.DataFrame:
    return _technologies()


@pytest.fixture(scope="module")
def sample(authorities: pl.DataFrame, technologies: pl.DataFrame) -> pl.DataFrame:
    return generate_sample(authorities, technologies)


@pytest.fixture(scope="module")
def planted(authorities: pl.DataFrame, technologies: pl.DataFrame) -> dict:
    return planted_patterns(authorities, technologies)


# ------------------------------------------------------------------------------------------------
# Small independent parsers of the raw strings

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}  # fmt: skip


def parse_date(text: str | None) -> tuple[dt.date, str] | None:
    """Parse every date shape the sample writes: (first day of the period, precision)."""
    if text is None:
        return None
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return dt.date(int(m[1]), int(m[2]), int(m[3])), "day"
    if m := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text):  # UK: day first
        return dt.date(int(m[3]), int(m[2]), int(m[1])), "day"
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", text):
        return dt.date(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1])), "day"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        return dt.date(int(m[1]), int(m[2]), 1), "month"
    if m := re.fullmatch(r"([A-Za-z]{3}) (\d{4})", text):
        return dt.date(int(m[2]), _MONTHS[m[1].lower()], 1), "month"
    if m := re.fullmatch(r"(\d{4})", text):
        return dt.date(int(m[1]), 1, 1), "year"
    raise AssertionError(f"unparseable date {text!r}")


def stance(outcome: str | None) -> str:
    text = (outcome or "").strip().lower()
    if "ncnd" in text or "neither confirm" in text:
        return "ncnd"
    if text in {"yes", "confirmed", "held - exempt", "partially disclosed", "yes - information disclosed"}:
        return "confirm"
    if text in {"no", "not held", "information not held", "no - not used by this force"}:
        return "deny"
    return "unknown"


def exemption_set(text: str | None) -> frozenset[str]:
    """Normalise the sample's exemption spellings: 'Section 24(2) and 31(3)' -> {s24(2), s31(3)}."""
    if not text:
        return frozenset()
    lowered = text.lower()
    codes = {f"s{m[1]}({m[2]})" for m in re.finditer(r"(\d+)\s*\((\d+)\)", lowered)}
    if re.search(r"section 21\b|s21\b", lowered):
        codes.add("s21")
    return frozenset(codes)


def _name_index(authorities: pl.DataFrame) -> dict[str, str]:
    index: dict[str, str] = {}
    for row in authorities.iter_rows(named=True):
        for name in [row["name"], *row["aliases"]]:
            index[name.lower()] = row["authority_id"]
            for a, b in ((" police", " constabulary"), (" constabulary", " police")):
                if name.lower().endswith(a):
                    index[name.lower().removesuffix(a) + b] = row["authority_id"]
    return index


def _product_index(technologies: pl.DataFrame) -> dict[str, str]:
    index = {}
    for row in technologies.iter_rows(named=True):
        for name in [row["name"], *row["aliases"]]:
            index[name.lower()] = row["technology_id"]
    return index


def responses(sample: pl.DataFrame, authorities: pl.DataFrame, technologies: pl.DataFrame) -> list[dict]:
    """The sample as parsed dicts: authority_id, product id, dates, stance, exemption set, raw row."""
    names, products = _name_index(authorities), _product_index(technologies)
    out = []
    for row in sample.iter_rows(named=True):
        requested = parse_date(row["Date requested"])
        responded = parse_date(row["Date of response"])
        out.append(
            {
                "authority_id": names[row["Force"].lower()],
                "product": products.get((row["Product"] or "").lower()),
                "ref": row["Request ref"],
                "requested": requested[0] if requested else None,
                "requested_precision": requested[1] if requested else None,
                "responded": responded[0] if responded else None,
                "responded_precision": responded[1] if responded else None,
                "stance": stance(row["Outcome"]),
                "exemptions": exemption_set(row["Exemptions"]),
                "raw": row,
            }
        )
    return out


@pytest.fixture(scope="module")
def parsed(sample: pl.DataFrame, authorities: pl.DataFrame, technologies: pl.DataFrame) -> list[dict]:
    return responses(sample, authorities, technologies)


def _rows(parsed: list[dict], authority_id: str, **match: object) -> list[dict]:
    return [r for r in parsed if r["authority_id"] == authority_id and all(r[k] == v for k, v in match.items())]


# ------------------------------------------------------------------------------------------------
# Shape, determinism, safety


def test_columns_are_the_user_headers_all_strings(sample: pl.DataFrame, authorities, technologies) -> None:
    scaled = generate_sample(authorities, technologies, rows=500)
    for frame in (sample, scaled):
        assert tuple(frame.columns) == SAMPLE_COLUMNS
        assert all(dtype == pl.String for dtype in frame.schema.values())


def test_same_seed_gives_identical_output_and_another_seed_differs(authorities, technologies, tmp_path) -> None:
    for rows in (None, 2_000):
        first = generate_sample(authorities, technologies, rows=rows, seed=11)
        second = generate_sample(authorities, technologies, rows=rows, seed=11)
        assert_frame_equal(first, second)
        a, b = write_sample(first, tmp_path / "a.csv"), write_sample(second, tmp_path / "b.csv")
        assert a.read_bytes() == b.read_bytes()
        assert not first.equals(generate_sample(authorities, technologies, rows=rows, seed=12))


def test_rows_gives_exactly_that_many_rows(authorities, technologies) -> None:
    for n in (0, 1, 37, 10_000):
        assert generate_sample(authorities, technologies, rows=n).height == n


def test_only_synthetic_products_and_their_categories_appear(authorities, technologies, sample) -> None:
    synthetic = technologies.filter(pl.col("is_synthetic"))
    products = {n.lower() for r in synthetic.iter_rows(named=True) for n in [r["name"], *r["aliases"]]}
    categories = technologies.filter(pl.col("level") == "category")
    category_names = {n.lower() for r in categories.iter_rows(named=True) for n in [r["name"], *r["aliases"]]}
    for frame in (sample, generate_sample(authorities, technologies, rows=20_000, seed=3)):
        assert set(frame["Product"].drop_nulls().str.to_lowercase()) <= products
        assert set(frame["Technology"].str.to_lowercase()) <= category_names
        assert set(frame["Supplier"].drop_nulls()) <= {"Nimbus Ltd", "Aerolume Ltd"}
        every_cell = frame.select(pl.concat_str(pl.all().fill_null(""), separator="|")).to_series()
        assert not every_cell.str.contains("(?i)realface|realvendor").any()


def test_every_note_says_synthetic_and_urls_are_fictional(authorities, technologies, sample) -> None:
    for frame in (sample, generate_sample(authorities, technologies, rows=20_000)):
        assert frame["Notes"].str.starts_with("SYNTHETIC").all()
        urls = frame["Source"].drop_nulls()
        assert urls.str.contains(r"^https://(foi|news)\.example\.org/").all()


def test_csv_round_trip_keeps_every_row_despite_quotes_and_newlines(
    sample, authorities, technologies, tmp_path
) -> None:
    notes = sample["Notes"]
    assert notes.str.contains("\n").any() and notes.str.contains('"').any() and notes.str.contains(",").any()
    for frame in (sample, generate_sample(authorities, technologies, rows=5_000)):
        path = write_sample(frame, tmp_path / "nested" / "sample.csv")
        back = pl.read_csv(path, infer_schema=False)
        assert back.height == frame.height
        assert_frame_equal(back, frame)
        path.read_bytes().decode("utf-8")


def test_inputs_missing_columns_or_too_few_forces_are_refused(authorities, technologies) -> None:
    with pytest.raises(ValueError, match="region"):
        generate_sample(authorities.drop("region"), technologies)
    with pytest.raises(ValueError, match="at least 16"):
        generate_sample(authorities.head(10), technologies)
    with pytest.raises(ValueError, match="synthetic"):
        generate_sample(authorities, technologies.with_columns(is_synthetic=pl.lit(False)))


def test_scaled_sample_is_vectorised_enough(authorities, technologies) -> None:
    import time

    start = time.perf_counter()
    frame = generate_sample(authorities, technologies, rows=200_000)
    assert time.perf_counter() - start < 10  # about 0.4 s here; a per-row Python loop would take far longer
    assert frame["Request ref"].drop_nulls().n_unique() > 1_000
    years = frame["Date requested"].drop_nulls().str.extract(r"(\d{4})").cast(pl.Int32)
    assert years.min() == 2016 and years.max() == 2026
    assert frame["ICO reference"].drop_nulls().str.contains(r"^IC-\d{6}-[A-Z0-9]{4}$").all()
    assert frame["ICO reference"].drop_nulls().len() > 0
    assert set(frame["Source type"].drop_nulls()) >= {"Press release", "Contracts Finder", "Media report"}


# ------------------------------------------------------------------------------------------------
# The planted patterns of the default sample


def test_planted_roles_are_distinct_for_the_story(planted: dict) -> None:
    roles = planted["roles"]
    assert set(roles) == set(PLANTED_ROLES)
    story = ["D1", "D2", "D3", "D4", "S", "R1", "R2", "R3", "E1", "E2", "E3", "M1", "M2", "N1", "N2", "N3"]
    assert len({roles[r] for r in story}) == len(story)
    assert planted["technologies"] == {
        "C1": "facial-recognition", "P1": "gleamface-live", "P2": "gleamface-one",
        "Q1": "skylark-mini", "C2": "drones",
    }  # fmt: skip
    assert planted["pcc"] == "pcc-kent"


def test_every_asked_force_and_only_those_answer(parsed: list[dict]) -> None:
    answering = Counter(r["authority_id"] for r in parsed)
    assert set(answering) == {a for a, _, _ in _TERRITORIAL} | {"police-scotland", "psni", "btp", "pcc-kent"}
    assert answering["pcc-kent"] == 1


def test_disclosures_before_ncnds(parsed: list[dict], planted: dict) -> None:
    p1 = planted["technologies"]["P1"]
    round_robin = planted["waves"][6]["date"]
    early = {
        r["authority_id"]
        for r in parsed
        if r["product"] == p1
        and r["stance"] in ("confirm", "deny")
        and r["responded"] < round_robin
        and r["raw"]["Source type"] != "Media report"  # unofficial: not a disclosure by the force
    }
    later_ncnd = {
        r["authority_id"]
        for r in parsed
        if r["product"] == p1 and r["stance"] == "ncnd" and r["responded"] and r["responded"] >= round_robin
    }
    roles = planted["roles"]
    assert {roles[r] for r in ("D1", "D2", "D3", "D4", "R1", "R2", "S")} <= early
    assert {roles[r] for r in ("E1", "E2", "E3", "M1", "N1", "N3")} <= later_ncnd - early
    press = [r for r in parsed if r["raw"]["Source type"] == "Press release"]
    assert {r["authority_id"] for r in press} == {roles["D1"], roles["D2"]}
    assert all(r["product"] == p1 and r["responded"].year == 2019 and r["stance"] == "confirm" for r in press)
    assert all(r["raw"]["Request ref"] is None and r["raw"]["Date requested"] is None for r in press)


def test_selective_ncnd(parsed: list[dict], planted: dict) -> None:
    s, tech = planted["roles"]["S"], planted["technologies"]
    (denied,) = _rows(parsed, s, product=tech["P1"], ref="SYN-2020-01")
    (ncnd,) = _rows(parsed, s, product=tech["P2"], ref="SYN-2020-02")
    assert denied["stance"] == "deny" and ncnd["stance"] == "ncnd"
    assert 0 < (ncnd["responded"] - denied["responded"]).days < 365
    assert ncnd["raw"]["Technology"].lower() == denied["raw"]["Technology"].lower() == "facial recognition"


def test_reversals(parsed: list[dict], planted: dict) -> None:
    roles, tech = planted["roles"], planted["technologies"]

    def stances(role: str, key: str) -> list[str]:
        rows = sorted(_rows(parsed, roles[role], product=tech[key]), key=lambda r: r["responded"])
        return [r["stance"] for r in rows if r["raw"]["Request ref"]]

    assert stances("R1", "P1") == ["confirm", "ncnd"]
    assert stances("R2", "P1") == ["deny", "ncnd"]
    assert stances("R3", "P2") == ["ncnd", "confirm"]
    (r1_later,) = _rows(parsed, roles["R1"], ref="SYN-2023-01")
    assert r1_later["raw"]["Force"].isupper()


def test_exemption_sets_modal_deviating_and_malformed(parsed: list[dict], planted: dict) -> None:
    roles = planted["roles"]
    wave6 = [r for r in parsed if r["ref"] == "SYN-2023-01" and r["stance"] == "ncnd"]
    counts = Counter(r["exemptions"] for r in wave6 if r["authority_id"] != "police-scotland")
    modal, _ = counts.most_common(1)[0]
    assert modal == {"s24(2)", "s31(3)"}
    expected = {
        "E1": {"s23(5)", "s24(2)", "s30(3)", "s31(3)"},
        "E2": {"s23(5)", "s24(2)"},
        "E3": {"s30(3)", "s31(3)"},
        "M1": {"s31(1)"},
    }
    for role, codes in expected.items():
        (row,) = _rows(parsed, roles[role], ref="SYN-2023-01")
        assert row["stance"] == "ncnd" and row["exemptions"] == codes
    (m2,) = _rows(parsed, roles["M2"], ref="SYN-2024-01")
    assert m2["stance"] == "ncnd" and m2["exemptions"] == {"s21"}


def test_regulator_outcomes(parsed: list[dict], planted: dict) -> None:
    roles = planted["roles"]
    (n1,) = _rows(parsed, roles["N1"], ref="SYN-2023-01")
    (n3,) = _rows(parsed, roles["N3"], ref="SYN-2023-01")
    (n2,) = _rows(parsed, roles["N2"], ref="SYN-2024-01")
    refs = [r["raw"]["ICO reference"] for r in (n1, n2, n3)]
    assert all(re.fullmatch(r"IC-\d{6}-[A-Z0-9]{4}", ref) for ref in refs)
    assert n1["raw"]["ICO decision"] == "NCND upheld"
    assert n3["raw"]["ICO decision"] == "Confirm or deny within 35 days"
    raw = n2["raw"]
    assert (raw["Date requested"], raw["Date of response"]) == ("11/06/2024", "05/07/2024")
    assert (raw["Internal review date"], raw["ICO decision date"]) == ("11 July 2024", "18 November 2024")
    assert n2["exemptions"] == {"s24(2)", "s31(3)"} and n2["stance"] == "ncnd"
    assert parse_date(raw["ICO decision date"])[0] > parse_date(raw["Internal review date"])[0] > n2["responded"]
    # later evidence of use for forces that NCNDed P1
    procurement = {r["authority_id"] for r in parsed if r["raw"]["Source type"] == "Contracts Finder"}
    assert procurement == {roles["N3"], roles["E1"]}
    media = [r for r in parsed if r["raw"]["Source type"] == "Media report"]
    assert [r["authority_id"] for r in media] == [roles["N1"]]


def test_date_shapes(sample: pl.DataFrame, parsed: list[dict], planted: dict) -> None:
    cells = pl.concat(
        [
            sample[c].drop_nulls()
            for c in ("Date requested", "Date of response", "Internal review date", "ICO decision date")
        ]  # fmt: skip
    )
    shapes = {
        "iso": r"\d{4}-\d{2}-\d{2}", "day_first": r"\d{2}/\d{2}/\d{4}", "long": r"\d{1,2} [A-Z][a-z]{3,} \d{4}",
        "month": r"\d{4}-\d{2}", "month_name": r"[A-Z][a-z]{2} \d{4}", "year": r"\d{4}",
    }  # fmt: skip
    for name, pattern in shapes.items():
        assert cells.str.contains(f"^{pattern}$").any(), name
    for literal in ("05/07/2024", "Feb 2023", "2023-02", "2023", "Jun 2019", "2024-05"):
        assert literal in cells.to_list(), literal
    for row in parsed:  # every date cell parses, and an answer never precedes its request
        if row["requested_precision"] == row["responded_precision"] == "day":
            assert row["responded"] >= row["requested"]


def test_outcome_wording(sample: pl.DataFrame) -> None:
    outcomes = set(sample["Outcome"].to_list())
    for text in ("Neither confirm nor deny", "NCND", "NCND s24(2) & s31(3)", "Not held (overt); NCND (covert)",
                 "Information not held", "No", "Yes", "Confirmed", "Held - exempt", "Refused - cost limit",
                 "No response", None):  # fmt: skip
        assert text in outcomes, text


def test_late_missing_and_not_asked(parsed: list[dict], planted: dict) -> None:
    roles = planted["roles"]
    for role, ref in (("L1", "SYN-2022-01"), ("L2", "SYN-2024-01")):
        (row,) = _rows(parsed, roles[role], ref=ref)
        assert np.busday_count(row["requested"], row["responded"]) > 20
    for role, ref in (("NR1", "SYN-2022-01"), ("NR2", "SYN-2024-01")):
        (row,) = _rows(parsed, roles[role], ref=ref)
        assert row["raw"]["Outcome"] == "No response" and row["responded"] is None
    (awaiting,) = _rows(parsed, roles["AW"], ref="SYN-2025-01")
    assert awaiting["raw"]["Outcome"] is None and awaiting["responded"] is None
    assert _rows(parsed, roles["NA"], ref="SYN-2023-01") == []
    late = [r for r in parsed if r["requested"] and r["responded"] and (r["responded"] - r["requested"]).days > 40]
    assert len(late) > 2


def test_names_vary_and_a_pcc_answers(sample: pl.DataFrame, authorities: pl.DataFrame, parsed) -> None:
    official = set(authorities["name"])
    forces = sample["Force"]
    assert forces.is_in(list(official)).mean() < 0.9
    assert forces.str.contains("^[A-Z &]+$").any() and forces.str.contains("^[a-z &]+$").any()
    assert (~forces.is_in(list(official)) & forces.str.contains("Constabulary|Police")).any()
    (pcc,) = [r for r in parsed if r["authority_id"] == "pcc-kent"]
    assert pcc["raw"]["Outcome"] == "Information not held" and pcc["raw"]["Date requested"] == "Feb 2023"


def test_source_types(sample: pl.DataFrame) -> None:
    kinds = set(sample["Source type"].drop_nulls())
    assert {"FOI response", "Press release", "Contracts Finder", "Media report"} <= kinds


def test_scotland_answers_under_foisa(parsed: list[dict]) -> None:
    scotland = [r for r in parsed if r["authority_id"] == "police-scotland" and r["stance"] == "ncnd"]
    assert scotland, "seed 7 gives Police Scotland at least one NCND"
    assert all("FOISA" in (r["raw"]["Exemptions"] or "FOISA") for r in scotland)


def test_waves_match_the_documented_schedule(parsed: list[dict], planted: dict) -> None:
    for number, ref, day, key in DEFAULT_WAVES:
        rows = [r for r in parsed if r["ref"] == ref]
        assert rows and all(r["requested"] >= dt.date(day.year, 1, 1) for r in rows)
        assert planted["waves"][number]["technology_id"] == planted["technologies"][key]


# ------------------------------------------------------------------------------------------------
# The real registers, when present


def _read_register(name: str, folder: Path = REFERENCE) -> pl.DataFrame:
    frame = pl.read_csv(folder / name, infer_schema=False)
    lists = [c for c in ("aliases", "neighbours") if c in frame.columns]
    frame = frame.with_columns(pl.col(c).fill_null("").str.split(";").list.eval(
        pl.element().filter(pl.element() != "")) for c in lists)  # fmt: skip
    if "is_synthetic" in frame.columns:
        frame = frame.with_columns(pl.col("is_synthetic").str.to_lowercase() == "true")
    return frame


@pytest.mark.skipif(
    not ((REFERENCE / "authorities.csv").exists() and (REFERENCE / "technologies.csv").exists()),
    reason="the bundled registers are not there yet",
)
def test_bundled_registers_give_the_documented_sample() -> None:
    authorities, technologies = _read_register("authorities.csv"), _read_register("technologies.csv")
    sample = generate_sample(authorities, technologies)
    assert 300 <= sample.height <= 600
    planted = planted_patterns(authorities, technologies)
    assert len(set(planted["roles"].values())) == len(PLANTED_ROLES)  # every role its own force
    assert planted["technologies"]["C1"] == "facial-recognition"
    own = _read_register("technologies.csv", sample_path("technologies.csv").parent)
    parsed = responses(sample, authorities, pl.concat([technologies.select(own.columns), own]))
    answering = {r["authority_id"] for r in parsed}
    territorial = set(authorities.filter(pl.col("kind") == "territorial_force")["authority_id"])
    assert territorial <= answering
    assert {"police-scotland", "psni", "btp"} <= answering
    assert not {"cnc", "mod-police", "nca"} & answering
    synthetic = set(own["technology_id"])
    assert {r["product"] for r in parsed} - {None} <= synthetic
    assert {r["product"] for r in parsed} & synthetic
    assert not technologies["is_synthetic"].any()  # the shipped taxonomy has no fictional products
    assert sample["Notes"].str.starts_with("SYNTHETIC").all()
