"""Authority name resolution against the real register: every rule, with names seen in real letters."""

from __future__ import annotations

import polars as pl
import pytest

from mosaic.normalise.authorities import ISSUE_SEVERITY, RESULT_SCHEMA, force_key, resolve_authorities
from mosaic.registry import load_authorities
from mosaic.schema.vocab import MatchMethod, Severity


@pytest.fixture(scope="module")
def register() -> pl.DataFrame:
    return load_authorities()


def resolve_one(register: pl.DataFrame, name: str, **kwargs) -> dict:
    out = resolve_authorities(pl.Series([name]), register, **kwargs)
    assert out.height == 1
    return out.row(0, named=True)


@pytest.mark.parametrize(
    ("name", "authority_id", "method"),
    [
        ("Nottinghamshire Police", "nottinghamshire", "exact"),
        ("  NOTTINGHAMSHIRE   police ", "nottinghamshire", "exact"),
        ("Notts Police", "nottinghamshire", "alias"),
        ("Nottinghamshire Constabulary", "nottinghamshire", "normalised"),
        ("The Nottinghamshire Police Force", "nottinghamshire", "normalised"),
        ("Nottinghamshire", "nottinghamshire", "normalised"),
        ("Metropolitan Police Service", "metropolitan", "exact"),
        ("Metropolitan Police", "metropolitan", "alias"),
        ("MPS", "metropolitan", "alias"),
        ("Met Police", "metropolitan", "alias"),
        ("Commissioner of Police of the Metropolis", "metropolitan", "alias"),
        ("City of London Police", "city-of-london", "exact"),
        ("Avon & Somerset Constabulary", "avon-and-somerset", "exact"),
        ("Avon & Somerset", "avon-and-somerset", "normalised"),
        ("Avon and Somerset Police", "avon-and-somerset", "normalised"),
        ("Devon and Cornwall", "devon-and-cornwall", "normalised"),
        ("Devon & Cornwall Police", "devon-and-cornwall", "exact"),
        ("Dyfed Powys Police", "dyfed-powys", "exact"),
        ("Dyfed–Powys Police", "dyfed-powys", "exact"),
        ("Police Service of Northern Ireland", "psni", "exact"),
        ("PSNI", "psni", "alias"),
        ("Police Scotland", "police-scotland", "exact"),
        ("Police Service of Scotland", "police-scotland", "alias"),
        ("Heddlu Gogledd Cymru", "north-wales", "alias"),
        ("Heddlu De Cymru", "south-wales", "alias"),
        ("Hampshire Constabulary", "hampshire", "alias"),
        ("Hampshire & Isle of Wight Constabulary", "hampshire", "exact"),
        ("British Transport Police", "btp", "exact"),
        ("BTP", "btp", "alias"),
        ("Ministry of Defence Police", "mod-police", "exact"),
        ("National Crime Agency", "nca", "exact"),
        ("Kent Police (Freedom of Information team)", "kent", "normalised"),
        ("Sussex Police Force", "sussex", "normalised"),
        ("Greater Manchester Police", "greater-manchester", "exact"),
        ("GMP", "greater-manchester", "alias"),
    ],
)
def test_forces(register: pl.DataFrame, name: str, authority_id: str, method: str) -> None:
    row = resolve_one(register, name)
    assert (row["authority_id"], row["authority_match"]) == (authority_id, method)
    assert row["authority_match_score"] == 100.0
    assert row["issue"] is None and row["message"] is None


@pytest.mark.parametrize(
    ("name", "authority_id", "method"),
    [
        ("Office of the Police and Crime Commissioner for Nottinghamshire", "pcc-nottinghamshire", "normalised"),
        ("Nottinghamshire OPCC", "pcc-nottinghamshire", "normalised"),
        ("PCC for Nottinghamshire", "pcc-nottinghamshire", "normalised"),
        ("Police and Crime Commissioner for Nottinghamshire", "pcc-nottinghamshire", "exact"),
        ("Nottinghamshire Police and Crime Commissioner", "pcc-nottinghamshire", "normalised"),
        ("Essex Police, Fire and Crime Commissioner", "pcc-essex", "normalised"),
        ("Police, Fire and Crime Commissioner for Essex", "pcc-essex", "exact"),
        ("Staffordshire Commissioner", "pcc-staffordshire", "alias"),
        ("Mayor's Office for Policing and Crime", "pcc-metropolitan", "exact"),
        ("MOPAC", "pcc-metropolitan", "alias"),
        ("Greater Manchester Combined Authority", "pcc-greater-manchester", "exact"),
        ("Mayor of West Yorkshire", "pcc-west-yorkshire", "alias"),
        ("West Yorkshire PCC", "pcc-west-yorkshire", "normalised"),
        ("North Yorkshire Police, Fire and Crime Commissioner", "pcc-north-yorkshire", "normalised"),
        ("South Yorkshire OPCC", "pcc-south-yorkshire", "normalised"),
        ("Dyfed-Powys PCC", "pcc-dyfed-powys", "normalised"),
        ("Comisiynydd Heddlu a Throseddu Gogledd Cymru", "pcc-north-wales", "alias"),
        ("Office of the Police & Crime Commissioner for Avon and Somerset", "pcc-avon-and-somerset", "normalised"),
        ("Police and Crime Commissioner for Hampshire", "pcc-hampshire", "normalised"),
    ],
)
def test_commissioners_resolve_to_their_own_entry(
    register: pl.DataFrame, name: str, authority_id: str, method: str
) -> None:
    row = resolve_one(register, name)
    assert (row["authority_id"], row["authority_match"]) == (authority_id, method)


