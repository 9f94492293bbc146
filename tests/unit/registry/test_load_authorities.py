"""The authority register: the bundled file's content, and the loader's refusals on broken files."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from mosaic.errors import SchemaError
from mosaic.registry import AUTHORITY_SCHEMA, load_authorities, read_authorities
from mosaic.resources import reference_path

HEADER = (
    "authority_id,name,aliases,kind,country,region,pfa_code,centroid_lat,centroid_lon,"
    "hex_col,hex_row,neighbours,linked_authority_id,source"
)


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "authorities.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


KENT = "kent,Kent Police,,territorial_force,England,South East,E23000032,51.2,0.7,1,1,sussex,,test"
SUSSEX = "sussex,Sussex Police,,territorial_force,England,South East,E23000033,50.9,0.2,1,2,kent,,test"
PCC_KENT = (
    "pcc-kent,Police and Crime Commissioner for Kent,,police_and_crime_commissioner,England,South East,,,,,,,kent,test"
)


@pytest.fixture(scope="module")
def authorities() -> pl.DataFrame:
    return load_authorities()


def test_schema_and_types(authorities: pl.DataFrame) -> None:
    assert authorities.schema == AUTHORITY_SCHEMA


def test_contains_the_forces_and_bodies(authorities: pl.DataFrame) -> None:
    kinds = dict(authorities.group_by("kind").len().iter_rows())
    assert kinds["territorial_force"] == 43
    assert kinds["national_force"] == 2
    assert kinds["police_and_crime_commissioner"] == 42  # every force area but the City of London
    ids = set(authorities.get_column("authority_id"))
    assert {"metropolitan", "nottinghamshire", "police-scotland", "psni", "btp", "cnc", "mod-police", "nca"} <= ids
    assert authorities.filter(pl.col("kind") == "national_body").get_column("authority_id").to_list() == ["nca"]
    assert authorities.filter(pl.col("kind") == "oversight_body").get_column("authority_id").sort().to_list() == [
        "biometrics-and-surveillance-camera-commissioner", "scottish-police-authority",
    ]  # fmt: skip
    # The eight Scottish forces before Police Scotland (1 April 2013): Scottish, so a bare "section 18" of
    # theirs is FOISA's; their own authorities, never Police Scotland's, and never linked to it.
    legacy = authorities.filter(pl.col("kind") == "legacy_force")
    assert legacy.height == 8 and set(legacy.get_column("country")) == {"Scotland"}
    assert legacy.get_column("linked_authority_id").null_count() == 8
    spa = authorities.filter(pl.col("authority_id") == "scottish-police-authority")
    assert spa.select("country", "linked_authority_id").row(0) == ("Scotland", "police-scotland")


def test_every_territorial_force_has_pfa_code_centroid_and_hex(authorities: pl.DataFrame) -> None:
    forces = authorities.filter(pl.col("kind") == "territorial_force")
    assert forces.get_column("pfa_code").null_count() == 0
    assert forces.get_column("pfa_code").n_unique() == 43
    with_territory = authorities.filter(pl.col("kind").is_in(["territorial_force", "national_force"]))
    assert with_territory.select(pl.col("centroid_lat", "hex_col", "hex_row").null_count()).row(0) == (0, 0, 0)
    others = authorities.filter(~pl.col("kind").is_in(["territorial_force", "national_force"]))
    assert others.get_column("hex_col").null_count() == others.height


def test_commissioners_link_to_their_force(authorities: pl.DataFrame) -> None:
    pccs = authorities.filter(pl.col("kind") == "police_and_crime_commissioner")
    assert (pccs.get_column("authority_id") == "pcc-" + pccs.get_column("linked_authority_id")).all()
    names = dict(pccs.select("authority_id", "name").iter_rows())
    assert names["pcc-metropolitan"] == "Mayor's Office for Policing and Crime"
    assert names["pcc-nottinghamshire"] == "Police and Crime Commissioner for Nottinghamshire"
    assert names["pcc-essex"] == "Police, Fire and Crime Commissioner for Essex"
    assert "city-of-london" not in set(pccs.get_column("linked_authority_id"))


def test_hex_layout_keeps_the_country_recognisable(authorities: pl.DataFrame) -> None:
    cells = {
        r[0]: (r[1], r[2])
        for r in authorities.drop_nulls("hex_col").select("authority_id", "hex_col", "hex_row").iter_rows()
    }
    assert len(set(cells.values())) == len(cells) == 45
    assert cells["police-scotland"][1] == min(r for _, r in cells.values())  # Scotland on top
    assert cells["psni"][0] == min(c for c, _ in cells.values())  # Northern Ireland to the west
    x = {a: c + 0.5 * (r % 2) for a, (c, r) in cells.items()}  # odd-r: odd rows shifted right
    assert x["kent"] > x["metropolitan"] and cells["kent"][1] >= cells["metropolitan"][1]  # Kent south-east
    assert x["devon-and-cornwall"] < x["kent"] and cells["devon-and-cornwall"][1] == max(r for _, r in cells.values())
    assert x["northumbria"] > x["cumbria"] and cells["northumbria"][1] <= cells["durham"][1]
    assert x["north-wales"] < x["cheshire"] and x["south-wales"] < x["gloucestershire"]  # Wales west
    assert cells["city-of-london"][1] == cells["metropolitan"][1]
    assert abs(cells["city-of-london"][0] - cells["metropolitan"][0]) == 1  # side by side


def test_hex_layout_script_is_idempotent(tmp_path: Path) -> None:
    copy = tmp_path / "authorities.csv"
    copy.write_bytes(reference_path("authorities.csv").read_bytes())
    script = reference_path("make_hex_layout.py")
    subprocess.run([sys.executable, str(script), str(copy)], check=True, capture_output=True)
    assert copy.read_bytes() == reference_path("authorities.csv").read_bytes()


def test_default_load_is_cached_but_returns_a_copy(authorities: pl.DataFrame) -> None:
    again = load_authorities()
    again.drop_in_place("source")
    assert "source" in load_authorities().columns


def test_welsh_names_are_aliases(authorities: pl.DataFrame) -> None:
    aliases = dict(authorities.select("authority_id", "aliases").iter_rows())
    assert "Heddlu Gogledd Cymru" in aliases["north-wales"]
    assert "Heddlu De Cymru" in aliases["south-wales"]


def test_small_valid_file_loads(tmp_path: Path) -> None:
    frame = read_authorities(write(tmp_path, KENT, SUSSEX, PCC_KENT))
    assert frame.get_column("neighbours").to_list() == [["sussex"], ["kent"], []]
    assert frame.get_column("aliases").to_list() == [[], [], []]


@pytest.mark.parametrize(
    ("rows", "row", "column", "words"),
    [
        ((KENT, SUSSEX, KENT.replace("0.7,1,1", "0.7,3,3")), 4, "authority_id", "duplicate id 'kent'"),
        ((KENT, SUSSEX.replace("Sussex Police", "")), 3, "name", "blank"),
        (
            (KENT.replace("sussex,,test", "sussex;surrey,,test"), SUSSEX),
            2,
            "neighbours",
            "unknown authority_id 'surrey'",
        ),
        ((KENT, SUSSEX.replace(",kent,,test", ",,,test")), 2, "neighbours", "does not list it back"),
        ((KENT, SUSSEX, PCC_KENT.replace(",kent,test", ",kentt,test")), 4, "linked_authority_id", "unknown"),
        ((KENT, SUSSEX.replace(",1,2,", ",1,1,")), 3, "hex_col", "also used by 'kent'"),
        (
            (
                KENT.replace(",,territorial", ",Garden of England,territorial"),
                SUSSEX.replace(",,territorial", ",garden of england,territorial"),
            ),
            3,
            "aliases",
            "also a name or alias of 'kent'",
        ),
        ((KENT, SUSSEX.replace("territorial_force", "county_force")), 3, "kind", "not one of"),
        ((KENT.replace("51.2", "north"), SUSSEX), 2, "centroid_lat", "not a number"),
        ((KENT, SUSSEX, PCC_KENT.replace(",kent,test", ",,test")), 4, "linked_authority_id", "must name its force"),
    ],
)
def test_broken_register_names_file_row_and_column(tmp_path: Path, rows, row, column, words) -> None:
    path = write(tmp_path, *rows)
    with pytest.raises(SchemaError) as caught:
        read_authorities(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: row {row}, column {column}: "), message
    assert words in message
    assert "\n" not in message


def test_missing_column_is_reported_on_the_header_row(tmp_path: Path) -> None:
    path = tmp_path / "authorities.csv"
    path.write_text(HEADER.replace(",source", "") + "\n" + KENT.rsplit(",", 1)[0] + "\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"row 1, column source: required column is missing"):
        read_authorities(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="file not found"):
        load_authorities(tmp_path / "nope.csv")


def test_bundled_file_is_plain_csv() -> None:
    text = reference_path("authorities.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == HEADER.split(",")
