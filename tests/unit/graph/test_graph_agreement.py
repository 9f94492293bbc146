"""agreement_projection and national_line on tiny cases computed by hand."""

from __future__ import annotations

import datetime as dt

import polars as pl

from mosaic.analyses import empty_findings
from mosaic.graph import agreement_projection, build_graph, latest_answers, national_line

P = "clearsight-match"
P2 = "facewise-cloud"
Q = "cellshade-mini"


def _hand_case(response) -> list[dict]:
    return [
        response("kent", P, "disclosed", "2021-01-01"),  # confirm
        response("kent", P2, "ncnd", "2021-01-01"),
        response("kent", Q, "not_held", "2021-01-01"),  # deny
        response("essex", P, "disclosed", "2021-01-01"),  # confirm ...
        response("essex", P, "refused", "2024-01-01"),  # ... a later refusal is not a stance: still confirm
        response("essex", P2, "ncnd", "2020-01-01"),
        response("essex", P2, "not_held", "2022-06-01"),  # latest on P2: deny
        response("essex", Q, "not_held", "2021-01-01"),  # deny
        response("sussex", P, "ncnd", "2021-01-01"),
        response("sussex", P2, "ncnd", "2021-01-01"),
        response("kent", "drones", "disclosed", "2021-01-01"),  # drones: one confirm, one deny: a tie
        response("essex", "drones", "not_held", "2021-01-01"),
    ]


def test_agreement_weights_by_hand(inputs, response):
    graph = build_graph(inputs(_hand_case(response)), findings=empty_findings())
    pairs = agreement_projection(graph).pairs
    # essex-kent: both answered P, P2, Q, drones (4); agree on P (confirm) and Q (deny): 2/4
    #   (P2: essex's latest is deny, kent's ncnd; drones: essex deny, kent confirm)
    # essex-sussex: both answered P and P2 (2); P confirm vs ncnd, P2 deny vs ncnd: 0/2
    # kent-sussex: both answered P and P2 (2); agree on P2 (ncnd): 1/2
    assert pairs.rows() == [
        ("essex", "kent", 4, 2, 0.5),
        ("essex", "sussex", 2, 0, 0.0),
        ("kent", "sussex", 2, 1, 0.5),
    ]
    # as of 1 January 2022 essex's P2 answer was still the 2020 NCND: essex-kent agree on P, P2, Q of 4
    early = agreement_projection(graph, as_of=dt.date(2022, 1, 1)).pairs
    assert early.filter(pl.col("other_authority_id") == "kent").row(0) == ("essex", "kent", 4, 3, 0.75)
    # restricted to facial recognition, only P and P2 count: essex-kent agree on P of 2
    facial = agreement_projection(graph, technology_ids=["facial-recognition"]).pairs
    assert facial.filter(pl.col("other_authority_id") == "kent").row(0) == ("essex", "kent", 2, 1, 0.5)


def test_latest_answers_skip_non_answers_and_later_dates(inputs, response):
    graph = build_graph(inputs(_hand_case(response)), findings=empty_findings())
    answers = latest_answers(graph).filter(pl.col("authority_id") == "essex")
    assert sorted(answers.select("technology_id", "stance").rows()) == sorted(
        [(P, "confirm"), ("drones", "deny"), (P2, "deny"), (Q, "deny")]
    )


def test_communities_and_distance_from_the_usual_stance(inputs, response):
    rows = []
    # group X answers alike: confirm P and P2; on Q kent and essex deny, sussex confirms (a departure)
    for authority in ("kent", "essex", "sussex"):
        rows += [response(authority, P, "disclosed", "2021-01-01"), response(authority, P2, "disclosed", "2021-01-01")]
    rows += [
        response("kent", Q, "not_held", "2021-01-01"),
        response("essex", Q, "not_held", "2021-01-01"),
        response("sussex", Q, "disclosed", "2021-01-01"),
    ]
    # group Y: NCND P and P2; on Q surrey denies and hampshire confirms (a tie: nobody departs)
    for authority in ("surrey", "hampshire"):
        rows += [response(authority, P, "ncnd", "2021-01-01"), response(authority, P2, "ncnd", "2021-01-01")]
    rows += [response("surrey", Q, "not_held", "2021-01-01"), response("hampshire", Q, "disclosed", "2021-01-01")]
    graph = build_graph(inputs(rows), findings=empty_findings())
    projection = agreement_projection(graph, seed=7)
    # weights inside X: kent-essex 3/3, kent-sussex 2/3, essex-sussex 2/3; inside Y: surrey-hampshire 2/3;
    # across only 1/3 (kent-surrey and essex-surrey agree on Q deny, sussex-hampshire on Q confirm)
    members = projection.members
    by_id = {row["authority_id"]: row for row in members.iter_rows(named=True)}
    assert by_id["kent"]["community"] == by_id["essex"]["community"] == by_id["sussex"]["community"]
    assert by_id["surrey"]["community"] == by_id["hampshire"]["community"] != by_id["kent"]["community"]
    assert by_id["kent"]["community"] == 1 and by_id["kent"]["community_size"] == 3  # the larger is numbered 1
    # sussex: 3 answers, usual stance on Q in its community is deny (2 of 3): 1 departure -> 1/3
    assert (by_id["sussex"]["answered_count"], by_id["sussex"]["departure_count"]) == (3, 1)
    assert abs(by_id["sussex"]["distance"] - 1 / 3) < 1e-12
    assert (
        by_id["kent"]["distance"] == 0.0
        and by_id["surrey"]["distance"] == 0.0
        and by_id["hampshire"]["distance"] == 0.0
    )
    assert projection.modularity > 0
    # a fixed seed gives the same communities
    again = agreement_projection(graph, seed=7).members
    assert again.equals(members)


def test_national_line_modal_stance_departures_and_ties(inputs, response):
    graph = build_graph(inputs(_hand_case(response)), findings=empty_findings())
    line = {row["technology_id"]: row for row in national_line(graph).iter_rows(named=True)}
    # P: confirm (kent, essex) vs ncnd (sussex)
    assert (line[P]["national_stance"], line[P]["answered_count"], line[P]["departed_authority_ids"]) == (
        "confirm",
        3,
        ["sussex"],
    )
    assert abs(line[P]["national_share"] - 2 / 3) < 1e-12
    # P2: ncnd (kent, sussex) vs deny (essex's latest)
    assert (
        line[P2]["national_stance"],
        line[P2]["ncnd_count"],
        line[P2]["deny_count"],
        line[P2]["departed_authority_ids"],
    ) == ("ncnd", 2, 1, ["essex"])
    # Q: both deny
    assert (line[Q]["national_stance"], line[Q]["departed_count"]) == ("deny", 0)
    # drones: one confirm, one deny: no national line, nobody departs
    assert (line["drones"]["is_tied"], line["drones"]["national_stance"], line["drones"]["departed_authority_ids"]) == (
        True,
        None,
        [],
    )
