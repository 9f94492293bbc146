"""Names typed by a user (CLI -t/-a, dashboard) resolve against the registers and what the data holds."""

from __future__ import annotations

import polars as pl
import pytest

from mosaic.analyses import resolve_authority_ids, resolve_technology_ids
from mosaic.errors import MappingError
from mosaic.registry import load_authorities, load_technologies

HELD = pl.DataFrame(
    {
        "authority_id": ["kent", "unresolved:narnia-police"],
        "authority_name": ["Kent Police", "Narnia Police"],
        "technology_id": ["unresolved:nec-neoface", "unresolved:quux-scanner"],
        "technology_name": ["facial recognition", "gadgets"],
        "product": ["NEC NeoFace", "Quux Scanner"],
    }
)


def test_unresolved_ids_and_their_written_names_are_addressable() -> None:
    technologies = load_technologies()
    assert resolve_technology_ids(["unresolved:nec-neoface"], technologies, HELD) == ["unresolved:nec-neoface"]
    assert resolve_technology_ids(["Quux Scanner"], technologies, HELD) == ["unresolved:quux-scanner"]
    assert resolve_technology_ids(["quux scanners"], technologies, HELD) == ["unresolved:quux-scanner"]
    # the taxonomy now knows NEC NeoFace: both ids, what the data holds first; ``one`` keeps that one
    assert resolve_technology_ids(["NEC NeoFace"], technologies, HELD) == ["unresolved:nec-neoface", "nec-neoface"]
    assert resolve_technology_ids(["NEC NeoFace"], technologies, HELD, one=True) == ["unresolved:nec-neoface"]
    assert resolve_technology_ids(["NEC NeoFace"], technologies) == ["nec-neoface"]
    authorities = load_authorities()
    assert resolve_authority_ids(["Narnia Police", "unresolved:narnia-police"], authorities, HELD) == [
        "unresolved:narnia-police"
    ]
    assert resolve_authority_ids(["Notts Police"], authorities, HELD) == ["nottinghamshire"]


def test_unknown_names_are_refused_with_the_closest_from_register_and_data() -> None:
    with pytest.raises(
        MappingError, match=r"^unknown technology 'Quux Scaner'; closest: unresolved:quux-scanner \(Quux Scanner\)"
    ):
        resolve_technology_ids(["Quux Scaner"], load_technologies(), HELD)
    with pytest.raises(MappingError, match=r"^unknown technology 'unresolved:nec-neoface'"):
        resolve_technology_ids(["unresolved:nec-neoface"], load_technologies())  # not held, not registered
    with pytest.raises(
        MappingError, match=r"^unknown authority 'Narnia Polise'; closest: unresolved:narnia-police \(Narnia Police\)"
    ):
        resolve_authority_ids(["Narnia Polise"], load_authorities(), HELD)
