"""JSON responses are encoded by orjson (app.api.OrjsonResponses) with the values Flask's encoder gives."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider

from tests.profiles import gayo


@dataclasses.dataclass
class _Pair:
    number: int
    day: date


def test_orjson_responses_carry_the_values_flask_gives_with_sorted_keys(app):
    """Dates (HTTP dates, as Flask writes them), decimals, UUIDs, dataclasses, int keys, non-ASCII text and
    integers beyond 64 bits: the same JSON values; compact, keys sorted; raw UTF-8 instead of escapes."""
    flask_own = DefaultJSONProvider(app)
    documents = [
        {"b": 1, "a": [1.5, None, True, "Né\u2028"], "c": {"z": 1, "y": 2}},
        {3: "x", 1: 2},
        {"day": date(2026, 1, 2), "at": datetime(2026, 1, 2, 3, 4, 5), "amount": Decimal("1.50")},
        {"id": uuid.UUID(int=5), "pair": _Pair(1, date(2026, 1, 1))},
        {"big": 2**70, "small": 1e-7},
    ]
    with app.app_context():
        for document in documents:
            ours, theirs = app.json.response(document), flask_own.response(document)
            assert json.loads(ours.get_data()) == json.loads(theirs.get_data())
            assert ours.mimetype == theirs.mimetype == "application/json"
        body = app.json.response(documents[0]).get_data()
        assert body == '{"a":[1.5,null,true,"Né\u2028"],"b":1,"c":{"y":2,"z":1}}\n'.encode()


def test_an_assessment_response_is_the_document_flask_would_encode(app, client):
    """The endpoint's body decodes to the same assessment Flask's encoder writes for the stored document,
    compact."""
    from app.extensions import db
    from app.models import Assessment
    from app.services.assessments import assessment_as_dict

    response = client.post("/api/v1/assessments", json={"profile": gayo(), "as_of": "2026-11-27"})
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    assert text.endswith("}\n") and ": " not in text[:200]
    with app.app_context():
        stored = assessment_as_dict(db.session.get(Assessment, response.json["id"]))
        flask_text = DefaultJSONProvider(app).dumps(stored)
    assert json.loads(text) == json.loads(flask_text)
