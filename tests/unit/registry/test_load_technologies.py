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
    is_bundled_sample,
    load_technologies,
    read_technologies,
    sample_technology_ids,
    technologies_for,
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


def test_shipped_taxonomy_has_no_fictional_products(technologies: pl.DataFrame) -> None:
    assert not technologies.get_column("is_synthetic").any()
    assert not technologies.get_column("description").str.starts_with("SYNTHETIC").any()
    for fictional in ("cellshade-mini", "clearsight-match", "facewise-cloud"):
        assert fictional not in technologies.get_column("technology_id").to_list()


def test_real_and_synthetic_products() -> None:
    technologies = load_technologies(sample=True)
    synthetic = technologies.filter(pl.col("is_synthetic"))
    assert set(synthetic.get_column("technology_id")) == sample_technology_ids()
    assert (synthetic.get_column("level") == "product").all()
    assert synthetic.get_column("description").str.starts_with("SYNTHETIC").all()
    roots = synthetic.select(pl.col("category").str.split(" > ").list.first()).to_series().value_counts()
    counts = dict(roots.iter_rows())
    for root in (
        "facial-recognition",
        "covert-communications-data-capture",
        "mobile-phone-extraction",
        "drones",
        "predictive-policing",
    ):
        assert counts.get(root, 0) >= 1
    assert counts["facial-recognition"] >= 2
    real_vendors = set(technologies.filter(~pl.col("is_synthetic")).get_column("vendor").drop_nulls())
    assert not real_vendors & set(synthetic.get_column("vendor"))


def test_technology_pairs_is_the_transitive_closure() -> None:
    frame = pl.DataFrame({"technology_id": ["a", "b", "c"], "category": ["a", "a > b", "a > b > c"]})
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
    assert set(below[:4]) == {
        "live-facial-recognition",
        "operator-initiated-facial-recognition",
        "retrospective-facial-recognition",
        "nec-neoface",
    }
    assert "amazon-rekognition" in below
    assert descendants(technologies, "amazon-rekognition") == []


def test_small_valid_file(tmp_path: Path) -> None:
    frame = read_technologies(write(tmp_path, FR, RFR, REK))
    assert (
        frame.get_column("category").to_list()[-1]
        == "facial-recognition > retrospective-facial-recognition > amazon-rekognition"
    )
    assert frame.get_column("is_synthetic").to_list() == [False, False, False]


