"""Technology resolution against the real taxonomy: the most specific thing named wins, nothing is guessed."""

from __future__ import annotations

import polars as pl
import pytest

from mosaic.errors import SchemaError
from mosaic.normalise.technologies import (
    ISSUE_SEVERITY,
    KEY_COLUMNS,
    RESULT_SCHEMA,
    resolve_technologies,
    technology_key,
)
from mosaic.registry import load_technologies
from mosaic.schema.vocab import Severity

REK_PATH = "facial-recognition > retrospective-facial-recognition > amazon-rekognition"


@pytest.fixture(scope="module")
def taxonomy() -> pl.DataFrame:
    return load_technologies()


def frame(*rows: tuple[str | None, str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema={c: pl.String for c in KEY_COLUMNS}, orient="row")


def resolve_one(
    taxonomy: pl.DataFrame, technology: str | None, product: str | None = None, vendor: str | None = None
) -> dict:
    out = resolve_technologies(frame((technology, product, vendor)), taxonomy)
    assert out.height == 1 and out.schema == RESULT_SCHEMA
    return out.row(0, named=True)


def test_vendor_column_naming_a_product_wins(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "facial recognition", vendor="Amazon Rekognition")
    assert row["technology_id"] == "amazon-rekognition"
    assert row["category"] == REK_PATH
    assert (row["product_resolved"], row["vendor_resolved"]) == ("Amazon Rekognition", "Amazon Web Services")
    assert row["technology_match"] == "exact" and row["technology_match_score"] == 100.0
    assert row["issue"] is None
    assert (row["technology_name"], row["product"], row["vendor"]) == ("facial recognition", None, "Amazon Rekognition")


@pytest.mark.parametrize(
    ("technology", "product", "vendor", "technology_id", "method"),
    [
        (None, "Cellebrite", None, "cellebrite-ufed", "alias"),
        ("mobile phone extraction", "Cellebrite", None, "cellebrite-ufed", "alias"),
        ("digital forensics extraction", "UFED 4PC", None, "cellebrite-ufed-4pc", "alias"),
        ("mobile device extraction", None, "MSAB", "msab-xry", "linked"),
        ("mobile phone extraction", "XRY", "MSAB", "msab-xry", "alias"),
        ("Facial recognition", "AWS Rekognition", None, "amazon-rekognition", "alias"),
        ("facial recognition", None, "Amazon Web Services", "amazon-rekognition", "linked"),
        ("live facial recognition", None, "NEC", "nec-neoface-live", "linked"),
        ("retrospective facial recognition", None, "NEC", "nec-neoface-reveal", "linked"),
        ("Amazon Rekognition", None, None, "amazon-rekognition", "exact"),
        ("facial recognition", "Clearview", "Clearview AI", "clearview-ai", "alias"),
        ("drones", "Matrice 300 RTK", "DJI", "dji-matrice-300-rtk", "alias"),
        ("predictive policing", None, "Geolitica", "predpol", "alias"),
        ("mobile phone extraction", "GrayKey", "Grayshift", "graykey", "exact"),
    ],
)
def test_products(taxonomy: pl.DataFrame, technology, product, vendor, technology_id, method) -> None:
    row = resolve_one(taxonomy, technology, product, vendor)
    assert (row["technology_id"], row["technology_match"]) == (technology_id, method)
    assert row["category"].endswith(technology_id)
    assert row["product_resolved"] == taxonomy.filter(pl.col("technology_id") == technology_id).item(0, "name")
    assert row["issue"] is None


@pytest.mark.parametrize(
    ("technology", "technology_id", "method"),
    [
        ("facial recognition (any type)", "facial-recognition", "normalised"),
        ("Facial Recognition Technology", "facial-recognition", "alias"),
        ("Facial Recognition Systems", "facial-recognition", "normalised"),
        ("facial recognition", "facial-recognition", "exact"),
        ("live facial recognition", "live-facial-recognition", "exact"),
        ("LFR", "live-facial-recognition", "alias"),
        ("Live Facial Recognition (LFR)", "live-facial-recognition", "normalised"),
        ("retrospective facial recognition", "retrospective-facial-recognition", "exact"),
        ("RFR", "retrospective-facial-recognition", "alias"),
        ("operator initiated facial recognition", "operator-initiated-facial-recognition", "exact"),
        ("IMSI catcher", "covert-communications-data-capture", "alias"),
        ("IMSI catchers", "covert-communications-data-capture", "normalised"),
        ("Stingray", "covert-communications-data-capture", "alias"),
        ("covert communications data capture", "covert-communications-data-capture", "exact"),
        ("CCDC equipment", "covert-communications-data-capture", "normalised"),
        ("mobile phone extraction", "mobile-phone-extraction", "exact"),
        ("drones", "drones", "exact"),
        ("Drone", "drones", "alias"),
        ("UAVs", "drones", "normalised"),
        ("predictive policing", "predictive-policing", "exact"),
        ("crime forecasting software", "predictive-policing", "normalised"),
        ("ANPR", "automatic-number-plate-recognition", "alias"),
    ],
)
def test_categories(taxonomy: pl.DataFrame, technology: str, technology_id: str, method: str) -> None:
    row = resolve_one(taxonomy, technology)
    assert (row["technology_id"], row["technology_match"], row["issue"]) == (technology_id, method, None)
    assert row["product_resolved"] is None


def test_vendor_of_several_products_stays_at_the_category(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "drones", vendor="DJI")
    assert (row["technology_id"], row["vendor_resolved"], row["product_resolved"]) == ("drones", "DJI", None)
    # NEC's live and retrospective products are one family: the category alone gives the family
    assert resolve_one(taxonomy, "facial recognition", vendor="NEC")["technology_id"] == "nec-neoface"


def test_a_family_and_its_variants(taxonomy: pl.DataFrame) -> None:
    # the vendor within a variant's own mode (its second category) is that variant
    assert resolve_one(taxonomy, "live facial recognition", vendor="NEC")["technology_id"] == "nec-neoface-live"
    assert (
        resolve_one(taxonomy, "retrospective facial recognition", vendor="NEC Corporation")["technology_id"]
        == "nec-neoface-reveal"
    )
    row = resolve_one(taxonomy, "facial recognition", "NEC NeoFace")
    assert (row["technology_id"], row["issue"], row["category"]) == (
        "nec-neoface",
        None,
        "facial-recognition > nec-neoface",
    )
    # a variant asked about under its mode is not a mismatch, though its tree path runs through the family
    row = resolve_one(taxonomy, "live facial recognition", "NeoFace Live")
    assert (row["technology_id"], row["issue"]) == ("nec-neoface-live", None)
    assert resolve_one(taxonomy, "retrospective facial recognition", "NeoFace Live")["issue"] == "technology_mismatch"


def test_a_category_in_the_product_column_refines_the_technology(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "facial recognition", "live facial recognition")
    assert row["technology_id"] == "live-facial-recognition"


def test_unknown_product_under_a_known_category(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "facial recognition", "FaceMagic 3000", "Acme")
    assert row["technology_id"] == "unresolved:facemagic-3000"
    assert row["category"] == "facial-recognition > unresolved:facemagic-3000"
    assert row["technology_match"] == "unresolved" and row["technology_match_score"] is None
    assert (row["product_resolved"], row["vendor_resolved"]) == ("FaceMagic 3000", "Acme")
    assert row["issue"] == "unresolved_technology"
    assert ISSUE_SEVERITY["unresolved_technology"] is Severity.WARNING


def test_unknown_product_is_not_replaced_by_the_vendors_only_product(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "mobile phone extraction", "XRY Pro Max", "MSAB")
    assert row["technology_id"] == "unresolved:xry-pro-max"
    assert row["category"] == "mobile-phone-extraction > unresolved:xry-pro-max"


def test_entirely_unknown_technology(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "thermal imaging cameras")
    assert row["technology_id"] == "unresolved:thermal-imaging-cameras"
    assert row["category"] == "unresolved:thermal-imaging-cameras"
    assert row["issue"] == "unresolved_technology"
    assert "'thermal imaging cameras'" in row["message"]


def test_unknown_product_of_unknown_technology_keeps_both(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "thermal imaging", "FLIR K55")
    assert row["technology_id"] == "unresolved:flir-k55"
    assert row["category"] == "unresolved:thermal-imaging > unresolved:flir-k55"


def test_fuzzy_matches_are_reported(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "Facial recogniton")
    assert (row["technology_id"], row["technology_match"], row["issue"]) == (
        "facial-recognition",
        "fuzzy",
        "fuzzy_technology_match",
    )
    assert 90 <= row["technology_match_score"] < 100
    assert "Facial recogniton" in row["message"]
    row = resolve_one(taxonomy, "facial recognition", "Rekognitoin")
    assert (row["technology_id"], row["technology_match"]) == ("amazon-rekognition", "fuzzy")


def test_model_numbers_must_agree_for_a_fuzzy_match(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "drones", "Matrice 350 RTK")
    assert row["technology_id"] == "unresolved:matrice-350-rtk"
    assert row["category"] == "drones > unresolved:matrice-350-rtk"


def test_no_fuzzy_crossing_between_sub_categories(taxonomy: pl.DataFrame) -> None:
    out = resolve_technologies(
        frame(("live facial recognition", None, None), ("retrospective facial recognition", None, None)), taxonomy
    )
    assert out.get_column("technology_id").to_list() == ["live-facial-recognition", "retrospective-facial-recognition"]
    lax = resolve_technologies(frame(("live facial recognition systems", None, None)), taxonomy, fuzzy_threshold=50)
    assert lax.item(0, "technology_id") == "live-facial-recognition"


def test_product_outside_the_named_technology_is_kept_with_a_warning(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, "drones", "Cellebrite UFED")
    assert row["technology_id"] == "cellebrite-ufed"
    assert row["issue"] == "technology_mismatch"


def test_nothing_given(taxonomy: pl.DataFrame) -> None:
    row = resolve_one(taxonomy, None)
    assert row["technology_id"] is None and row["issue"] == "missing_technology"


def test_synthetic_products_resolve_only_against_the_sample_taxonomy(taxonomy: pl.DataFrame) -> None:
    sample = load_technologies(sample=True)
    row = resolve_one(sample, "retrospective facial recognition", "Facewise Cloud", "Nimbus Vision Ltd")
    assert row["technology_id"] == "facewise-cloud"
    assert resolve_one(sample, "drones", None, "Aerolume Dynamics")["technology_id"] == "skyhawk-x4"
    # real data never resolves to a fictional product: it is kept as unresolved, under its category
    row = resolve_one(taxonomy, "retrospective facial recognition", "Facewise Cloud", "Nimbus Vision Ltd")
    assert (row["technology_id"], row["issue"]) == ("unresolved:facewise-cloud", "unresolved_technology")
    assert row["category"] == "facial-recognition > retrospective-facial-recognition > unresolved:facewise-cloud"


def test_distinct_rows_in_first_seen_order(taxonomy: pl.DataFrame) -> None:
    rows = frame(("drones", None, None), ("LFR", None, None), ("drones", None, None), (None, "Cellebrite", None))
    out = resolve_technologies(rows, taxonomy)
    assert out.get_column("technology_name").to_list() == ["drones", "LFR", None]


def test_missing_input_column_fails_fast(taxonomy: pl.DataFrame) -> None:
    with pytest.raises(SchemaError, match="vendor"):
        resolve_technologies(pl.DataFrame({"technology_name": ["x"], "product": ["y"]}), taxonomy)


def test_every_name_and_alias_resolves_to_its_entry(taxonomy: pl.DataFrame) -> None:
    names = taxonomy.select("technology_id", pl.concat_list(pl.col("name"), "aliases").alias("text")).explode("text")
    out = resolve_technologies(
        names.select(
            pl.col("text").alias("technology_name"),
            pl.lit(None, pl.String).alias("product"),
            pl.lit(None, pl.String).alias("vendor"),
        ),
        taxonomy,
    )
    assert out.get_column("technology_id").to_list() == names.get_column("technology_id").to_list()


def test_technology_key() -> None:
    assert technology_key("The use of drones") == "drone"
    assert technology_key("Facial Recognition Software (any type)") == "facial recognition"
