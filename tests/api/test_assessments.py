"""POST /api/v1/assessments and the read endpoints, as in contract.md."""

from __future__ import annotations

import orjson
import pytest

from tests.profiles import gayo

KEYS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS


@pytest.fixture
def client(client, auth):
    """Requests here come from an admin token; who may see what is tested in tests/auth/."""
    client.environ_base["HTTP_AUTHORIZATION"] = auth("admin")["Authorization"]
    return client


CONTRACT_FIELDS = {
    "id",
    "as_of",
    "policy_version",
    "model_version",
    "status",
    "missing_fields",
    "readiness",
    "size_class",
    "products",
    "gaps",
    "programmes",
    "route",
    "review_required",
    "review_reasons",
    "trace",
}


def test_an_inline_profile_is_assessed_and_stored_with_the_contract_shape(client):
    """The contract's example: 201 with every documented field, stored and readable by id."""
    response = client.post("/api/v1/assessments", json={"profile": gayo(), "as_of": "2026-11-27"})
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) >= CONTRACT_FIELDS
    assert body["as_of"] == "2026-11-27" and body["policy_version"] == "v1.1"
    assert body["size_class"] == "small"
    assert set(body["readiness"]["dimensions"]) == {
        "compliance",
        "capacity",
        "quality",
        "management",
        "market",
        "digital",
    }
    eudr = [gap for gap in body["gaps"] if gap["requirement"] == "EUDR_GEO" and gap["market"] == "DE"]
    assert eudr and eudr[0]["severity"] == "upcoming" and eudr[0]["applies_from"] == "2027-06-30"
    assert eudr[0]["days_left"] == 215
    fda = [gap for gap in body["gaps"] if gap["requirement"] == "FDA_FFR" and gap["market"] == "US"]
    assert fda and fda[0]["severity"] == "blocking"
    assert body["products"][0] == {
        **body["products"][0],
        "hs_code": "090111",
        "commodity": "coffee",
        "hs_source": "given",
    }
    stored = client.get(f"/api/v1/assessments/{body['id']}").json
    assert stored["readiness"] == body["readiness"] and stored["gaps"] == body["gaps"]


def test_a_stored_ikm_is_assessed_by_id_and_its_history_is_newest_first(client):
    """`ikm_id` instead of a profile; GET /ikms/<id>/assessments lists them newest first."""
    ikm_id = client.post("/api/v1/ikms", json=gayo()).json["id"]
    first = client.post("/api/v1/assessments", json={"ikm_id": ikm_id, "as_of": "2026-11-27"}).json
    second = client.post("/api/v1/assessments", json={"ikm_id": ikm_id, "as_of": "2027-07-01"}).json
    assert first["ikm_id"] == ikm_id and second["ikm_id"] == ikm_id
    history = client.get(f"/api/v1/ikms/{ikm_id}/assessments").json["assessments"]
    # Registering the IKM assessed it too (as of today), so the history holds three.
    assert len(history) == 3 and history[0]["id"] == second["id"]
    assert [item["id"] for item in history if item["id"] != history[0]["id"]].index(first["id"]) >= 0
    eudr_after = [gap for gap in second["gaps"] if gap["requirement"] == "EUDR_GEO"]
    assert eudr_after and eudr_after[0]["severity"] == "blocking"


def test_an_inline_assessment_stores_the_row_the_ikm_path_stores(app, client):
    """The self-check's row (one Core INSERT) has every column `store_assessment` writes for the same result,
    and its id is the one answered."""
    from datetime import date

    from sqlalchemy import select

    from app.extensions import db
    from app.models import Assessment
    from app.services import assessments

    body = client.post("/api/v1/assessments", json={"profile": gayo(), "as_of": "2026-11-27"}).json
    with app.app_context():
        stored = db.session.get(Assessment, body["id"])
        profile = stored.profile_snapshot
        result = assessments.evaluate(profile, date(2026, 11, 27), with_what_if=False)
        assert result == {key: value for key, value in body.items() if key not in ("id", "ikm_id")}
        via_orm = assessments.store_assessment(profile, result, created_by_id=stored.created_by_id)
        db.session.commit()
        columns = [
            column.key for column in Assessment.__table__.columns if column.key not in ("id", "created_at")
        ]
        rows = db.session.execute(select(Assessment).where(Assessment.id.in_([stored.id, via_orm.id])))
        first, second = (row[0] for row in rows)
        assert {key: getattr(first, key) for key in columns} == {key: getattr(second, key) for key in columns}
        assert stored.created_by_id is not None and stored.result == result


