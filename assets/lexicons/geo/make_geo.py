#!/usr/bin/env python3
"""Regenerates provinces.tsv, districts.tsv and subdistricts.tsv from the PyPI package `geothai`
(data: CC-BY-4.0, GeoThai/data, from the Department of Provincial Administration registry).

Usage: pip download geothai==3.2.1 --no-deps -d /tmp/g && unzip -o /tmp/g/geothai-*.whl -d /tmp/g/w
       python3 make_geo.py /tmp/g/w/geothai/_data
"""
import json, os, sys

src = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
for name in ("provinces", "districts", "subdistricts"):
    rows = json.load(open(os.path.join(src, name + ".json"), encoding="utf-8"))
    with open(os.path.join(here, name + ".tsv"), "w", encoding="utf-8") as out:
        out.write(f"# {name} of Thailand: DOPA code, Thai name. Source: geothai 3.2.1 (CC-BY-4.0 data).\n")
        for row in rows:
            code, th = row[0], row[1]
            # Bangkok's districts carry the word เขต in the registry; dictation says it as the marker.
            if name == "districts" and th.startswith("เขต"):
                th = th[len("เขต"):]
            out.write(f"{code}\t{th}\n")
