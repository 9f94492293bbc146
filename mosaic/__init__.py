"""mosaic: lay every authority's answer to the same FOI question side by side.

The package flows one way: ``ingest`` reads files, ``normalise`` cleans cells and resolves names against
the ``registry``, ``store`` keeps the workspace, and the analyses, graph, dashboard and reports read it.
"""

__version__ = "0.2.0"