@pytest.mark.parametrize(
    ("rows", "row", "column", "words"),
    [
        (
            (FR, RFR, REK.replace("retrospective-facial-recognition,product", "rfr,product")),
            4,
            "parent_id",
            "unknown technology_id 'rfr'",
        ),
        (
            (FR, RFR, REK, REK.replace("Amazon Rekognition,", "Other,").replace("Rekognition,false", "Other2,false")),
            5,
            "technology_id",
            "duplicate id",
        ),
        ((FR.replace(",,category", ",retrospective-facial-recognition,category"), RFR, REK), 2, "parent_id", "cycle"),
        (
            (FR, RFR, REK, "other,Other thing,facial-recognition,product,X,rekognition,false,x"),
            5,
            "aliases",
            "also a name or alias of 'amazon-rekognition'",
        ),
        ((FR, RFR, REK.replace(",false,x", ",maybe,x")), 4, "is_synthetic", "not one of"),
        ((FR, RFR, REK.replace(",product,", ",gadget,")), 4, "level", "not one of"),
        (
            (FR, RFR.replace("facial-recognition,category", "amazon-rekognition,category"), REK),
            3,
            "parent_id",
            "cannot sit under the product",
        ),
    ],
)
def test_broken_taxonomy_names_file_row_and_column(tmp_path: Path, rows, row, column, words) -> None:
    path = write(tmp_path, *rows)
    with pytest.raises(SchemaError) as caught:
        read_technologies(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: row {row}, column {column}: "), message
    assert words in message


def test_product_families_and_their_variants(technologies: pl.DataFrame) -> None:
    rows = {r["technology_id"]: r for r in technologies.iter_rows(named=True)}
    assert rows["nec-neoface"]["level"] == "product" and rows["nec-neoface"]["vendor"] == "NEC"
    assert rows["nec-neoface"]["category"] == "facial-recognition > nec-neoface"
    assert rows["nec-neoface-live"]["category"] == "facial-recognition > nec-neoface > nec-neoface-live"
    assert rows["nec-neoface-live"]["also_under"] == ["live-facial-recognition"]
    assert rows["nec-neoface-reveal"]["also_under"] == ["retrospective-facial-recognition"]
    for real in ("amazon-rekognition", "clearview-ai", "cellebrite-ufed", "cellebrite-premium", "msab-xry", "graykey"):
        assert rows[real]["level"] == "product" and not rows[real]["is_synthetic"]
    assert rows["cellebrite-premium"]["category"] == "mobile-phone-extraction > cellebrite-premium"
    pairs = technology_pairs(technologies)
    above = dict(
        pairs.filter(pl.col("descendant_id") == "nec-neoface-live").select("ancestor_id", "distance").iter_rows()
    )
    assert above == {"nec-neoface-live": 0, "nec-neoface": 1, "live-facial-recognition": 1, "facial-recognition": 2}
    assert "nec-neoface-live" in descendants(technologies, "live-facial-recognition")
    assert "nec-neoface-reveal" not in descendants(technologies, "live-facial-recognition")
    assert descendants(technologies, "nec-neoface") == ["nec-neoface-live", "nec-neoface-reveal"]
    assert ancestors(technologies, "nec-neoface-reveal") == [
        "facial-recognition",
        "nec-neoface",
        "retrospective-facial-recognition",
    ]
    # one row per pair, even where two routes lead to the same ancestor
    assert pairs.select("ancestor_id", "descendant_id").is_duplicated().sum() == 0


def test_sample_taxonomy_only_for_data_from_the_bundled_sample() -> None:
    with_sample = load_technologies(sample=True)
    assert with_sample.height == load_technologies().height + len(sample_technology_ids())
    assert {"cellshade-mini", "clearsight-match"} <= sample_technology_ids()
    assert is_bundled_sample(["clearsight-match"]) and not is_bundled_sample(
        ["unresolved:clearsight-match", "amazon-rekognition"]
    )
    assert is_bundled_sample(pl.DataFrame({"technology_id": ["facewise-cloud"]}))
    assert not is_bundled_sample(pl.DataFrame())
    assert technologies_for(["amazon-rekognition"]).height == load_technologies().height
    assert technologies_for(["facewise-cloud"]).height == with_sample.height


def test_also_under_must_name_a_category(tmp_path: Path) -> None:
    header = HEADER + ",also_under"
    variant = "rek-v,Rekognition V,amazon-rekognition,variant,Amazon Web Services,,false,x,"
    path = tmp_path / "technologies.csv"
    for also, words in (
        ("amazon-rekognition", "is a product, not a category"),
        ("nowhere", "unknown technology_id 'nowhere'"),
    ):
        path.write_text("\n".join([header, FR + ",", RFR + ",", REK + ",", variant + also]) + "\n", encoding="utf-8")
        with pytest.raises(SchemaError, match=f"row 5, column also_under: .*{words}"):
            read_technologies(path)
    path.write_text(
        "\n".join([header, FR + ",", RFR + ",", REK + ",", variant + "retrospective-facial-recognition"]) + "\n",
        encoding="utf-8",
    )
    assert read_technologies(path).filter(pl.col("technology_id") == "rek-v").item(0, "also_under").to_list() == [
        "retrospective-facial-recognition"
    ]


def test_an_error_in_the_appended_sample_file_names_that_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("\n".join([HEADER, FR, RFR]) + "\n", encoding="utf-8")
    second.write_text(
        "\n".join([HEADER, REK.replace("retrospective-facial-recognition,product", "nope,product")]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=rf"^{second}: row 2, column parent_id: unknown technology_id 'nope'"):
        read_technologies(first, second)
