"""Issue 12: every sentence stays true on real answers: time, precision, undated answers, linked bodies, law, scope.

The rules are ``../shared/domain.md``, "Semantics that real answers demand" (Time, Date precision, Undated
answers). Each test names the defect it pins down; the numbers are worked by hand in the comments.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

PRODUCT = "amazon-rekognition"  # a product under retrospective facial recognition, under facial recognition
CATEGORY = "facial-recognition"


def _only(findings: pl.DataFrame, authority: str) -> dict:
    rows = findings.filter(pl.col("authority_id") == authority)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


# --- defect 5: --as-of is a view date, it never moves "before" --------------------------------------------


def test_as_of_after_the_ncnd_never_counts_later_disclosures_as_before_it(analyse, response):
    rows = [
        response("kent", PRODUCT, "ncnd", "2024-03-01"),
        response("essex", PRODUCT, "disclosed", "2023-01-10"),
        response("sussex", PRODUCT, "not_held", "2023-05-10"),
        response("surrey", PRODUCT, "disclosed", "2023-09-10"),
        response("dorset", PRODUCT, "disclosed", "2024-09-02"),  # six months after the NCND
    ]
    plain = _only(analyse(rows, "peer_disclosure"), "kent")
    viewed = _only(analyse(rows, "peer_disclosure", as_of=dt.date(2025, 1, 1)), "kent")
    assert plain["metrics"]["peers_exact"] == viewed["metrics"]["peers_exact"] == 3
    assert plain["summary"] == viewed["summary"]
    assert "Before Kent Police's NCND of 2024-03-01" in viewed["summary"] and "3 of the" in viewed["summary"]
    # a view date before the NCND: the NCND did not exist yet
    assert analyse(rows, "peer_disclosure", as_of=dt.date(2024, 2, 28)).height == 0


def test_as_of_after_the_ncnd_never_makes_a_later_own_answer_earlier(analyse, response):
    # "Before its NCND of 2024-03-01 ... had itself confirmed it (latest 2024-09-02)" was printed before.
    rows = [response("kent", PRODUCT, "ncnd", "2024-03-01"), response("kent", PRODUCT, "disclosed", "2024-09-02")]
    assert analyse(rows, "self_acknowledgment", as_of=dt.date(2025, 1, 1)).height == 0
    assert analyse(rows, "self_acknowledgment").height == 0


# --- defect 6: month precision ------------------------------------------------------------------------------


def test_month_precision_ncnd_is_not_after_days_inside_its_month(analyse, response, metric):
    rows = [
        response("kent", PRODUCT, "ncnd", "2024-06"),  # any day of June 2024
        response("essex", PRODUCT, "disclosed", "2024-06-05"),  # may be after the NCND
        response("sussex", PRODUCT, "disclosed", "2024-06-29"),  # may be after the NCND
        response("surrey", PRODUCT, "not_held", "2024-05-31"),  # certainly before
    ]
    kent = analyse(rows, "peer_disclosure").filter(pl.col("authority_id") == "kent")
    assert metric(kent, "peers_exact") == 1
    assert metric(kent, "peers_around") == 2
    summary = kent.get_column("summary").item()
    assert summary.startswith(
        "Before Kent Police's NCND of June 2024 on Amazon Rekognition, 1 of the 3 other authorities"
    )
    assert "2024-06-01" not in summary  # a day the source never gave
    assert "2 more answered around the same time" in summary


def test_month_precision_disclosure_prints_its_month(analyse, response):
    rows = [response("kent", PRODUCT, "ncnd", "2024-03-10"), response("essex", PRODUCT, "disclosed", "2023-02")]
    assert "earliest February 2023" in analyse(rows, "peer_disclosure").get_column("summary").item()
    own = [response("kent", PRODUCT, "ncnd", "2024-03-10"), response("kent", PRODUCT, "not_held", "2023-02")]
    assert "(latest February 2023)" in analyse(own, "self_acknowledgment").get_column("summary").item()


# --- defect 7: same day -----------------------------------------------------------------------------------


def test_same_day_answers_are_around_the_same_time(analyse, response, metric):
    rows = [response("kent", PRODUCT, "ncnd", "2024-03-01"), response("essex", PRODUCT, "disclosed", "2024-03-01")]
    kent = analyse(rows, "peer_disclosure").filter(pl.col("authority_id") == "kent")
    assert (metric(kent, "peers_exact"), metric(kent, "peers_around")) == (0, 1)
    own = [response("kent", PRODUCT, "ncnd", "2024-03-01"), response("kent", PRODUCT, "disclosed", "2024-03-01")]
    assert analyse(own, "self_acknowledgment").height == 0


# --- undated answers ------------------------------------------------------------------------------------


def test_undated_ncnd_never_says_before(analyse, response):
    rows = [response("kent", PRODUCT, "ncnd", None), response("essex", PRODUCT, "disclosed", "2023-01-10")]
    kent = _only(analyse(rows, "peer_disclosure"), "kent")
    assert "Before" not in kent["summary"]
    assert (
        "is undated, so what was public before it cannot be said; by 2026-01-01, 1 of the 1 other authority"
        in kent["summary"]
    )
    assert kent["severity"] != "strong"
    own = [response("kent", PRODUCT, "ncnd", None), response("kent", PRODUCT, "disclosed", "2023-01-10")]
    finding = analyse(own, "self_acknowledgment").row(0, named=True)
    assert "Before" not in finding["summary"] and "undated" in finding["summary"] and finding["severity"] == "notable"


def test_undated_answer_is_not_a_missing_answer(analyse, response):
    # Defect 1: an NCND with a request date and no response date was "had not answered ... 2528 working
    # days past the deadline". It is an answer whose timeliness cannot be assessed.
    rows = [
        response("kent", "drones", "ncnd", None, request="2016-11-01", outcome_text="NCND"),
        response("essex", "drones", "ncnd_partial", None, request="2016-11-01", outcome_text="partial"),
        # a request with nothing recorded at all, and one the letter says was never answered
        response("sussex", "drones", "unknown", None, request="2016-11-01", outcome_text=None),
        response("surrey", "drones", "no_response", None, request="2016-11-01", outcome_text="No response"),
    ]
    findings = analyse(rows, "timeliness", as_of=dt.date(2017, 6, 1))
    assert sorted(findings.get_column("authority_id").to_list()) == ["surrey", "sussex"]
    assert all("had not answered" in summary for summary in findings.get_column("summary"))


# --- the property: no summary names a date after the NCND as "before" it ----------------------------------


def test_category_answers_stay_category_evidence(analyse, response, metric):
    rows = [response("kent", PRODUCT, "ncnd", "2024-03-01"), response("essex", CATEGORY, "disclosed", "2023-01-10")]
    kent = analyse(rows, "peer_disclosure").filter(pl.col("authority_id") == "kent")
    assert (metric(kent, "peers_exact"), metric(kent, "peers_broader")) == (0, 1)
    assert kent.get_column("severity").item() == "notable"


def test_strong_needs_three_official_answers(analyse, response):
    # "Strength needs numbers": two official peer disclosures are notable, three are strong.
    two = [response("kent", PRODUCT, "ncnd", "2024-03-01")] + [
        response(force, PRODUCT, "disclosed", "2023-01-10") for force in ("essex", "sussex")
    ]
    three = two + [response("surrey", PRODUCT, "not_held", "2023-01-10")]
    assert _only(analyse(two, "peer_disclosure"), "kent")["severity"] == "notable"
    assert _only(analyse(three, "peer_disclosure"), "kent")["severity"] == "strong"


# --- defect 10: a product's exposure sees its category's map ---------------------------------------------


def _exposure(findings: pl.DataFrame, scope: str, **where) -> dict:
    rows = findings.filter(pl.col("scope") == scope)
    for column, value in where.items():
        rows = rows.filter(pl.col(column) == value)
    assert rows.height == 1, rows
    return rows.row(0, named=True)


FORCES = ("essex", "sussex", "surrey", "hampshire", "dorset", "wiltshire", "thames-valley")


def test_product_exposure_reports_and_uses_the_category_map(analyse, response):
    # Kent NCNDs the product; every other force was asked about the product too and NCNDed it, but had
    # confirmed facial recognition (the category) in a survey; Sussex denied the category.
    rows = [response("kent", PRODUCT, "ncnd", "2024-03-01")]
    rows += [response(force, PRODUCT, "ncnd", "2024-03-01") for force in FORCES]
    rows += [
        response(force, CATEGORY, "disclosed", "2023-01-10", source_type="survey")
        for force in FORCES
        if force != "sussex"
    ]
    rows += [response("sussex", CATEGORY, "not_held", "2023-01-10")]
    findings = analyse(rows, "mosaic_exposure", as_of=dt.date(2024, 6, 1))
    product = _exposure(findings, "technology", technology_id=PRODUCT)
    assert (product["metrics"]["disclosed"], product["metrics"]["asked"]) == (0, 8)
    assert (product["metrics"]["category_confirms"], product["metrics"]["category_denies"]) == (6, 1)
    assert (
        "on the broader category (Facial recognition), 6 authorities had confirmed and 1 denied" in product["summary"]
    )
    assert "not of Amazon Rekognition" in product["summary"]
    # Sussex denied the category, so its product use is public by implication: p = 0, nothing to add.
    sussex = _exposure(findings, "authority", technology_id=PRODUCT, authority_id="sussex")
    assert (sussex["metrics"]["predicted_use_probability"], sussex["metrics"]["marginal_bits"]) == (0.0, 0.0)
    assert "had publicly denied Facial recognition" in sussex["summary"]
    # Essex confirmed the category: its prior is the rate among category confirmers that answered on the
    # product: none did, so (0 + 1) / (0 + 2) = 0.5, and the sentence says what the confirmation shows.
    essex = _exposure(findings, "authority", technology_id=PRODUCT, authority_id="essex")
    assert essex["metrics"]["predicted_use_probability"] == 0.5
    assert "it had itself confirmed Facial recognition" in essex["summary"] and "not which" in essex["summary"]


def test_a_map_of_one_answer_is_not_strong(analyse, response):
    findings = analyse(
        [response("kent", PRODUCT, "disclosed", "2024-03-01")], "mosaic_exposure", as_of=dt.date(2024, 6, 1)
    )
    tech = _exposure(findings, "technology", technology_id=PRODUCT)
    assert tech["metrics"]["coverage"] == 1.0 and tech["severity"] == "info"
    assert "1 of 1 authority asked" in tech["summary"] and "too few answers to speak of a map" in tech["summary"]


# --- defect 8: a commissioner is its own authority, linked to its force ------------------------------------


def test_commissioner_answers_never_stand_for_the_force(analyse, response):
    rows = [
        response("pcc-kent", "drones", "disclosed", "2024-01-01"),  # the commissioner confirms
        response("kent", "drones", "ncnd", "2024-02-01"),  # the force NCNDs
        response("surrey", "drones", "ncnd", "2024-02-01"),
        response("sussex", "drones", "not_held", "2024-01-05"),
        response("pcc-surrey", "drones", "ncnd", "2024-02-01"),
    ]
    findings = analyse(rows, "mosaic_exposure", as_of=dt.date(2024, 6, 1))
    tech = _exposure(findings, "technology", technology_id="drones")
    # the map is the forces': kent, surrey, sussex asked; only sussex public
    assert (tech["metrics"]["asked"], tech["metrics"]["disclosed"], tech["metrics"]["confirms"]) == (3, 1, 0)
    predicted = findings.filter(pl.col("scope") == "authority").get_column("authority_id").to_list()
    assert "pcc-surrey" not in predicted and "pcc-kent" not in predicted
    # the commissioner's confirmation is a linked body's evidence for Kent's NCND, never Kent's own answer
    assert analyse(rows, "self_acknowledgment").filter(pl.col("authority_id") == "kent").height == 0
    kent = _only(analyse(rows, "peer_disclosure"), "kent")
    [item] = [e for e in kent["evidence"] if e["authority_id"] == "pcc-kent"]
    assert item["grade"] == "official_linked"
    surrey = _only(analyse(rows, "peer_disclosure"), "surrey")
    assert {e["grade"] for e in surrey["evidence"] if e["authority_id"] == "pcc-kent"} == {"official_peer"}


def test_oversight_bodies_are_not_users_on_the_map(analyse, response):
    """The Biometrics and Surveillance Camera Commissioner released its police survey ("we are releasing all
    the information in the scope of your request", gov.uk BSCC FOI responses 2023) and the Scottish Police
    Authority said it held nothing on Police Scotland's plans: what they hold is about forces, not their own
    use. Counted as map authorities they made the facial-recognition map "3 confirmed, 1 denied" and moved
    the base rate; they are off the map, and a force's answers are unaffected."""
    rows = [
        response("biometrics-and-surveillance-camera-commissioner", "drones", "disclosed", "2024-01-01"),
        response("scottish-police-authority", "drones", "not_held", "2024-01-01"),
        response("kent", "drones", "ncnd", "2024-02-01"),
        response("sussex", "drones", "not_held", "2024-01-05"),
    ]
    findings = analyse(rows, "mosaic_exposure", as_of=dt.date(2024, 6, 1))
    tech = _exposure(findings, "technology", technology_id="drones")
    assert (tech["metrics"]["asked"], tech["metrics"]["confirms"], tech["metrics"]["denies"]) == (2, 0, 1)
    assert "1 denied" in tech["summary"] and "1 confirmed" not in tech["summary"]
    regions = findings.filter(pl.col("scope") == "region").get_column("summary").to_list()
    assert not any("National" in text or "Scotland" in text for text in regions)


def test_commissioner_never_colours_its_forces_cell(response):
    from mosaic.analyses import AnalysisInputs
    from mosaic.analyses.mapview import map_stances

    from ..rows import frame

    inputs = AnalysisInputs.from_responses(frame([response("pcc-kent", "drones", "disclosed", "2024-01-01")]))
    cells = dict(map_stances(inputs, "drones", dt.date(2024, 6, 1)).select("authority_id", "map_stance").iter_rows())
    assert cells["kent"] == "not_asked" and cells["pcc-kent"] == "confirm"


# --- defect 9: FOISA answers are compared with FOISA answers ------------------------------------------------


def test_scottish_ncnd_is_not_a_deviation_from_english_sets(analyse, response):
    english = ("kent", "essex", "sussex")
    rows = [response(force, "drones", "ncnd", "2024-01-10", exemptions=["s24(2)", "s31(3)"]) for force in english]
    rows += [response("surrey", "drones", "ncnd", "2024-01-10", exemptions=["s24(2)"])]
    rows += [response("police-scotland", "drones", "ncnd", "2024-01-10", exemptions=["foisa_s18"])]
    findings = analyse(rows, "exemption_consistency", as_of=dt.date(2024, 6, 1))
    deviating = findings.filter(pl.col("scope") == "response").get_column("authority_id").to_list()
    assert deviating == ["surrey"]
    summaries = sorted(findings.filter(pl.col("scope") == "technology").get_column("summary").to_list())
    assert summaries == [
        "1 authority's latest NCND on Drones under FOISA (Scotland) cited 1 exemption set (1 cited the most common set, foisa_s18).",
        "4 authorities' latest NCNDs on Drones cited 2 exemption sets (3 cited the most common set, s24(2) + s31(3)).",
    ]


def test_a_product_the_taxonomy_lacks_keeps_its_category(analyse, response, metric):
    # "Foo Vision" is not in the taxonomy; it was asked about under facial recognition, so Essex's earlier
    # answer about facial recognition is broader evidence for Kent's NCND on it.
    rows = [
        response(
            "kent", "unresolved:foo-vision", "ncnd", "2024-03-01", category="facial-recognition > unresolved:foo-vision"
        ),
        response("essex", CATEGORY, "disclosed", "2023-01-10", category="facial-recognition"),
    ]
    kent = analyse(rows, "peer_disclosure").filter(pl.col("authority_id") == "kent")
    assert (metric(kent, "peers_exact"), metric(kent, "peers_broader")) == (0, 1)


# --- undated NCNDs on the map; an exposure sentence with nothing public behind it ---------------------------


def test_an_undated_ncnd_counts_in_exemption_consistency_today_but_not_at_a_past_view_date(analyse, response):
    # West Midlands Police's drone NCNDs on its disclosure log carry no date (tests/realdata/answers.csv):
    # they were answers by the time the data was gathered, so today's comparison of exemption sets counts
    # them; at a past --as-of they cannot be placed, and are left out.
    rows = [
        response("kent", "drones", "ncnd", "2024-01-10", exemptions=["s24(2)", "s31(3)"]),
        response("west-midlands", "drones", "ncnd", None, exemptions=["s23(5)"]),
    ]
    today = analyse(rows, "exemption_consistency")
    # a tie of one set each: the alphabetically first set (s23(5)) is the modal one, so Kent deviates
    assert today.filter(pl.col("scope") == "response").get_column("authority_id").to_list() == ["kent"]
    headline = today.filter(pl.col("scope") == "technology").get_column("summary").item()
    assert headline.startswith("2 authorities' latest NCNDs on Drones cited 2 exemption sets"), headline
    past = analyse(rows, "exemption_consistency", as_of=dt.date(2024, 6, 1))
    assert (
        past.filter(pl.col("scope") == "technology")
        .get_column("summary")
        .item()
        .startswith("1 authority's latest NCND on Drones")
    )


def test_exposure_with_nothing_public_does_not_claim_the_map_reveals_anything(analyse, response):
    # Before: "0 of Northumbria Police's land neighbours asked had answered (0 confirmed), so use of ... could
    # already be put at 0.5 from the public map": the 0.5 is the uninformed prior, not something public.
    rows = [response("northumbria", "drones", "ncnd", "2019-10-23"), response("durham", "drones", "ncnd", "2019-11-01")]
    findings = analyse(rows, "mosaic_exposure").filter(pl.col("scope") == "authority")
    summary = findings.filter(pl.col("authority_id") == "northumbria").get_column("summary").item()
    assert summary.startswith(
        "No authority asked had confirmed or denied Drones publicly, so nothing public estimates"
    ), summary
    assert "from the public map" not in summary
    # nor do its numbers: no probability, predictability or rate of use stands for the bare 0.5 prior
    metrics = findings.filter(pl.col("authority_id") == "northumbria").get_column("metrics").item()
    assert (
        metrics["predicted_use_probability"] is None
        and metrics["predictability"] is None
        and metrics["base_rate"] is None
    )
    assert metrics["marginal_bits"] == 1.0
    national = analyse(rows, "mosaic_exposure").filter(pl.col("scope") == "technology").get_column("metrics").item()
    assert national["base_rate"] is None and national["disclosed"] == 0
    # one public answer, but not from a neighbour: the estimate comes from the rest of the map, and says so
    rows.append(response("kent", "drones", "disclosed", "2019-01-02"))
    summary = (
        analyse(rows, "mosaic_exposure")
        .filter((pl.col("scope") == "authority") & (pl.col("authority_id") == "northumbria"))
        .get_column("summary")
        .item()
    )
    assert (
        summary.startswith("None of Northumbria Police's land neighbours asked had answered publicly")
        and "from the rest of the public map" in summary
    ), summary


def test_an_undated_ncnd_counts_every_other_authority_asked_by_the_view_date(analyse, response):
    # West Midlands, Avon and Somerset and Northumbria each NCNDed facial recognition on undated pages
    # (tests/realdata): each must count the others as asked by today, undated or not, so the three
    # sentences agree on how many authorities were asked (before: "4 of the 6", "4 of the 5", "4 of the 5").
    rows = [
        response("west-midlands", CATEGORY, "ncnd_partial", None),
        response("avon-and-somerset", CATEGORY, "ncnd_partial", None),
        response("metropolitan", CATEGORY, "partially_disclosed", "2023-08"),
    ]
    findings = analyse(rows, "peer_disclosure")
    for authority in ("west-midlands", "avon-and-somerset"):
        assert (
            "by 2026-01-01, 1 of the 2 other authorities asked had confirmed or denied it"
            in _only(findings, authority)["summary"]
        )
    # a dated NCND never counts an undated answerer as asked before it: when it was asked is unknown
    rows.append(response("kent", CATEGORY, "ncnd", "2024-01-10"))
    kent = _only(analyse(rows, "peer_disclosure"), "kent")["summary"]
    assert "1 of the 1 other authority asked" in kent, kent
    # ... nor when the view date is the NCND's own day: --as-of that day, or a dossier of the NCND, which runs
    # with "today" set to the answer's date (before: "1 of the 3 other authorities", the two undated counted)
    assert (
        "1 of the 1 other authority asked"
        in _only(analyse(rows, "peer_disclosure", as_of=dt.date(2024, 1, 10)), "kent")["summary"]
    )
    assert (
        "1 of the 1 other authority asked"
        in _only(analyse(rows, "peer_disclosure", today=dt.date(2024, 1, 10)), "kent")["summary"]
    )


def test_an_undated_ncnd_counts_undated_disclosures_but_nothing_after_the_view_date(analyse, response):
    # Cleveland's drones answer is undated; Kent answered in 2025. An undated NCND counts both "by" the
    # view date today; at --as-of 2024-12-31 Kent's answer (and its request) did not exist yet.
    rows = [
        response("west-midlands", "drones", "ncnd_partial", None),
        response("avon-and-somerset", "drones", "disclosed", "2020-08-20"),
        response("cleveland", "drones", "disclosed", None),
        response("kent", "drones", "disclosed", "2025-03-01", request="2025-02-01"),
    ]
    today = _only(analyse(rows, "peer_disclosure"), "west-midlands")
    assert (
        "by 2026-01-01, 3 of the 3 other authorities asked had confirmed or denied it (3 officially; earliest 2020-08-20)"
        in today["summary"]
    ), today["summary"]
    assert [item["authority"] for item in today["evidence"]] == [
        "Avon and Somerset Constabulary",
        "Kent Police",
        "Cleveland Police",
    ]
    past = _only(analyse(rows, "peer_disclosure", as_of=dt.date(2024, 12, 31)), "west-midlands")
    assert "by 2024-12-31, 2 of the 2 other authorities asked had confirmed or denied it" in past["summary"], past[
        "summary"
    ]