def test_pcc_as_force_links_to_the_force(register: pl.DataFrame) -> None:
    row = resolve_one(register, "Nottinghamshire OPCC", pcc_as_force=True)
    assert (row["authority_id"], row["authority_match"], row["authority_match_score"]) == (
        "nottinghamshire",
        "linked",
        100.0,
    )
    assert resolve_one(register, "Kent Police", pcc_as_force=True)["authority_match"] == "exact"


@pytest.mark.parametrize(
    ("name", "authority_id"),
    [
        ("Nottinghamshre Police", "nottinghamshire"),
        ("Northumbira Police", "northumbria"),
        ("Leicestershier Constabulary", "leicestershire"),
    ],
)
def test_typos_match_fuzzily_with_an_info_issue(register: pl.DataFrame, name: str, authority_id: str) -> None:
    row = resolve_one(register, name)
    assert (row["authority_id"], row["authority_match"], row["issue"]) == (
        authority_id,
        "fuzzy",
        "fuzzy_authority_match",
    )
    assert 90 <= row["authority_match_score"] < 100
    assert name in row["message"] and authority_id in row["message"]
    assert ISSUE_SEVERITY[row["issue"]] is Severity.INFO


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("North Yorkshire", "South Yorkshire"),
        ("North Yorkshire", "West Yorkshire"),
        ("South Yorkshire", "West Yorkshire"),
        ("North Wales", "South Wales"),
        ("Cumbria", "Cambridgeshire"),
        ("Northumbria", "Northamptonshire"),
    ],
)
def test_false_friends_never_match_each_other(register: pl.DataFrame, left: str, right: str) -> None:
    out = resolve_authorities(pl.Series([f"{left} Police", f"{right} Police", left, right]), register)
    ids = out.get_column("authority_id").to_list()
    assert ids[0] == ids[2] and ids[1] == ids[3] and ids[0] != ids[1]
    assert set(out.get_column("authority_match")) <= {"exact", "normalised"}


@pytest.mark.parametrize("threshold", [50.0, 70.0, 90.0])
@pytest.mark.parametrize(
    ("name", "must_not_be"),
    [
        ("Nrth Yorkshire Police", {"south-yorkshire", "west-yorkshire"}),
        ("Yorkshire Police", {"north-yorkshire", "south-yorkshire", "west-yorkshire"}),
        ("Wales Police", {"north-wales", "south-wales"}),
        ("Cumbrai Police", {"cambridgeshire"}),
        ("Northumbra", {"northamptonshire"}),
    ],
)
def test_fuzzy_never_crosses_false_friends_even_when_lax(
    register: pl.DataFrame, name: str, must_not_be: set, threshold: float
) -> None:
    assert resolve_one(register, name, fuzzy_threshold=threshold)["authority_id"] not in must_not_be


@pytest.mark.parametrize("name", ["Gotham City Police", "Yorkshire Police", "Police", "City of London PCC", "???"])
def test_unresolved_names_are_kept_apart(register: pl.DataFrame, name: str) -> None:
    row = resolve_one(register, name)
    assert row["authority_id"].startswith("unresolved:")
    assert row["authority_match"] == "unresolved"
    assert row["authority_match_score"] is None
    assert row["issue"] == "unresolved_authority"
    assert ISSUE_SEVERITY["unresolved_authority"] is Severity.WARNING
    assert repr(name) in row["message"]


def test_unresolved_id_is_a_stable_slug(register: pl.DataFrame) -> None:
    out = resolve_authorities(pl.Series(["Gotham City Police", "gotham city police."]), register)
    assert out.get_column("authority_id").to_list() == ["unresolved:gotham-city-police"] * 2


def test_distinct_non_null_values_in_first_seen_order(register: pl.DataFrame) -> None:
    out = resolve_authorities(pl.Series(["Kent Police", None, "Kent Police", "Essex Police"]), register)
    assert out.schema == RESULT_SCHEMA
    assert out.get_column("value").to_list() == ["Kent Police", "Essex Police"]


def test_empty_input(register: pl.DataFrame) -> None:
    out = resolve_authorities(pl.Series([], dtype=pl.String), register)
    assert out.height == 0 and out.schema == RESULT_SCHEMA


def test_methods_are_the_vocabulary(register: pl.DataFrame) -> None:
    names = register.get_column("name").to_list() + ["Nottinghamshre Police", "Unknown Constabulary"]
    out = resolve_authorities(pl.Series(names), register)
    assert set(out.get_column("authority_match")) <= {m.value for m in MatchMethod}
    # every official name resolves to itself, exactly
    head = out.head(register.height)
    assert head.get_column("authority_id").to_list() == register.get_column("authority_id").to_list()
    assert set(head.get_column("authority_match")) == {"exact"}


def test_every_alias_resolves_to_its_owner(register: pl.DataFrame) -> None:
    pairs = register.select("authority_id", "aliases").explode("aliases").drop_nulls()
    out = resolve_authorities(pairs.get_column("aliases"), register)
    assert out.get_column("authority_id").to_list() == pairs.get_column("authority_id").to_list()


def test_force_key() -> None:
    assert force_key("The Avon & Somerset Constabulary") == "avon and somerset"
    assert force_key("Police Scotland") == "police scotland"
