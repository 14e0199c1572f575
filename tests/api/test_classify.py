"""POST /api/v1/hs/classify: contract shape, validation (422), honest scores, keyword fallback."""

from __future__ import annotations

import pytest

URL = "/api/v1/hs/classify"
COMMODITIES = {"coffee", "cocoa", "spices", "crafts", "other"}


def test_contract_example_returns_ranked_candidates(client):
    response = client.post(URL, json={"description": "dompet anyaman mendong", "limit": 3})
    assert response.status_code == 200
    body = response.get_json()
    candidates = body["candidates"]
    assert len(candidates) == 3
    assert candidates[0]["hs_code"] == "460219"
    assert candidates[0]["commodity"] == "crafts"
    for candidate in candidates:
        assert set(candidate) >= {"hs_code", "description", "commodity", "score"}
        assert len(candidate["hs_code"]) == 6 and candidate["commodity"] in COMMODITIES
        assert 0.0 <= candidate["score"] <= 1.0
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
    assert body["model_version"].startswith(("hs-classifier/", "hs-keyword/"))


def test_limit_defaults_to_three_and_goes_up_to_twenty(client):
    assert len(client.post(URL, json={"description": "kopi bubuk"}).get_json()["candidates"]) == 3
    assert (
        len(client.post(URL, json={"description": "kopi bubuk", "limit": 20}).get_json()["candidates"]) == 20
    )


def test_processing_state_words_change_the_answer(client):
    codes = [
        client.post(URL, json={"description": text}).get_json()["candidates"][0]["hs_code"]
        for text in ("kopi bubuk", "kopi biji mentah", "kopi instan")
    ]
    assert codes[0][:4] == "0901" and codes[1][:4] == "0901" and codes[0] != codes[1]
    assert codes[2][:4] == "2101"


def test_garbage_gets_a_low_flagged_score(client):
    body = client.post(URL, json={"description": "asdf qwerty"}).get_json()
    assert body["low_confidence"] is True
    assert all(candidate["score"] < 0.4 for candidate in body["candidates"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 501}, "description"),
        ({"description": 42}, "description"),
        ({"description": "kopi", "limit": 0}, "limit"),
        ({"description": "kopi", "limit": 21}, "limit"),
        ({"description": "kopi", "limit": "3"}, "limit"),
        ({"description": "kopi", "limit": 2.5}, "limit"),
        ({"description": "kopi", "limit": True}, "limit"),
    ],
)
def test_invalid_bodies_are_422_with_the_field_named(client, payload, field):
    response = client.post(URL, json=payload)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422
    assert field in body["errors"]["json"]


def test_without_a_trained_model_the_keyword_fallback_answers_modestly(tmp_path):
    from app import create_app

    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "ML_MODELS_DIR": tmp_path / "no-models",
            "RATELIMIT_ENABLED": False,
        }
    )
    body = application.test_client().post(URL, json={"description": "kopi robusta sangrai giling"}).get_json()
    assert body["model_version"] == "hs-keyword/1"
    assert body["candidates"][0]["hs_code"] == "090121"
    assert body["candidates"][0]["score"] <= 0.6
    assert application.test_client().post(URL, json={"description": "asdf"}).get_json() == {
        "candidates": [],
        "model_version": "hs-keyword/1",
        "low_confidence": True,
        "confident": False,
        "abstain_threshold": 0.5,
        "choices": [],
    }


def test_an_unsure_answer_says_so_and_offers_the_top_three_with_descriptions(client):
    body = client.post(URL, json={"description": "kerajinan unik dari desa", "limit": 1}).get_json()
    assert body["confident"] is False and body["low_confidence"] is True
    assert len(body["candidates"]) == 1
    assert len(body["choices"]) == 3
    assert body["choices"][0] == body["candidates"][0]
    assert all(choice["description"] and len(choice["hs_code"]) == 6 for choice in body["choices"])
    assert body["choices"][0]["score"] < body["abstain_threshold"]


def test_a_confident_answer_offers_no_choices(client):
    body = client.post(URL, json={"description": "dompet anyaman mendong"}).get_json()
    assert body["confident"] is True and body["low_confidence"] is False
    assert body["choices"] == []
    assert body["candidates"][0]["score"] >= body["abstain_threshold"]
