"""The findings cache: a whole run is computed once per workspace content and parameters, verified on read,
cleared by an ingest, and a focused run served from it keeps exactly what a focused run finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from mosaic.analyses import FINDING_SCHEMA, METRICS, AnalysisInputs, CheckParams, run_checks
from mosaic.analyses.cache import cached_findings
from mosaic.ingest.pipeline import Registers, ingest_files
from mosaic.present.findings_out import READING_ORDER, in_reading_order
from mosaic.present.labels import order_checks
from mosaic.resources import sample_path
from mosaic.store.workspace import Workspace

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def workspace(tmp_path):
    target = Workspace(tmp_path / "ws")
    assert ingest_files([sample_path("responses.csv")], target, registers=Registers.with_sample()).committed
    return target


def counting_run():
    calls = []

    def run(*args, **kwargs):
        calls.append(kwargs)
        return run_checks(*args, **kwargs)

    return run, calls


def test_a_whole_run_is_computed_once_and_read_back_the_same(workspace):
    run, calls = counting_run()
    params = CheckParams(today=TODAY)
    first = cached_findings(workspace, lambda: AnalysisInputs.from_workspace(workspace), params=params, run=run)
    again = cached_findings(workspace, lambda: pytest.fail("a cache hit reads no responses"), params=params, run=run)
    assert len(calls) == 1 and first.height > 0
    assert again.equals(first)  # every column, evidence and metrics included, after the Parquet round trip
    other_day = cached_findings(
        workspace,
        AnalysisInputs.from_workspace(workspace),
        params=CheckParams(today=TODAY + dt.timedelta(days=1)),
        run=run,
    )
    assert len(calls) == 2 and other_day.height > 0  # map-level findings depend on today: another entry
    assert len(list((workspace.path / "derived").glob("findings-*.parquet"))) == 2  # both runs kept
    for days in range(2, 6):  # a cache holds a few recent runs, not every run ever made
        cached_findings(
            workspace,
            AnalysisInputs.from_workspace(workspace),
            params=CheckParams(today=TODAY + dt.timedelta(days=days)),
        )
    assert len(list((workspace.path / "derived").glob("findings-*.parquet"))) == 4
    assert len(list((workspace.path / "derived").glob("findings-*.sha256.json"))) == 4


def test_some_checks_are_served_from_the_whole_run(workspace):
    # mosaic graph needs peer_disclosure and self_acknowledgment only: after a whole run they are read,
    # not computed, and they are what running those checks alone finds.
    params = CheckParams(today=TODAY)
    inputs = AnalysisInputs.from_workspace(workspace)
    cached_findings(workspace, inputs, params=params)
    subset = ["peer_disclosure", "self_acknowledgment"]
    served = cached_findings(
        workspace, inputs, subset, params=params, run=lambda *a, **k: pytest.fail("served from the whole run")
    )
    alone = run_checks(inputs, subset, params=params)
    assert in_reading_order(served).equals(in_reading_order(alone))


def test_a_focused_run_from_the_cache_keeps_what_a_focused_run_finds(workspace):
    params = CheckParams(today=TODAY)
    inputs = AnalysisInputs.from_workspace(workspace)
    cached_findings(workspace, inputs, params=params)
    for technology_ids, authority_ids in (
        (["clearsight-match"], None),
        (None, ["kent"]),
        (["facewise-cloud"], ["essex"]),
    ):
        served = cached_findings(
            workspace, inputs, params=params, technology_ids=technology_ids, authority_ids=authority_ids,
            run=lambda *a, **k: pytest.fail("served from the cache"),
        )  # fmt: skip
        focused = run_checks(inputs, params=params, technology_ids=technology_ids, authority_ids=authority_ids)
        order = ["check", "response_id", "authority_id", "technology_id", "scope", "summary"]
        assert served.sort(order, nulls_last=True).equals(focused.sort(order, nulls_last=True))


def test_an_ingest_clears_the_cache_and_a_damaged_entry_is_rebuilt(workspace, tmp_path, caplog):
    run, calls = counting_run()
    params = CheckParams(today=TODAY)
    before = cached_findings(workspace, AnalysisInputs.from_workspace(workspace), params=params, run=run)
    entry = next((workspace.path / "derived").glob("findings-*.parquet"))
    data = bytearray(entry.read_bytes())
    data[len(data) // 2] ^= 0xFF
    entry.write_bytes(bytes(data))
    rebuilt = cached_findings(workspace, AnalysisInputs.from_workspace(workspace), params=params, run=run)
    assert len(calls) == 2 and in_reading_order(rebuilt).equals(in_reading_order(before))
    assert "does not match its checksum" in caplog.text
    extra = tmp_path / "extra.csv"
    extra.write_text("authority,technology,response_date,outcome\nKent Police,Drones,2024-05-01,disclosed\n")
    assert ingest_files([extra], workspace).committed
    assert not (workspace.path / "derived").exists()
    after = cached_findings(workspace, AnalysisInputs.from_workspace(workspace), params=params, run=run)
    assert len(calls) == 3 and after.height > 0  # computed again on the new content


def test_a_check_that_fails_in_the_dashboard_costs_only_its_own_findings(workspace, monkeypatch):
    import dataclasses

    from dashboards.data import WorkspaceData
    from mosaic.analyses import registry

    whole = WorkspaceData(workspace).keyed_findings()[0]
    for entry in (workspace.path / "derived").glob("*findings*"):
        entry.unlink()  # the next start computes again

    def broken(*_args, **_options):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(registry.CHECKS, "timeliness", dataclasses.replace(registry.CHECKS["timeliness"], run=broken))
    data = WorkspaceData(workspace)
    index = data.findings_index()
    assert data.failed_checks == {"timeliness": "ZeroDivisionError: division by zero"}
    kept = whole.filter(pl.col("check") != "timeliness")
    assert whole.height > kept.height > 0 and index.height == kept.height
    assert sorted(data.findings_at(index.get_column("row")).get_column("summary")) == sorted(kept.get_column("summary"))
    assert not list((workspace.path / "derived").glob("findings-*"))  # not kept: the next start tries again


def test_the_dashboard_and_the_cli_share_the_cache(workspace, monkeypatch):
    from dashboards.data import WorkspaceData

    first = WorkspaceData(workspace)
    found = first.findings()
    second = WorkspaceData(workspace)
    monkeypatch.setattr(second, "_run_checks", lambda: pytest.fail("the second start reads the cache"))
    assert second.findings().equals(found)
    # ... and mosaic analyse (all checks, no --as-of, default parameters) names the same entry.
    from mosaic.analyses.cache import cached_findings as cli_reads

    served = cli_reads(workspace, lambda: pytest.fail("served from the cache"), run=lambda *a, **k: pytest.fail("x"))
    assert served.height == found.height
    assert pl.concat([served, found]).unique(["check", "summary", "response_id", "authority_id"]).height <= found.height


def test_another_engine_reads_the_workspace_and_its_cached_findings(workspace):
    # Issue 14: the workspace is plain Parquet plus a manifest, so a user who outgrows one machine can point
    # DuckDB (or Spark) at it: the manifest lists each ingest's parts, the cache sits in derived/.
    import json

    duckdb = pytest.importorskip("duckdb")  # a test dependency (pip install -e '.[test]')
    found = cached_findings(workspace, AnalysisInputs.from_workspace(workspace), params=CheckParams(today=TODAY))
    manifest = json.loads((workspace.path / "manifest.json").read_text(encoding="utf-8"))
    parts = [str(workspace.path / ingest["parts"]["responses"]) for ingest in manifest["ingests"]]
    [cache] = (workspace.path / "derived").glob("findings-*.parquet")
    [sets] = (workspace.path / "derived").glob("findingsevidence-*.parquet")
    with duckdb.connect() as con:
        responses = con.execute(
            "select count(*), count(distinct response_id), sum(len(exemptions)) from read_parquet(?)", [parts]
        ).fetchone()
        by_check = dict(
            con.execute('select "check", count(*) from read_parquet(?) group by "check"', [str(cache)]).fetchall()
        )
        # A finding names its evidence list; the lists are stored once, beside it: join on evidence_id.
        first_item, unmatched = con.execute(
            "select min(s.evidence[1].authority), count(*) filter (where s.evidence_id is null)"
            " from read_parquet(?) f left join read_parquet(?) s using (evidence_id) where f.evidence_id is not null",
            [str(cache), str(sets)],
        ).fetchone()
    ours = workspace.responses()
    assert responses == (
        ours.height,
        ours.get_column("response_id").n_unique(),
        ours.get_column("exemptions").list.len().sum(),
    )
    assert by_check == dict(found.group_by("check").len().iter_rows())
    assert isinstance(first_item, str) and first_item and unmatched == 0  # items read as text; every list found


@pytest.mark.parametrize("source", ["sample", "real answers"])
def test_keying_check_by_check_gives_what_keying_the_whole_run_gives(tmp_path, source):
    """``keyed_checks`` (what a whole run now stores) keys each check's findings as they are made: the same
    findings and the same distinct lists as keying the finished run at once (the checks' own row order varies
    from run to run, so both are compared in reading order)."""
    from mosaic.analyses.cache import keyed_checks
    from mosaic.analyses.findings import key_evidence
    from mosaic.analyses.registry import resolve_check_ids

    path = sample_path("responses.csv") if source == "sample" else Path(__file__).parents[2] / "realdata/answers.csv"
    target = Workspace(tmp_path / "ws")
    registers = Registers.with_sample() if source == "sample" else None
    assert ingest_files([path], target, registers=registers).committed
    inputs = AnalysisInputs.from_workspace(target)
    params = CheckParams(today=TODAY)
    checks = resolve_check_ids(None)
    progress = []
    keyed, evidence_sets = keyed_checks(
        inputs, checks, params=params, on_progress=lambda name, done, total: progress.append((name, done))
    )
    whole_keyed, whole_sets = key_evidence(run_checks(inputs, checks, params=params))
    assert keyed.height > 0 and evidence_sets.height > 0
    assert in_reading_order(keyed).equals(in_reading_order(whole_keyed))
    assert evidence_sets.sort("evidence_id").equals(whole_sets.sort("evidence_id"))
    assert evidence_sets.get_column("evidence_id").is_unique().all()
    assert progress == [*((name, done) for done, name in enumerate(checks)), ("", len(checks))]
    # Set down in the workspace while the next checks run, then read back: the same run, no file left.
    made = []

    def scratch(label):
        made.append(target.scratch_file(label))
        return made[-1]

    # ... from the inputs ``mosaic analyse`` reads: only the columns the checks read.
    narrow = AnalysisInputs.for_checks(target)
    assert {"notes", "source_row", "request_id"}.isdisjoint(narrow.responses.columns)
    assert narrow.responses.height == inputs.responses.height
    set_down, set_down_sets = keyed_checks(lambda: narrow, checks, params=params, scratch=scratch)
    assert len(made) == 2 * len(checks)  # each check's findings and its evidence lists
    assert all(path.parent == target.path / "derived" for path in made)
    assert in_reading_order(set_down).equals(in_reading_order(keyed))
    assert set_down_sets.sort("evidence_id").equals(evidence_sets.sort("evidence_id"))
    assert not any(path.exists() for path in made)
    # Response-level checks run a group of authorities at a time at scale (``authority_batches``): groups
    # of a sixth of the responses here, the same run.
    import mosaic.analyses.cache as cache

    size = narrow.responses.height // 6
    batches = cache.authority_batches(narrow.responses, size=size)
    assert len(batches) > 3 and sorted(sum(batches, [])) == sorted(narrow.responses["authority_id"].unique())
    original = cache.BATCH_RESPONSES
    cache.BATCH_RESPONSES = size
    reading = order_checks(checks)
    try:
        made.clear()
        batched, batched_sets = keyed_checks(narrow, reading, params=params, scratch=scratch, order=READING_ORDER)
        held, held_sets = keyed_checks(narrow, reading, params=params, order=READING_ORDER)  # no scratch files
    finally:
        cache.BATCH_RESPONSES = original
    assert len(made) > len(checks) and not any(path.exists() for path in made)
    # Each check's groups put together in reading order: the run is stored as it is written.
    assert batched.equals(in_reading_order(keyed)) and held.equals(batched)
    assert batched_sets.sort("evidence_id").equals(evidence_sets.sort("evidence_id"))
    assert held_sets.sort("evidence_id").equals(evidence_sets.sort("evidence_id"))


@pytest.mark.parametrize("source", ["sample", "real answers"])
def test_a_checks_evidence_groups_tell_lists_apart_as_their_contents_do(tmp_path, source):
    """peer_disclosure and self_acknowledgment name what each evidence list was made from
    (``EVIDENCE_GROUP``), and ``key_evidence`` tells lists apart by it instead of hashing them: the same
    findings, ids and lists as hashing every list, at any view date and evidence cap; each group is one
    list (two groups may make the same list, which is then kept once)."""
    from mosaic.analyses.findings import EVIDENCE_GROUP, key_evidence

    path = sample_path("responses.csv") if source == "sample" else Path(__file__).parents[2] / "realdata/answers.csv"
    target = Workspace(tmp_path / "ws")
    assert ingest_files([path], target, registers=Registers.with_sample() if source == "sample" else None).committed
    inputs = AnalysisInputs.for_checks(target)
    shared = 0
    for check in ("peer_disclosure", "self_acknowledgment"):
        for as_of, limit in ((None, 10), (dt.date(2021, 6, 30), 3), (None, 1), (dt.date(2019, 1, 1), 2)):
            params = CheckParams(today=TODAY, evidence_limit=limit)
            found = run_checks(inputs, [check], as_of=as_of, params=params, evidence_groups=True)
            assert found.get_column(EVIDENCE_GROUP).null_count() == 0
            by_group = found.group_by(EVIDENCE_GROUP).agg(pl.col("evidence").unique().len().alias("lists"))
            assert by_group.get_column("lists").max() in (None, 1)
            keyed, lists = key_evidence(found)
            by_contents = key_evidence(found.drop(EVIDENCE_GROUP))
            assert keyed.equals(by_contents[0]) and lists.equals(by_contents[1])
            assert EVIDENCE_GROUP not in keyed.columns and lists.get_column("evidence_id").is_unique().all()
            shared += by_group.height - lists.height
        assert run_checks(inputs, [check], params=CheckParams(today=TODAY)).schema == FINDING_SCHEMA
    if source == "sample":
        assert shared > 0  # some groups made the same list: kept once


def test_findings_that_cannot_be_set_down_are_kept_in_memory(workspace, caplog):
    from mosaic.analyses.cache import keyed_checks

    params = CheckParams(today=TODAY)
    inputs = AnalysisInputs.from_workspace(workspace)
    missing = workspace.path / "no-such-folder" / "x.parquet"  # a write that fails, as on a read-only disk
    asked = []

    def scratch(label):
        asked.append(label)
        return missing

    kept, _ = keyed_checks(inputs, ["timeliness", "ncnd_limb"], params=params, scratch=scratch)
    alone, _ = keyed_checks(inputs, ["timeliness", "ncnd_limb"], params=params)
    assert kept.height > 0 and in_reading_order(kept).equals(in_reading_order(alone))
    assert caplog.text.count("cannot set findings down") == 1 and asked == ["timeliness-0"]  # tried once, said once


def test_unset_metrics_are_dropped_from_memory_not_from_the_findings(workspace):
    """``compact_metrics`` keeps every value; a run read back check by check equals the run stored, in
    order, with every column chunked alike (one chunk per check)."""
    from mosaic.analyses.cache import _read_by_check, keyed_checks
    from mosaic.analyses.findings import compact_metrics
    from mosaic.analyses.registry import resolve_check_ids

    keyed, _ = keyed_checks(
        AnalysisInputs.from_workspace(workspace), resolve_check_ids(None), params=CheckParams(today=TODAY)
    )
    from mosaic.analyses.findings import FLAT_METRIC_PREFIX, flat_metrics, from_flat_metrics

    for check_id in keyed.get_column("check").unique():
        one = keyed.filter(pl.col("check") == check_id)
        assert compact_metrics(one).equals(one)
        flat = flat_metrics(one)  # set down flat: only the metrics this check sets are columns
        stored = [name.removeprefix(FLAT_METRIC_PREFIX) for name in flat.columns if name.startswith(FLAT_METRIC_PREFIX)]
        assert 0 < len(stored) < len(METRICS) and "metrics" not in flat.columns
        assert from_flat_metrics(flat, one.columns).equals(one)
    path = workspace.path / "run.parquet"
    keyed.write_parquet(path, row_group_size=1000)  # several row groups: the reader gives several chunks
    read = _read_by_check(pl.scan_parquet(path))
    assert read.equals(keyed)
    checks = keyed.get_column("check").n_unique()
    assert {read.get_column(name).n_chunks() for name in read.columns} == {checks}
    # A large check is read a slice at a time, each compacted as it comes: the same run, chunks aligned.
    sliced = _read_by_check(pl.scan_parquet(path), rows_at_a_time=7)
    assert sliced.equals(keyed)
    assert len({sliced.get_column(name).n_chunks() for name in sliced.columns}) == 1
    assert sliced.get_column("check").n_chunks() > checks
    interleaved = pl.concat([keyed.slice(0, 5), keyed.slice(5).sample(fraction=1.0, seed=1)])
    interleaved.write_parquet(path)
    assert _read_by_check(pl.scan_parquet(path)).equals(interleaved)  # not one run per check: read whole


def test_rows_of_a_run_read_check_by_check_are_gathered_as_from_one_frame(workspace):
    """``gather_findings`` on a run as the cache reads it (one chunk per check, unset metrics compact) gives
    the rows asked for, in the order asked, repeats and all, as a gather from the whole frame does."""
    from mosaic.analyses.cache import _read_by_check, keyed_checks
    from mosaic.analyses.findings import gather_findings
    from mosaic.analyses.registry import resolve_check_ids

    keyed, _ = keyed_checks(
        AnalysisInputs.from_workspace(workspace), resolve_check_ids(None), params=CheckParams(today=TODAY)
    )
    path = workspace.path / "run.parquet"
    keyed.write_parquet(path)
    read = _read_by_check(pl.scan_parquet(path))
    assert read.get_column("metrics").n_chunks() == keyed.get_column("check").n_unique() > 1
    in_slices = _read_by_check(pl.scan_parquet(path), rows_at_a_time=7)
    last = keyed.height - 1
    for rows in ([last, 0, 7, 7, last // 2, 3], [], [0], list(range(keyed.height))[::-1]):
        chosen = pl.Series("row", rows, dtype=pl.UInt32)
        assert gather_findings(read, chosen).equals(keyed[chosen])
        assert gather_findings(in_slices, chosen).equals(keyed[chosen])


@pytest.mark.parametrize("source", ["sample", "real answers"])
def test_a_run_streamed_into_the_cache_is_the_run_and_writes_the_same_bytes(tmp_path, source, monkeypatch):
    """``cached_run(lazy=True)`` (``mosaic analyse`` to a file) never holds the run: its pieces are streamed
    into the cache and read from there as they are written. Run in groups of authorities as at ten million
    answers, it is still the run ``keyed_checks`` makes, in reading order, and writes the same JSON bytes."""
    import io

    import mosaic.analyses.cache as cache
    from mosaic.analyses.cache import cached_run, keyed_checks
    from mosaic.analyses.registry import resolve_check_ids
    from mosaic.present.findings_out import write_json

    path = sample_path("responses.csv") if source == "sample" else Path(__file__).parents[2] / "realdata/answers.csv"
    target = Workspace(tmp_path / "ws")
    assert ingest_files([path], target, registers=Registers.with_sample() if source == "sample" else None).committed
    params = CheckParams(today=TODAY)
    checks = order_checks(resolve_check_ids(None))
    inputs = AnalysisInputs.from_workspace(target)
    keyed, evidence_sets = keyed_checks(inputs, checks, params=params, order=READING_ORDER)
    monkeypatch.setattr(cache, "BATCH_RESPONSES", inputs.responses.height // 5)

    def lazily(**options):
        return cached_run(
            target, lambda: AnalysisInputs.for_checks(target), checks, params=params, order=READING_ORDER, **options
        )

    def json_bytes(run):
        stream = io.BytesIO()
        write_json(run, {"as_of": None}, stream)
        return stream.getvalue()

    labels = []
    scratch_file = target.scratch_file
    monkeypatch.setattr(target, "scratch_file", lambda label: labels.append(label) or scratch_file(label))
    unkept = lazily(lazy=True, keep=lambda: False)  # a workspace the cache cannot be kept in: held instead
    assert "peer_disclosure-1" in labels and "peer_disclosure-all" in labels  # groups, put together
    assert not any((target.path / "derived").glob("findings-*"))
    streamed = lazily(lazy=True)
    assert any((target.path / "derived").glob("findings-*.parquet"))
    again = lazily(lazy=True)  # from the cache
    for found, sets in (unkept, streamed, again):
        assert isinstance(found, pl.LazyFrame)
        # In reading order as stored: nothing to sort on writing (columns as stored, read by name).
        assert found.collect().select(keyed.columns).equals(keyed)
        assert sets.sort("evidence_id").equals(evidence_sets.sort("evidence_id"))
    expected = json_bytes((keyed, evidence_sets))
    assert json_bytes(streamed) == expected and json_bytes(again) == expected
    assert not [p for p in (target.path / "derived").iterdir() if p.name.startswith(".tmp-")]  # no scratch left


def test_a_reader_that_prints_no_evidence_does_not_read_the_lists(workspace):
    """The terminal table prints no evidence (``mosaic analyse -f table``): served from the cache it reads
    the findings only. With the stored lists gone it still gives the same findings; a reader that wants
    the evidence gets the run computed again."""
    from mosaic.analyses.cache import cached_run

    params = CheckParams(today=TODAY)
    keyed, lists = cached_run(workspace, lambda: AnalysisInputs.from_workspace(workspace), params=params)
    assert lists.height > 0
    for path in (workspace.path / "derived").glob("findingsevidence-*"):
        path.unlink()
    no_inputs = lambda: pytest.fail("served from the cache: no responses are read")  # noqa: E731
    bare, none = cached_run(workspace, no_inputs, params=params, lazy=True, evidence=False)
    assert none.height == 0 and none.schema["evidence"] == FINDING_SCHEMA["evidence"]
    assert bare.collect().select(keyed.columns).equals(keyed)
    run, calls = counting_run()
    again, relisted = cached_run(workspace, lambda: AnalysisInputs.from_workspace(workspace), params=params, run=run)
    assert len(calls) == 1 and relisted.height == lists.height
