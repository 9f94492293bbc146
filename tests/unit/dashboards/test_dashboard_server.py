"""Serving safety and the ``mosaic dashboard`` command's refusals."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dashboards.server import is_local, load_boundaries, required_password
from mosaic.cli import app
from mosaic.errors import DataError, MosaicError


def test_only_loopback_is_local():
    assert is_local("127.0.0.1") and is_local("localhost") and is_local("::1") and is_local("127.0.0.2")
    assert not is_local("0.0.0.0") and not is_local("192.168.1.5") and not is_local("example.org")


def test_other_addresses_need_a_password():
    assert required_password("127.0.0.1", "") is None
    assert required_password("0.0.0.0", "pw") == "pw"
    with pytest.raises(MosaicError, match="MOSAIC_DASHBOARD_PASSWORD"):
        required_password("0.0.0.0", "")


def test_boundaries_must_carry_register_codes(tmp_path):
    good = tmp_path / "areas.geojson"
    good.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"PFA20CD": "E23000032"}, "geometry": None}],
            }
        )
    )
    assert load_boundaries(good, ["E23000032"])["feature_key"] == "properties.PFA20CD"
    with pytest.raises(DataError, match="no feature property"):
        load_boundaries(good, ["E00000000"])
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json")
    with pytest.raises(DataError, match="not a GeoJSON"):
        load_boundaries(broken, ["E23000032"])
    with pytest.raises(DataError, match="no such"):
        load_boundaries(tmp_path / "missing.geojson", ["E23000032"])


def test_the_shipped_police_force_areas_match_the_register_and_carry_their_attribution():
    from dashboards.server import default_boundaries
    from mosaic.registry import load_authorities

    codes = load_authorities().get_column("pfa_code").drop_nulls().to_list()
    loaded = default_boundaries(codes)
    assert loaded["feature_key"] == "properties.PFA20CD"
    found = {f["properties"]["PFA20CD"] for f in loaded["geojson"]["features"]}
    assert len(found & set(codes)) == 43
    assert (
        "Contains OS data and ONS data" in loaded["attribution"]
        and "Open Government Licence v3.0" in loaded["attribution"]
    )


def test_cli_refuses_a_public_address_without_a_password(monkeypatch):
    monkeypatch.delenv("MOSAIC_DASHBOARD_PASSWORD", raising=False)
    result = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "MOSAIC_DASHBOARD_PASSWORD" in str(result.exception)


def test_cli_refuses_a_missing_workspace(tmp_path):
    result = CliRunner().invoke(app, ["dashboard", "--workspace", str(tmp_path / "none")])
    assert result.exit_code != 0 and "no workspace" in str(result.exception)
