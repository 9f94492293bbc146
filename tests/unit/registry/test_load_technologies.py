"""The technology taxonomy: content, category paths, closure helpers, and refusals on broken files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mosaic.errors import SchemaError
from mosaic.registry import (
    TECHNOLOGY_SCHEMA,
    ancestors,
    descendants,
    load_technologies,
    read_technologies,
    technology_pairs,
)

HEADER = "technology_id,name,parent_id,level,vendor,aliases,is_synthetic,description"
FR = "facial-recognition,Facial recognition,,category,,FRT,false,x"
RFR = "retrospective-facial-recognition,Retrospective facial recognition,facial-recognition,category,,RFR,false,x"
REK = "amazon-rekognition,Amazon Rekognition,retrospective-facial-recognition,product,Amazon Web Services,Rekognition,false,x"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "technologies.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def technologies() -> pl.DataFrame:
    return load_technologies()


def test_schema(technologies: pl.DataFrame) -> None:
    assert technologies.schema == TECHNOLOGY_SCHEMA


def test_category_paths(technologies: pl.DataFrame) -> None:
    paths = dict(technologies.select("technology_id", "category").iter_rows())
    assert paths["amazon-rekognition"] == "facial-recognition > retrospective-facial-recognition > amazon-rekognition"
    assert paths["facial-recognition"] == "facial-recognition"
    assert paths["cellebrite-ufed-4pc"] == "mobile-phone-extraction > cellebrite-ufed > cellebrite-ufed-4pc"


def test_real_and_synthetic_products(technologies: pl.DataFrame) -> None:
    synthetic = technologies.filter(pl.col("is_synthetic"))
    assert (synthetic.get_column("level") == "product").all()
    assert synthetic.get_column("description").str.starts_with("SYNTHETIC").all()
    roots = synthetic.select(pl.col("category").str.split(" > ").list.first()).to_series().value_counts()
    counts = dict(roots.iter_rows())
    for root in ("facial-recognition", "covert-communications-data-capture", "mobile-phone-extraction", "drones", "predictive-policing"):
        assert counts.get(root, 0) >= 1
    assert counts["facial-recognition"] >= 2
    real_vendors = set(technologies.filter(~pl.col("is_synthetic")).get_column("vendor").drop_nulls())
    assert not real_vendors & set(synthetic.get_column("vendor"))


def test_technology_pairs_is_the_transitive_closure() -> None:
    frame = pl.DataFrame(
        {"technology_id": ["a", "b", "c"], "category": ["a", "a > b", "a > b > c"]}
    )
    expected = pl.DataFrame(
        {
            "ancestor_id": ["a", "b", "a", "c", "b", "a"],
            "descendant_id": ["a", "b", "b", "c", "c", "c"],
            "distance": [0, 0, 1, 0, 1, 2],
        }
    )
    assert_frame_equal(technology_pairs(frame), expected)


def test_ancestors_and_descendants(technologies: pl.DataFrame) -> None:
    assert ancestors(technologies, "amazon-rekognition") == ["facial-recognition", "retrospective-facial-recognition"]
    assert ancestors(technologies, "facial-recognition") == []
    assert ancestors(technologies, "no-such-thing") == []
    below = descendants(technologies, "facial-recognition")
    assert below[:3] == sorted(["live-facial-recognition", "operator-initiated-facial-recognition", "retrospective-facial-recognition"])
    assert "amazon-rekognition" in below
    assert descendants(technologies, "amazon-rekognition") == []


def test_small_valid_file(tmp_path: Path) -> None:
    frame = read_technologies(write(tmp_path, FR, RFR, REK))
    assert frame.get_column("category").to_list()[-1] == "facial-recognition > retrospective-facial-recognition > amazon-rekognition"
    assert frame.get_column("is_synthetic").to_list() == [False, False, False]


@pytest.mark.parametrize(
    ("rows", "row", "column", "words"),
    [
        ((FR, RFR, REK.replace("retrospective-facial-recognition,product", "rfr,product")), 4, "parent_id", "unknown technology_id 'rfr'"),
        ((FR, RFR, REK, REK.replace("Amazon Rekognition,", "Other,").replace("Rekognition,false", "Other2,false")), 5, "technology_id", "duplicate id"),
        ((FR.replace(",,category", ",retrospective-facial-recognition,category"), RFR, REK), 2, "parent_id", "cycle"),
        ((FR, RFR, REK, "other,Other thing,facial-recognition,product,X,rekognition,false,x"), 5, "aliases", "also a name or alias of 'amazon-rekognition'"),
        ((FR, RFR, REK.replace(",false,x", ",maybe,x")), 4, "is_synthetic", "not one of"),
        ((FR, RFR, REK.replace(",product,", ",gadget,")), 4, "level", "not one of"),
        ((FR, RFR.replace("facial-recognition,category", "amazon-rekognition,category"), REK), 3, "parent_id", "cannot sit under the product"),
    ],
)
def test_broken_taxonomy_names_file_row_and_column(tmp_path: Path, rows, row, column, words) -> None:
    path = write(tmp_path, *rows)
    with pytest.raises(SchemaError) as caught:
        read_technologies(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: row {row}, column {column}: "), message
    assert words in message
