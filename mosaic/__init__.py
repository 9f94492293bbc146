"""mosaic: lay every authority's answer to the same FOI question side by side.

The package flows one way: ``ingest`` reads files, ``normalise`` cleans cells and resolves names against
the ``registry``, ``store`` keeps the workspace, and the analyses, graph, dashboard and reports read it.
"""

import os

__version__ = "0.2.0"

#: How polars' memory allocator (jemalloc) is told to give freed memory back to the system within 0.2 s, by
#: a background thread, rather than keeping it for ten seconds in case it is wanted again. Set before polars
#: is first imported, and only when the user has not set it. All checks on a million answers to Parquet,
#: same run: default 14.4 s / 3.0 GB peak; this 16.0 s / 2.4 GB; returning memory at once (decay 0) 19.0 s /
#: 2.3 GB. A program that imported polars before mosaic keeps its own allocator settings.
ALLOCATOR_SETTINGS = "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0"
os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR_SETTINGS)
