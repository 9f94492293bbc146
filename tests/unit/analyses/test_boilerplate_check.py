"""The boilerplate check: national line of harm/public-interest wording and who departs from it."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from mosaic.analyses import AnalysisInputs, all_checks, run_checks
from mosaic.analyses.boilerplate import cluster_statements

LINE = "Confirming or denying use of this product by {force} would let offenders map police capability and move to weaker areas."
ROGUE = "We think the public would not be harmed, but we have chosen not to say."
TECH = "amazon-rekognition"


def harm(response, authority: str, date: str, text: str, **fields) -> dict:
    name = {"kent": "Kent Police", "essex": "Essex Police", "surrey": "Surrey Police", "sussex": "Sussex Police", "cumbria": "Cumbria Constabulary"}[authority]
    return response(authority, TECH, "ncnd", date, authority_name=name, harm_statement=text.format(force=name), **fields)


@pytest.fixture
def national(response):
    rows = [harm(response, f, f"2024-07-0{i + 1}", LINE) for i, f in enumerate(["kent", "essex", "surrey", "sussex"])]
    return [*rows, harm(response, "cumbria", "2024-07-09", ROGUE)]


def test_the_check_is_registered():
    assert "boilerplate" in all_checks()
    assert all_checks()["boilerplate"].level == "map"


def test_national_line_and_the_departing_authority(analyse, metric, national):
    findings = analyse(national, "boilerplate")
    assert findings.height == 2  # one for the technology, one for the departure
    technology = findings.filter(pl.col("scope") == "technology")
    # The four forces' texts differ only by their own names, which are masked: identical, similarity 1.
    assert metric(findings, "largest_cluster_size", scope="technology") == 4
    assert metric(findings, "statements", scope="technology") == 5
    assert metric(findings, "similarity", scope="technology") == 1.0
    assert technology.item(0, "severity") == "notable"
    assert technology.item(0, "summary") == (
        "Harm statements on Amazon Rekognition: 4 of 5 authorities used the national line (mean similarity 1.0); "
        "1 departed: Cumbria Constabulary."
    )
    roles = {e["authority_id"]: e["role"] for e in technology.item(0, "evidence")}
    assert roles == {"cumbria": "departs", "kent": "national_line", "essex": "national_line", "surrey": "national_line", "sussex": "national_line"}
    departure = findings.filter(pl.col("scope") == "response")
    assert departure.item(0, "authority_id") == "cumbria"
    assert departure.item(0, "severity") == "notable"
    assert metric(findings, "cluster_size", scope="response") == 1
    assert departure.item(0, "summary").startswith(
        "Cumbria Constabulary's harm statement on Amazon Rekognition (2024-07-09) departs from the national line of 4 authorities"
    )


def test_similarity_is_the_indel_ratio_to_the_line(analyse, metric, response):
    # Indel distance between "a"*60 and "a"*20+"b"*40: the longest common subsequence is 20 characters,
    # so distance = 60 + 60 - 2*20 = 80 and similarity = 1 - 80/120 = 1/3.
    rows = [harm(response, f, "2024-07-01", "a" * 60) for f in ["kent", "essex", "surrey"]]
    rows.append(harm(response, "cumbria", "2024-07-02", "a" * 20 + "b" * 40))
    findings = analyse(rows, "boilerplate")
    assert metric(findings, "similarity", scope="response") == pytest.approx(1 / 3)


def test_only_the_latest_statement_dated_by_the_as_of_date_counts(analyse, metric, national, response):
    # Cumbria later adopted the national wording: as of today it no longer departs...
    later = [*national, harm(response, "cumbria", "2024-10-01", LINE)]
    assert analyse(later, "boilerplate").filter(pl.col("scope") == "response").height == 0
    # ...but as of September 2024 its July statement was its latest.
    as_of = analyse(later, "boilerplate", as_of=dt.date(2024, 9, 1))
    assert as_of.filter(pl.col("scope") == "response").get_column("authority_id").to_list() == ["cumbria"]
    assert metric(as_of, "statements", scope="technology") == 5


def test_too_few_statements_give_no_line(analyse, metric, response):
    rows = [harm(response, "kent", "2024-07-01", LINE), harm(response, "cumbria", "2024-07-02", ROGUE)]
    findings = analyse(rows, "boilerplate")
    assert findings.height == 1
    assert findings.item(0, "severity") == "info"
    assert findings.item(0, "summary") == "Only 2 harm statements on Amazon Rekognition: at least 3 are needed to find a national line."
    assert metric(findings, "largest_cluster_size") == 0


def test_public_interest_statements_are_compared_separately(analyse, response):
    rows = [
        response(a, TECH, "ncnd", "2024-07-01", public_interest_statement="The balance lies in neither confirming nor denying.")
        for a in ["kent", "essex", "surrey"]
    ]
    findings = analyse(rows, "boilerplate")
    assert findings.get_column("summary").to_list() == [
        "Public interest statements on Amazon Rekognition: 3 of 3 authorities used the national line (mean similarity 1.0); none departed."
    ]


def test_responses_without_statements_give_no_findings(analyse, response):
    assert analyse([response("kent", TECH, "ncnd", "2024-07-01")], "boilerplate").height == 0
    # A responses frame from before the statement columns existed.
    old = pl.DataFrame({"response_id": ["r1"], "authority_id": ["kent"], "technology_id": [TECH]}).with_columns(
        authority_name=pl.lit("Kent"), technology_name=pl.lit("x"), product=pl.lit(None, pl.String), stance=pl.lit("ncnd"),
        response_date=pl.lit(dt.date(2024, 7, 1)), response_date_precision=pl.lit("day"),
        request_date=pl.lit(None, pl.Date), request_date_precision=pl.lit(None, pl.String),
    )  # fmt: skip
    assert run_checks(AnalysisInputs.from_responses(old), ["boilerplate"]).height == 0


def test_single_linkage_chains_clusters():
    # b is close to a and to c, a and c are not close to each other: one cluster through b.
    texts = ["x" * 100, "x" * 92 + "y" * 8, "x" * 84 + "y" * 16, "z" * 100]
    clusters, similarity, sizes, line = cluster_statements(texts, [dt.date(2024, 1, 1)] * 4)
    assert clusters[0] == clusters[1] == clusters[2] != clusters[3]
    assert sizes == [3, 3, 3, 1]
    assert line == clusters[0]
    assert similarity[3] == 0.0
