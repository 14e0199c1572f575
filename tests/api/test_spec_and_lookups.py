"""The OpenAPI spec says what responses really carry; strict booleans; HS look-up without LIKE wildcards."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def spec(app):
    """The served OpenAPI document."""
    return app.test_client().get("/api/v1/openapi.json").json


@pytest.mark.parametrize(
    "name", ["Error", "Assessment", "Gap", "Criterion", "ProgrammeResult", "Requirement"]
)
def test_responses_that_carry_more_keys_are_documented_as_open(spec, name):
    """409s carry `current`/`existing_case_id`, import 422s `report`, results `assumption`: not closed."""
    assert spec["components"]["schemas"][name].get("additionalProperties") is not False


@pytest.mark.parametrize("name", ["CaseCreate", "CommentCreate", "IkmProfile", "AssessmentRequest"])
def test_request_bodies_stay_closed(spec, name):
    """Unknown fields in a request are 422, and the spec says so."""
    assert spec["components"]["schemas"][name]["additionalProperties"] is False


@pytest.mark.parametrize("value", [1, 0, "true", "yes", None])
def test_internal_must_be_a_json_boolean(client, auth, value):
    """An integer or a string is not a boolean: 422 on `internal` (before any case is looked up)."""
    response = client.post(
        "/api/v1/cases/1/comments", json={"body": "Catatan.", "internal": value}, headers=auth("advisor")
    )
    assert response.status_code == 422, response.json
    assert "internal" in response.json["errors"]["json"]


@pytest.mark.parametrize("query", ["%", "_", "0%", "__", "%%%"])
def test_like_wildcards_in_the_hs_query_are_plain_characters(client, query):
    """`q=%` used to list every code: now only descriptions that hold the characters themselves match."""
    response = client.get("/api/v1/hs", query_string={"q": query, "limit": 100})
    assert response.status_code == 200
    codes = response.json["codes"]
    assert all(query.lower() in item["description"].lower() for item in codes), codes[:3]


def test_a_code_prefix_in_q_still_finds_codes(client):
    """The fix keeps `q=0901` working."""
    response = client.get("/api/v1/hs", query_string={"q": "0901"})
    assert response.status_code == 200
    assert response.json["codes"] and all(
        item["hs_code"].startswith("0901") for item in response.json["codes"]
    )
