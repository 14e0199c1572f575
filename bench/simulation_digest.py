"""sha256 of the simulation service's result documents (timings left out) for the requests of
bench/simulation_same.py, with the tree in the current directory (base or branch)."""

import hashlib
import json
import os
import sys
from datetime import date

sys.path.insert(0, os.getcwd())
sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))
from simulation_same import REQUESTS as SAME_REQUESTS

from app import create_app

# simulation_same's requests, with its province filter fixed to Jawa Tengah (33).
REQUESTS = [*SAME_REQUESTS, {"compare_version": "v1", "as_of": date(2026, 11, 29), "province": "33"}]
app = create_app()
with app.app_context():
    from app.simulation.service import prepare, simulate

    for request in REQUESTS:
        result = simulate(prepare(dict(request)))
        result.pop("timings")
        text = json.dumps(result, sort_keys=True, default=str)
        print(f"{len(text):,} bytes, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
