"""The one adapter to networkx, and the file exports (GraphML, GEXF, node-link JSON).

``to_networkx`` gives a ``MultiDiGraph`` with Python values as they are in the frames (dates as
``datetime.date``, ``exemptions`` as a list); a null attribute is simply absent. Each node is keyed by
``node_id`` and each edge by ``edge_id`` (the multigraph key), with every other non-null column as an
attribute. Converting is the slow step (about 4 s per million edges), so views and aggregates work on the
frames and only exports and graph algorithms come here.

Attribute encoding in the files (GraphML and GEXF allow only strings, numbers and booleans):

=============================  ===================================  ==========================================
value in the frames            GraphML / GEXF                       node-link JSON
=============================  ===================================  ==========================================
null                           attribute left out                   attribute left out
date (``date``, ``public_on``)  ISO text ``2024-07-05``             ISO text ``2024-07-05``
list (``exemptions``)          text joined by ``;`` (``s24(2);s31(3)``; an empty list is ``""``)  JSON array
string, integer, float, bool   as is (GraphML/GEXF typed keys)      as is
=============================  ===================================  ==========================================

Characters XML 1.0 forbids (control characters such as ``\x01`` or ``\x1b`` pasted into a name) cannot
be written to GraphML or GEXF at all, not even escaped: each is replaced by U+FFFD, and the file says so
in a graph attribute ``mosaic_note`` (and a warning is logged). Node-link JSON keeps them as they are.

``decode_attributes`` reverses the list encoding after reading a GraphML or GEXF file back. Edge ids are
kept: the GraphML edge ``id`` and the GEXF edge ``id`` are the ``edge_id`` (GEXF files also carry it as
``networkx_key``); in node-link JSON it is each link's ``key``. Files are written atomically: to a
temporary file beside the target, then renamed over it, so a failed export never leaves a half file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import networkx as nx
import polars as pl

from mosaic.errors import MappingError
from mosaic.graph.frames import GraphFrames
from mosaic.store.files import write_atomically

LOG = logging.getLogger(__name__)
GraphFormat = Literal["graphml", "gexf", "json"]
FORMATS: tuple[str, ...] = ("graphml", "gexf", "json")
#: Joins list values in GraphML and GEXF. Exemption codes never contain it.
LIST_SEPARATOR = ";"
#: Attributes whose values are lists in the frames (encoded with ``LIST_SEPARATOR`` in XML formats).
LIST_ATTRIBUTES: tuple[str, ...] = ("exemptions",)


def _as_is(value: Any) -> Any:
    return value


def _for_xml(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 does not allow at all, not even as a character reference (control characters other
than tab and line ends, lone surrogates, U+FFFE and U+FFFF)."""
XML_REPLACEMENT = "\ufffd"


def _xml_encoder() -> tuple[Callable[[Any], Any], list[int]]:
    """``_for_xml`` that also replaces characters XML 1.0 forbids by U+FFFD, counting the values changed."""
    replaced = [0]

    def encode(value: Any) -> Any:
        value = _for_xml(value)
        if isinstance(value, str) and _XML_FORBIDDEN.search(value):
            replaced[0] += 1
            value = _XML_FORBIDDEN.sub(XML_REPLACEMENT, value)
        return value

    return encode, replaced


def _for_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _records(frame: pl.DataFrame, encode: Callable[[Any], Any]) -> Iterator[dict[str, Any]]:
    """Rows as dicts without nulls, encoded; columns that are null throughout are skipped up front."""
    present = [name for name in frame.columns if frame.get_column(name).null_count() < frame.height]
    for row in frame.select(present).iter_rows(named=True):
        yield {key: encode(value) for key, value in row.items() if value is not None}


def _networkx(
    graph: GraphFrames, encode: Callable[[Any], Any], *, name: str = "mosaic disclosure graph"
) -> nx.MultiDiGraph:
    result = nx.MultiDiGraph(name=name)
    if graph.as_of is not None:
        result.graph["as_of"] = graph.as_of.isoformat()
    if graph.technology_ids:
        result.graph["technology_ids"] = LIST_SEPARATOR.join(graph.technology_ids)
    for record in _records(graph.nodes.sort("node_id"), encode):
        result.add_node(record.pop("node_id"), **record)
    for record in _records(graph.edges.sort("relation", "edge_id"), encode):
        source, target, key = record.pop("source"), record.pop("target"), record.pop("edge_id")
        result.add_edge(source, target, key=key, **record)
    return result


def to_networkx(graph: GraphFrames) -> nx.MultiDiGraph:
    """The graph as a networkx ``MultiDiGraph`` (nodes keyed by ``node_id``, edges by ``edge_id``).

    Values stay Python values (dates, lists); nulls are left out. Nodes and edges are added sorted by id,
    so algorithms with a seed give the same result for the same frames.

    Example:
        >>> G = to_networkx(graph)  # doctest: +SKIP
        >>> G.edges["authority:kent", "technology:clearsight-match", "responded:…"]["stance"]  # doctest: +SKIP
    """
    return _networkx(graph, _as_is)


def graph_bytes(graph: GraphFrames, fmt: str) -> bytes:
    """Serialise the graph in ``fmt`` (graphml, gexf or json) with the encoding in the module docstring.

    Raises:
        MappingError: an unknown format.
    """
    if fmt not in FORMATS:
        raise MappingError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        data = nx.node_link_data(_networkx(graph, _for_json), edges="edges")
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    encode, replaced = _xml_encoder()
    encoded = _networkx(graph, encode)
    if replaced[0]:
        note = (
            f"{replaced[0]} value(s) held characters XML 1.0 forbids (control characters such as \\x01); "
            "each such character was replaced by U+FFFD in this file"
        )
        encoded.graph["mosaic_note"] = note
        LOG.warning("%s: %s", fmt, note)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(encoded, buffer, encoding="utf-8", prettyprint=True)
    else:
        # GEXF reads a ``label`` attribute as the node's label (as wanted) and an edge ``id`` as its id
        for _, _, key, data in encoded.edges(keys=True, data=True):
            data["id"] = key
        nx.write_gexf(encoded, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def write_graph(graph: GraphFrames, path: str | Path, fmt: str) -> Path:
    """Write the graph to ``path`` in ``fmt``, atomically (temporary file in the same folder, then rename).

    Returns:
        The path written.
    """
    return write_atomically(path, graph_bytes(graph, fmt))


def decode_attributes(graph: nx.Graph) -> nx.Graph:
    """Undo the list encoding of a graph read back from GraphML or GEXF (in place; returns it).

    ``exemptions`` text becomes a list again (``""`` -> ``[]``). Dates stay ISO text.
    """
    for _, _, data in graph.edges(data=True):
        for name in LIST_ATTRIBUTES:
            if isinstance(data.get(name), str):
                data[name] = data[name].split(LIST_SEPARATOR) if data[name] else []
    return graph


def read_graph(path: str | Path, fmt: str) -> nx.MultiDiGraph:
    """Read a file written by ``write_graph`` back into a ``MultiDiGraph`` keyed by ``edge_id``, decoded."""
    if fmt == "graphml":
        graph = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
    elif fmt == "gexf":
        graph = nx.read_gexf(path)
        for _, _, data in graph.edges(data=True):
            data.pop("id", None)
    elif fmt == "json":
        graph = nx.node_link_graph(
            json.loads(Path(path).read_text(encoding="utf-8")), directed=True, multigraph=True, edges="edges"
        )
    else:
        raise MappingError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return decode_attributes(graph)
