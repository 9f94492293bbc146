"""Benchmark: extracting responses from documents, against reading the same documents' text.

    python tests/benchmarks/bench_extract.py --copies 40

Writes the fixture letters and notices (tests/unit/extract/document_fixtures.py) ``--copies`` times
each, then times, in the same run: (1) the baseline, reading every document to paragraphs (PDF text via
pypdf, HTML parsing, e-mail decoding); (2) ``extract_documents`` (reading plus finding every field);
(3) ``ingest_files`` of the whole folder into a fresh workspace; (4) the ``boilerplate`` check on 91
authorities x 8 technologies of synthetic statements, against a bare rapidfuzz ``cdist`` of the same
statements. Prints each time and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import tempfile
import time
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz, process

from mosaic.analyses import AnalysisInputs, CheckParams, run_checks
from mosaic.extract import extract_documents
from mosaic.extract.text import read_paragraphs
from mosaic.ingest.pipeline import ingest_files
from mosaic.registry import load_authorities, load_technologies
from mosaic.schema import table_schema
from mosaic.store.workspace import Workspace

_SPEC = importlib.util.spec_from_file_location(
    "document_fixtures", Path(__file__).parents[1] / "unit" / "extract" / "document_fixtures.py"
)
fixtures = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fixtures)


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def statements_frame(technologies: int, seed: int = 7) -> pl.DataFrame:
    """One NCND per authority and technology with the national harm statement, 1 in 8 reworded."""
    rng = random.Random(seed)
    authorities = load_authorities().get_column("authority_id").to_list()
    products = (
        load_technologies().filter(pl.col("level") == "product").get_column("technology_id").to_list()[:technologies]
    )
    words = fixtures.HARM_NATIONAL.split()
    rows = []
    for t in products:
        for a in authorities:
            text = fixtures.HARM_NATIONAL
            if rng.random() < 1 / 8:
                shuffled = words[:]
                rng.shuffle(shuffled)
                text = " ".join(shuffled)
            rows.append({
                "response_id": f"{a}-{t}", "authority_id": a, "authority_name": a, "technology_id": t, "technology_name": t,
                "outcome": "ncnd", "stance": "ncnd", "response_date": dt.date(2024, 7, 1), "response_date_precision": "day",
                "exemptions": ["s24(2)"], "source_type": "foi_response", "harm_statement": text, "source_row": 1,
            })  # fmt: skip
    return pl.DataFrame(rows, schema=table_schema("responses"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of each fixture document")
    parser.add_argument("--technologies", type=int, default=8, help="technologies in the boilerplate benchmark")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = fixtures.write_documents(root / "source")
        docs = root / "docs"
        docs.mkdir()
        paths = []
        for copy in range(args.copies):
            for name, path in source.items():
                target = docs / f"{copy:04d}-{name}"
                data = path.read_bytes()
                if path.suffix != ".pdf":
                    data = data.replace(b"2024", str(2000 + copy % 25).encode())  # distinct content, distinct ids
                target.write_bytes(data)
                paths.append(target)
        extract_documents(paths[:7])  # warm caches (registers, compiled patterns)
        read_s, _ = timed(lambda: [read_paragraphs(p) for p in paths])
        extract_s, _ = timed(lambda: extract_documents(paths))
        ingest_s, report = timed(lambda: ingest_files(paths, Workspace(root / "ws")))
        print(f"documents: {len(paths)}")
        print(f"baseline read to paragraphs: {read_s:8.3f} s ({read_s / len(paths) * 1000:.1f} ms/document)")
        print(f"extract_documents:           {extract_s:8.3f} s  ratio {extract_s / read_s:5.1f}x baseline")
        print(
            f"ingest_files (committed={report.committed}, accepted={report.total('accepted')}): {ingest_s:8.3f} s  ratio {ingest_s / read_s:5.1f}x baseline"
        )

    frame = statements_frame(args.technologies)
    inputs = AnalysisInputs.from_responses(frame)
    _ = inputs.events
    texts = [
        frame.filter(pl.col("technology_id") == t).get_column("harm_statement").to_list()
        for t in frame.get_column("technology_id").unique()
    ]
    bare_s, _ = timed(lambda: [process.cdist(group, group, scorer=fuzz.ratio) for group in texts])
    check_s, findings = timed(
        lambda: run_checks(inputs, ["boilerplate"], params=CheckParams(today=dt.date(2026, 1, 1)))
    )
    print(f"statements: {frame.height} ({args.technologies} technologies x 91 authorities)")
    print(f"baseline rapidfuzz cdist:    {bare_s:8.3f} s")
    print(
        f"boilerplate check:           {check_s:8.3f} s  ratio {check_s / bare_s:5.1f}x baseline, {findings.height} findings"
    )


if __name__ == "__main__":
    main()
