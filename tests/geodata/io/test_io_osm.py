"""Streets from OpenStreetMap: a real PBF written with pyosmium, and OSM XML."""

from __future__ import annotations

import pytest

from geodata.io import imports as io

CODE = "990002"


@pytest.mark.parametrize("suffix", [".osm.pbf", ".osm"])
def test_streets_from_openstreetmap(store, tmp_path, suffix):
    """GDAL's OSM driver reads a real PBF (written with pyosmium) and OSM XML alike."""
    nodes = {1: (114.000, 22.505), 2: (114.020, 22.505), 3: (114.010, 22.500), 4: (114.010, 22.510)}
    nodes |= {5: (114.005, 22.500), 6: (114.005, 22.510)}
    ways = [
        (10, [1, 2], {"highway": "primary", "name": "福华路"}),
        (11, [3, 4], {"highway": "secondary", "name": "金田路"}),
        (12, [5, 6], {"highway": "primary", "name": "高架桥", "bridge": "yes", "layer": "1"}),
        (13, [3, 6], {"waterway": "river", "name": "福田河"}),
    ]
    path = tmp_path / f"streets{suffix}"
    _write_osm(path, nodes, ways)
    io.create_county(store, CODE, "测试县")
    summary = io.import_streets(store, CODE, path)
    segments = store.list_segments(store.get_county(CODE).id)
    assert sorted(s.name for s in segments) == ["福华路", "福华路", "金田路", "金田路", "高架桥"]
    assert {s.source_id for s in segments} == {"10", "11", "12"}
    assert summary.skipped == ["1 OSM lines without a highway tag"]


def _write_osm(path, nodes, ways) -> None:
    if path.suffix == ".osm":
        path.write_text(_osm_xml(nodes, ways), encoding="utf-8")
        return
    import osmium

    with osmium.SimpleWriter(str(path)) as writer:
        for node_id, (x, y) in nodes.items():
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(x, y), tags={}, version=1))
        for way_id, refs, tags in ways:
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags, version=1))


def _osm_xml(nodes, ways) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    out += [f'<node id="{i}" version="1" lat="{y}" lon="{x}"/>' for i, (x, y) in nodes.items()]
    for way_id, refs, tags in ways:
        out.append(f'<way id="{way_id}" version="1">')
        out += [f'<nd ref="{r}"/>' for r in refs]
        out += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        out.append("</way>")
    return "\n".join(out + ["</osm>"])
