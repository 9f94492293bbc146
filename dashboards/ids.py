"""Every component id of the dashboard, in one place.

Callbacks and browser tests refer to components through these StrEnums, never through string literals,
so renaming a component cannot silently disconnect a callback or a test selector.
"""

from __future__ import annotations

from enum import StrEnum


class Shell(StrEnum):
    """Components present on every page."""

    BANNER = "sample-banner"
    NAV = "nav"
    ALERT = "global-alert"


class MapIds(StrEnum):
    """The map page (home)."""

    TECHNOLOGY = "map-technology"
    TECHNOLOGY_NOTE = "map-technology-note"
    AS_OF = "map-as-of"
    AS_OF_LABEL = "map-as-of-label"
    PLAY = "map-play"
    PLAY_TIMER = "map-play-timer"
    OUTCOMES = "map-outcomes"
    REGIONS = "map-regions"
    VIEW = "map-view"
    GRAPH = "map-graph"
    LEGEND = "map-legend"
    HEADLINE = "map-headline"
    OFF_MAP = "map-off-map"
    SEARCH = "map-authority-search"
    PANEL = "map-authority-panel"
    URL_SYNC = "map-url-sync"
    DATES = "map-dates"
    EXPORT_REPORT = "map-export-report"
    EXPORT_FINDINGS = "map-export-findings"
    DOWNLOAD = "map-download"


class TimelineIds(StrEnum):
    """The timeline page."""

    TECHNOLOGY = "timeline-technology"
    GRAPH = "timeline-graph"
    NOTE = "timeline-note"
    URL_SYNC = "timeline-url-sync"


class FindingsIds(StrEnum):
    """The findings page."""

    CHECKS = "findings-checks"
    SEVERITY = "findings-severity"
    TECHNOLOGY = "findings-technology"
    GRID = "findings-grid"
    COUNT = "findings-count"
    EXPORT = "findings-export"
    DOWNLOAD = "findings-download"
    LOCATION = "findings-location"


class LoadIds(StrEnum):
    """The load-data page."""

    UPLOAD = "load-upload"
    RESULT = "load-result"
    LIMIT_NOTE = "load-limit-note"
    MAP_COLUMN = "load-map-column"
    """Pattern-matching id type: one dropdown per uploaded column, ``{"type": MAP_COLUMN, "column": name}``."""
    REMAP = "load-remap"


class NetworkIds(StrEnum):
    """The network page."""

    NODE = "network-node"
    TECHNOLOGY = "network-technology"
    HOPS = "network-hops"
    COMMUNITIES = "network-communities"
    GRAPH = "network-graph"
    NOTE = "network-note"
    URL_SYNC = "network-url-sync"