def test_a_request_with_both_or_neither_profile_and_ikm_id_gets_422(client):
    """Exactly one of `profile` and `ikm_id`."""
    neither = client.post("/api/v1/assessments", json={"as_of": "2026-11-27"})
    both = client.post("/api/v1/assessments", json={"profile": gayo(), "ikm_id": 1})
    for response in (neither, both):
        assert response.status_code == 422 and "profile" in response.json["errors"]["json"]


def test_an_invalid_inline_profile_names_the_nested_field_and_stores_nothing(client):
    """Validation errors are keyed by the full path inside the body."""
    response = client.post("/api/v1/assessments", json={"profile": gayo(region_code="99.99")})
    assert response.status_code == 422
    assert "region_code" in response.json["errors"]["json"]["profile"]
    assert client.get("/api/v1/assessments/1").status_code == 404


def test_profile_errors_are_the_schemas_own_messages_at_their_full_paths(client):
    """The profile is checked by the schema's compiled check; what it refuses is answered with the schema's
    messages, keyed as marshmallow keys them (list items by index) under `json.profile`."""
    from app.schemas.ikm import IkmProfileSchema

    profile = gayo(region_code="99.99", employees=-1, target_markets=["DE", "XX"], surplus=1)
    profile["products"][0]["hs_code"] = "999999"
    profile["certifications"] = [{"code": "NOPE", "valid_until": "2027-02-30"}]
    response = client.post("/api/v1/assessments", json={"profile": profile, "as_of": "2026-11-27"})
    expected = IkmProfileSchema().validate(profile)
    assert response.status_code == 422 and response.json["code"] == 422
    assert response.json["errors"] == {"json": {"profile": orjson.loads(orjson.dumps(expected, option=KEYS))}}
    assert set(response.json["errors"]["json"]["profile"]["products"]["0"]) == {"hs_code"}


def test_an_accepted_profile_is_stored_in_json_style(app, client):
    """Values the schema converts are stored converted (dates as ISO text, trimmed names, booleans), as the
    engine reads them."""
    from app.extensions import db
    from app.models import Assessment

    profile = gayo(name="  Kopi Gayo  ", founded_on="20120315", founded_year=2012)
    profile["practices"] = {"bookkeeping": "yes", "email": False}
    response = client.post("/api/v1/assessments", json={"profile": profile, "as_of": "2026-11-27"})
    assert response.status_code == 201
    with app.app_context():
        snapshot = db.session.get(Assessment, response.json["id"]).profile_snapshot
    assert snapshot["name"] == "Kopi Gayo" and snapshot["founded_on"] == "2012-03-15"
    assert snapshot["practices"] == {"bookkeeping": True, "email": False}


def test_an_unknown_ikm_or_assessment_is_404(client):
    """Missing ids answer 404 in the error shape."""
    assert client.post("/api/v1/assessments", json={"ikm_id": 424242}).status_code == 404
    assert client.get("/api/v1/assessments/424242").status_code == 404
    assert client.get("/api/v1/ikms/424242/assessments").status_code == 404


def test_a_product_without_hs_code_is_classified_and_marked_so(client):
    """The service classifies a description when the HS code is absent."""
    profile = gayo(
        products=[
            {
                "description": "Kopi robusta sangrai bubuk 250 gr",
                "monthly_capacity": 500,
                "capacity_unit": "kg",
            }
        ]
    )
    body = client.post("/api/v1/assessments", json={"profile": profile, "as_of": "2026-11-27"}).json
    product = body["products"][0]
    assert product["hs_source"] in {"model", "keyword"} and product["hs_code"]
    assert 0 <= product["hs_score"] <= 1


def test_requirements_for_roasted_coffee_to_the_us_include_fda_registration(client):
    """GET /requirements answers the contract's shape."""
    body = client.get("/api/v1/requirements?hs_code=090121&market=US&as_of=2026-11-27").json
    codes = {item["requirement"]: item for item in body["requirements"]}
    assert codes["FDA_FFR"]["severity"] == "blocking" and codes["FDA_FFR"]["applies_from"] is None
    assert codes["FDA_FFR"]["source"]


def test_requirements_refuse_unknown_codes_with_422(client):
    """Bad HS codes and markets name the field."""
    bad_hs = client.get("/api/v1/requirements?hs_code=090199&market=US")
    assert bad_hs.status_code == 422 and "hs_code" in bad_hs.json["errors"]["query"]
    bad_market = client.get("/api/v1/requirements?hs_code=090121&market=XX")
    assert bad_market.status_code == 422 and "market" in bad_market.json["errors"]["query"]
    assert client.get("/api/v1/requirements?market=US").status_code == 422


