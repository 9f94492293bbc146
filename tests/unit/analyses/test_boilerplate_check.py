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
    name = {
        "kent": "Kent Police",
        "essex": "Essex Police",
        "surrey": "Surrey Police",
        "sussex": "Sussex Police",
        "cumbria": "Cumbria Constabulary",
    }[authority]
    return response(
        authority, TECH, "ncnd", date, authority_name=name, harm_statement=text.format(force=name), **fields
    )


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
    assert roles == {
        "cumbria": "departs",
        "kent": "national_line",
        "essex": "national_line",
        "surrey": "national_line",
        "sussex": "national_line",
    }
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
    assert (
        findings.item(0, "summary")
        == "Only 2 harm statements on Amazon Rekognition: at least 3 are needed to find a national line."
    )
    assert metric(findings, "largest_cluster_size") == 0


def test_public_interest_statements_are_compared_separately(analyse, response):
    rows = [
        response(
            a,
            TECH,
            "ncnd",
            "2024-07-01",
            public_interest_statement="The balance lies in neither confirming nor denying.",
        )
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


def test_blank_statements_are_not_statements(analyse, metric, national, response):
    # Whitespace of any kind (tab, no-break space, em space, line separator) is no statement at all.
    blanks = [harm(response, "cumbria", "2024-07-10", text) for text in ("   ", "\t\n", "\u00a0\u2003", "\u2028")]
    findings = analyse([*national, *blanks], "boilerplate")
    assert metric(findings, "statements", scope="technology") == 5  # Cumbria's ROGUE line of 9 July still counts
    texts = pl.Series(["", " ", "\t", "\u00a0", "\u2003\u3000", "\u200b", "\ufeff", " a ", "x"])
    # The check's test for "has text" is a regex; it must agree with stripping whitespace and measuring.
    assert texts.str.contains(r"\S").to_list() == (texts.str.strip_chars().str.len_chars() > 0).to_list()


def _pairwise_union_find(folded: list[str], first_dates: list) -> tuple[list[int], list[float], list[int], int | None]:
    """The specification of ``cluster_statements``: union-find over every pair in row order, sums one by one."""
    from rapidfuzz import fuzz, process

    from mosaic.analyses.boilerplate import MIN_STATEMENTS, SIMILAR

    count = len(folded)
    matrix = process.cdist(folded, folded, scorer=fuzz.ratio, dtype=None) / 100.0
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(count):
        for j in range(i + 1, count):
            if matrix[i, j] >= SIMILAR:
                parent[root(j)] = root(i)
    clusters = [root(i) for i in range(count)]
    sizes = {c: clusters.count(c) for c in set(clusters)}
    earliest = {c: min((first_dates[i] or dt.date.max) for i in range(count) if clusters[i] == c) for c in sizes}
    line = min(sizes, key=lambda c: (-sizes[c], earliest[c], c))
    if count < MIN_STATEMENTS or sizes[line] < 2:
        line = None
    members = [i for i in range(count) if line is not None and clusters[i] == line]
    similarity = []
    for i in range(count):
        others = [matrix[i, j] for j in members if j != i]
        similarity.append(float(sum(others) / len(others)) if others else float("nan"))
    return clusters, similarity, [sizes[c] for c in clusters], line


def test_vectorised_clustering_matches_pair_by_pair_union_find():
    # Cluster ids break ties between equally large, equally early clusters, so they must be the very
    # roots a pair-by-pair union-find gives (often not a cluster's smallest index), and the mean
    # similarities must be bit for bit those of summing one by one.
    import math
    import random

    rng = random.Random(11)
    bases = ["x" * 60, "y" * 60, "the authority neither confirms nor denies " * 2, "abc" * 20]
    ties = non_minimal_roots = 0
    for _ in range(400):
        count = rng.randint(1, 20)
        texts = []
        for _ in range(count):
            text = list(rng.choice(bases[: rng.randint(1, 4)]))
            for _ in range(rng.choice([0, 0, 2, 5, 9, 15])):
                text[rng.randrange(len(text))] = rng.choice("xyzq ")
            texts.append("".join(text))
        dates = [rng.choice([None, dt.date(2024, 1, 1), dt.date(2024, 1, 2)]) for _ in range(count)]
        clusters, similarity, sizes, line = cluster_statements(texts, dates)
        expected = _pairwise_union_find(texts, dates)
        assert (clusters, sizes, line) == (expected[0], expected[2], expected[3])
        assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(similarity, expected[1], strict=True))
        non_minimal_roots += any(c != clusters.index(c) for c in clusters)
        rank = sorted(
            (-clusters.count(c), min(d or dt.date.max for d, k in zip(dates, clusters, strict=True) if k == c))
            for c in set(clusters)
        )
        ties += len(rank) > 1 and rank[0] == rank[1]
    assert ties > 0 and non_minimal_roots > 0  # the cases that matter were exercised
