"""sha256 of the simulation service's result documents (timings left out) for the requests of
bench/simulation_same.py, with the tree in the current directory (base or branch)."""

import hashlib
import json
import os
import sys
from datetime import date

sys.path.insert(0, os.getcwd())
from app import create_app

REQUESTS = [
    {"compare_version": "v1", "as_of": date(2026, 11, 29), "examples": 25},
    {
        "changes": [{"requirement": "EUDR_GEO#1", "set": {"valid_from": "2028-12-30"}}],
        "as_of": date(2027, 7, 1),
    },
    {"as_of": date(2026, 11, 29), "compare_as_of": date(2026, 12, 30), "examples": 25},
    {"compare_version": "v1", "as_of": date(2026, 11, 29), "commodity": "coffee", "size_class": "small"},
    {"compare_version": "v1", "as_of": date(2026, 11, 29), "province": "33"},
]
app = create_app()
with app.app_context():
    from app.simulation.service import prepare, simulate

    for request in REQUESTS:
        result = simulate(prepare(dict(request)))
        result.pop("timings")
        text = json.dumps(result, sort_keys=True, default=str)
        print(f"{len(text):,} bytes, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