def test_the_programme_catalogue_lists_the_eight_programmes_with_sources(client):
    """GET /programmes lists the four financial and four non-financial programmes."""
    programmes = client.get("/api/v1/programmes").json["programmes"]
    by_type = {}
    for programme in programmes:
        by_type.setdefault(programme["type"], set()).add(programme["code"])
        assert programme["source"]
    assert by_type["financial"] == {"PKE_UMKM", "TRADE_FINANCE", "KMKE", "EXPORT_GUARANTEE"}
    assert by_type["non_financial"] == {"JASA_KONSULTASI", "CPNE", "DESA_DEVISA", "BUSINESS_MATCHING"}


def test_what_if_comes_with_include_or_on_demand_and_the_two_agree(app, client):
    """POST answers without what-if unless `?include=what_if` (then it is stored too); GET …/what-if gives
    the stored options, or re-runs the rules on the stored profile (a classified product included), and the
    two ways give the same options."""
    profile = gayo()
    profile["products"].append({"description": "kopi arabika sangrai bubuk"})  # classified by the service
    body = {"profile": profile, "as_of": "2026-11-27"}
    plain = client.post("/api/v1/assessments", json=body)
    asked = client.post("/api/v1/assessments?include=what_if", json=body)
    assert plain.status_code == asked.status_code == 201
    assert "what_if" not in plain.json
    assert "what_if" not in client.get(f"/api/v1/assessments/{plain.json['id']}").json
    assert asked.json["what_if"], "the Gayo profile has options"
    assert client.get(f"/api/v1/assessments/{asked.json['id']}").json["what_if"] == asked.json["what_if"]
    same = {key: value for key, value in asked.json.items() if key not in ("id", "what_if")}
    assert {key: value for key, value in plain.json.items() if key != "id"} == same
    for stored in (plain.json, asked.json):
        response = client.get(f"/api/v1/assessments/{stored['id']}/what-if")
        assert response.status_code == 200, response.json
        assert response.json == {
            "id": stored["id"],
            "as_of": "2026-11-27",
            "policy_version": stored["policy_version"],
            "what_if": asked.json["what_if"],
        }
    assert client.post("/api/v1/assessments?include=trace", json=body).status_code == 422


def test_what_if_on_demand_is_refused_when_it_could_not_be_computed_as_assessed(app, client):
    """An anonymous self-check gets what-if with its answer (it cannot fetch it later), stored with it; 409
    for a profile stored without personal data and without what-if (the rules read its NIB) and for an
    assessment whose policy's files changed since."""
    from app.extensions import db
    from app.models import Assessment

    body = {"profile": gayo(), "as_of": "2026-11-27"}
    anonymous = app.test_client()
    answered = anonymous.post("/api/v1/assessments", json=body).json
    assert answered["what_if"], "the Gayo profile has options"
    assert (
        anonymous.post("/api/v1/assessments?include=what_if", json=body).json["what_if"]
        == answered["what_if"]
    )
    stored = client.get(f"/api/v1/assessments/{answered['id']}/what-if")
    assert stored.status_code == 200 and stored.json["what_if"] == answered["what_if"]
    with app.app_context():
        row = db.session.get(Assessment, answered["id"])
        row.result = {key: value for key, value in row.result.items() if key != "what_if"}
        db.session.commit()
    assert client.get(f"/api/v1/assessments/{answered['id']}/what-if").status_code == 409
    stored_id = client.post("/api/v1/assessments", json=body).json["id"]
    with app.app_context():
        row = db.session.get(Assessment, stored_id)
        row.result = {**row.result, "policy_hash": "changed"}
        db.session.commit()
    response = client.get(f"/api/v1/assessments/{stored_id}/what-if")
    assert response.status_code == 409 and "policy" in response.json["message"]


def test_pages_show_the_what_if_of_an_assessment_stored_without_it(app, client):
    """The owner's and case pages read stored assessments: one stored without what-if gets it computed."""
    from app.extensions import db
    from app.models import Assessment
    from app.services import assessments

    ikm_id = client.post("/api/v1/ikms", json=gayo()).json["id"]
    body = {"ikm_id": ikm_id, "as_of": "2026-11-27"}
    plain = client.post("/api/v1/assessments", json=body).json
    asked = client.post("/api/v1/assessments?include=what_if", json=body).json
    with app.app_context():
        document = assessments.assessment_for_pages(db.session.get(Assessment, plain["id"]))
    assert asked["what_if"] and document["what_if"] == asked["what_if"]
    assert {key: value for key, value in document.items() if key != "id"} == {
        key: value for key, value in asked.items() if key != "id"
    }
