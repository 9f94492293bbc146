"""Reference registers: the authorities that answer and the technologies asked about.

Both live as hand-editable CSVs in ``data/reference/`` (see its README). Loading validates them strictly
and returns typed polars frames; the normalise stage resolves input names against these frames.
"""

from mosaic.registry.authorities import (
    AUTHORITY_KINDS,
    AUTHORITY_SCHEMA,
    load_authorities,
    read_authorities,
)
from mosaic.registry.technologies import (
    CATEGORY_SEPARATOR,
    TECHNOLOGY_LEVELS,
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

__all__ = [
    "AUTHORITY_KINDS", "AUTHORITY_SCHEMA", "load_authorities", "read_authorities",
    "CATEGORY_SEPARATOR", "TECHNOLOGY_LEVELS", "TECHNOLOGY_SCHEMA", "ancestors", "descendants",
    "is_bundled_sample", "load_technologies", "read_technologies", "sample_technology_ids", "technologies_for",
    "technology_pairs",
]  # fmt: skip
