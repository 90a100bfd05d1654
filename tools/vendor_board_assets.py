"""Vendor the board's static assets from npm registry tarballs (run by hand; the results are committed).

    npm pack leaflet@1.9.4 world-atlas@2.0.2      # in an empty folder
    python tools/vendor_board_assets.py FOLDER

Leaflet (BSD-2-Clause) is copied as shipped (dist/leaflet.js, leaflet.css, images, LICENSE). The
Ukraine outline is the `Ukraine` feature of world-atlas's countries-50m.json (ISC; Natural Earth
4.1.0 admin-0 boundaries, public domain) decoded from TopoJSON to a GeoJSON Feature, Crimea
included (internationally recognised borders).
"""

from __future__ import annotations

import json
import shutil
import sys
import tarfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "workers" / "board" / "static" / "vendor"


def _arc_points(topology: dict, index: int) -> list[list[float]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arc = topology["arcs"][index if index >= 0 else ~index]
    x = y = 0
    points = []
    for dx, dy in arc:
        x, y = x + dx, y + dy
        points.append([round(x * sx + tx, 5), round(y * sy + ty, 5)])
    return points if index >= 0 else points[::-1]


def _ring(topology: dict, arcs: list[int]) -> list[list[float]]:
    ring: list[list[float]] = []
    for i, index in enumerate(arcs):
        pts = _arc_points(topology, index)
        ring.extend(pts if i == 0 else pts[1:])
    return ring


def topo_feature(topology: dict, name: str) -> dict:
    """The named country of a world-atlas topology as a GeoJSON Feature (MultiPolygon)."""
    for geom in topology["objects"]["countries"]["geometries"]:
        if geom.get("properties", {}).get("name") == name:
            polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
            coords = [[_ring(topology, ring) for ring in poly] for poly in polys]
            return {"type": "Feature", "properties": {"name": name, "source": "Natural Earth 4.1.0 via world-atlas 2.0.2"},
                    "geometry": {"type": "MultiPolygon", "coordinates": coords}}
    raise KeyError(name)


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[-1:] + ring[:-1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


SIMFEROPOL = (34.10, 44.95)


def ukraine_outline(topology: dict) -> dict:
    """Ukraine within its internationally recognised borders: Natural Earth 4.1.0 draws Crimea inside
    Russia's polygons (its de-facto line), so the Crimean polygon is taken from there and added."""
    ukraine = topo_feature(topology, "Ukraine")
    crimea = [p for p in topo_feature(topology, "Russia")["geometry"]["coordinates"] if _inside(SIMFEROPOL, p[0])]
    ukraine["geometry"]["coordinates"].extend(crimea)
    ukraine["properties"]["note"] = "Crimea added from the Russia feature (internationally recognised borders)"
    return ukraine


def main(folder: Path) -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "leaflet-1.9.4.tgz") as tar:
        members = {m.name: m for m in tar.getmembers()}
        out = VENDOR / "leaflet"
        if out.exists():
            shutil.rmtree(out)
        for name in ("package/dist/leaflet.js", "package/dist/leaflet.css", "package/LICENSE",
                     *[n for n in members if n.startswith("package/dist/images/")]):
            data = tar.extractfile(members[name]).read()  # type: ignore[union-attr]
            target = out / name.removeprefix("package/").removeprefix("dist/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    with tarfile.open(folder / "world-atlas-2.0.2.tgz") as tar:
        topology = json.load(tar.extractfile("package/countries-50m.json"))  # type: ignore[arg-type]
        licence = tar.extractfile("package/LICENSE").read()  # type: ignore[union-attr]
    out = VENDOR / "ukraine"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ukraine.geojson").write_text(json.dumps(ukraine_outline(topology), separators=(",", ":")))
    (out / "LICENSE-world-atlas").write_bytes(licence)
    (out / "NOTICE").write_text("Ukraine outline: Natural Earth 4.1.0 admin-0 country boundaries, 1:50m "
                                "(public domain, naturalearthdata.com), from the npm package world-atlas 2.0.2 "
                                "(ISC, licence beside this file), decoded from TopoJSON by "
                                "tools/vendor_board_assets.py. Natural Earth 4.1.0 draws Crimea inside "
                                "Russia's polygons; its polygon is moved to the Ukraine outline here "
                                "(internationally recognised borders).\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
