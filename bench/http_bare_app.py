"""The bare Flask endpoint the HTTP comparison measures the service against (bench/http_compare.py).

POST /bare parses the JSON body and inserts one row (the body as text) into `bench_bare` of the same
database, with the same driver and pool as the service; nothing else (no auth, no validation, no engine).
Served as `gunicorn bench.http_bare_app:app` with the service's gunicorn settings.
"""

from __future__ import annotations

import json
import os

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

import config

engine = create_engine(config.normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
app = Flask(__name__)


@app.post("/bare")
def bare():
    """Parse the body, insert one row, answer 201 with its id."""
    body = request.get_json()
    with engine.begin() as connection:
        row_id = connection.execute(
            text("INSERT INTO bench_bare (payload) VALUES (:payload) RETURNING id"),
            {"payload": json.dumps(body)},
        ).scalar_one()
    return jsonify({"id": row_id}), 201


@app.get("/healthz")
def healthz():
    """Ready when the database answers."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})
