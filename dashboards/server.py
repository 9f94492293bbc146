"""Serving the dashboard safely: which data, which address, which password, which boundaries.

Rules (issue 5, Safety): bind 127.0.0.1 unless told otherwise; any other address needs a password from
``MOSAIC_DASHBOARD_PASSWORD`` (never the command line) and says so when it starts; debug off unless asked.
The only server path ever read is the boundaries file the person starting the server named.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

from mosaic.errors import DataError, MosaicError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: A boundaries file larger than this is refused (the browser would choke on it anyway).
BOUNDARIES_LIMIT_BYTES = 50 * 1024 * 1024


def is_local(host: str) -> bool:
    """True when ``host`` is a loopback address (only this machine can connect)."""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def required_password(host: str, password: str | None) -> str | None:
    """The password to enforce: None on loopback; on any other address the given one, or an error."""
    if is_local(host):
        return password or None
    if not password:
        raise MosaicError(
            f"serving on {host} makes the dashboard reachable from other machines: set MOSAIC_DASHBOARD_PASSWORD "
            "to a password first (it is read from the environment, never from the command line)"
        )
    return password


#: The ONS Police Force Area boundaries shipped with mosaic (see data/reference/README.md), and the
#: attribution their licence asks for wherever the map is shown.
SHIPPED_BOUNDARIES_NAME = "police_force_areas_2020.geojson"
SHIPPED_ATTRIBUTION = (
    "Boundaries: ONS Police Force Areas (December 2020). Contains OS data and ONS data © Crown copyright and "
    "database right 2020; Open Government Licence v3.0."
)


def default_boundaries(pfa_codes: list[str]) -> dict[str, Any]:
    """The shipped boundaries, loaded like a user's file and carrying their attribution."""
    from mosaic.resources import reference_path

    loaded = load_boundaries(reference_path(SHIPPED_BOUNDARIES_NAME), pfa_codes)
    return {
        **loaded,
        "attribution": SHIPPED_ATTRIBUTION,
        "label": "ONS boundaries",
        "source": "the ONS boundaries shipped with mosaic",
    }


def load_boundaries(path: Path, pfa_codes: list[str]) -> dict[str, Any]:
    """Read a GeoJSON of areas and find the property holding the register's PFA codes.

    Raises:
        DataError: the file is missing, too large, not GeoJSON, or none of its features carries a code
            from the register.
    """
    from dashboards.views import boundary_feature_key

    if not path.is_file():
        raise DataError(f"{path}: no such boundaries file")
    if path.stat().st_size > BOUNDARIES_LIMIT_BYTES:
        raise DataError(
            f"{path}: boundaries file larger than {BOUNDARIES_LIMIT_BYTES // 2**20} MB; use a generalised version"
        )
    try:
        geojson = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: not a GeoJSON file ({exc})") from None
    if not isinstance(geojson, dict) or not isinstance(geojson.get("features"), list):
        raise DataError(f"{path}: not a GeoJSON FeatureCollection")
    key = boundary_feature_key(geojson, pfa_codes)
    if key is None:
        raise DataError(f"{path}: no feature property holds a police force area code of the register (e.g. E23000001)")
    return {
        "geojson": geojson,
        "feature_key": key,
        "path": str(path),
        "attribution": f"Boundaries: {path.name} (your file).",
        "label": "your boundaries file",
    }
