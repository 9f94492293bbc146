"""The data contract: closed vocabularies (``vocab``) and every stored column (``tables``)."""

from mosaic.schema.tables import (
    COLUMNS,
    ISSUE_COLUMNS,
    QUARANTINE_COLUMNS,
    RESPONSE_COLUMNS,
    TABLES,
    Column,
    empty_table,
    enforce_schema,
    table_schema,
)
from mosaic.schema.vocab import (
    OFFICIAL_SOURCE_TYPES,
    STANCE_BY_OUTCOME,
    DatePrecision,
    EvidenceGrade,
    MatchMethod,
    Outcome,
    RegulatorOutcome,
    Severity,
    SourceType,
    Stance,
)

__all__ = [
    "COLUMNS", "ISSUE_COLUMNS", "QUARANTINE_COLUMNS", "RESPONSE_COLUMNS", "TABLES", "Column",
    "empty_table", "enforce_schema", "table_schema",
    "OFFICIAL_SOURCE_TYPES", "STANCE_BY_OUTCOME", "DatePrecision", "EvidenceGrade", "MatchMethod",
    "Outcome", "RegulatorOutcome", "Severity", "SourceType", "Stance",
]  # fmt: skip
