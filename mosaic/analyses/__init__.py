"""Consistency analyses: the checks that test the "other forces disclosed" and "mosaic" arguments.

Public API (what the CLI, graph, reports and dashboard use):

* ``AnalysisInputs``: responses plus registers, with shared derived columns cached.
* ``run_checks`` / ``all_checks`` / ``CheckParams``: the registry of checks and how to run them.
* ``FINDING_SCHEMA``, ``METRICS``, ``findings_records``: the findings contract.
* ``resolve_authority_ids`` / ``resolve_technology_ids``: user-typed names to register ids.
* ``map_stances``, ``MapStance``: the map as it stood on a date.
* ``stance_overview``, ``wilson_interval``: the national summary.
"""

from mosaic.analyses.findings import (
    EVIDENCE_DTYPE,
    EVIDENCE_STRUCT,
    FINDING_COLUMNS,
    FINDING_SCHEMA,
    METRICS,
    EvidenceRelation,
    FindingScope,
    empty_findings,
    findings_records,
)
from mosaic.analyses.inputs import AnalysisInputs
from mosaic.analyses.lookup import resolve_authority_ids, resolve_technology_ids
from mosaic.analyses.mapview import MapStance, map_stances, stance_counts, technology_scope
from mosaic.analyses.overview import stance_overview, wilson_interval
from mosaic.analyses.registry import Check, CheckParams, all_checks, resolve_check_ids, run_checks

__all__ = [
    "EVIDENCE_DTYPE", "EVIDENCE_STRUCT", "FINDING_COLUMNS", "FINDING_SCHEMA", "METRICS", "EvidenceRelation",
    "FindingScope", "empty_findings", "findings_records", "AnalysisInputs", "MapStance",
    "map_stances", "stance_counts", "technology_scope", "stance_overview", "wilson_interval", "Check",
    "CheckParams", "all_checks", "resolve_check_ids", "run_checks", "resolve_authority_ids", "resolve_technology_ids",
]  # fmt: skip
