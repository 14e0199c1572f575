"""A case from submission to decision: statuses, reason codes, overrides, versions, assignment, comments."""

from __future__ import annotations

import pytest

from tests.profiles import gayo


def _post(client, case: dict, action: str, headers: dict, **body):
    """POST an action on a case with the version the client read."""
    return client.post(
        f"/api/v1/cases/{case['id']}/{action}", json={"version": case["version"], **body}, headers=headers
    )


def test_a_case_opens_on_the_latest_assessment_with_the_engines_route(client, gayo_ikm, open_case):
    """201: submitted, version 1, the engine's route and score, waiting 0 days, no flags."""
    case = open_case(gayo_ikm)
    assert case["status"] == "submitted" and case["version"] == 1
    assert case["ikm"]["id"] == gayo_ikm and case["programme_code"] == "PKE_UMKM"
    assert case["engine_route"] == "financial" == case["assessment"]["route"]
    assert case["assessment"]["score"] > 0
    assert case["days_waiting"] == 0 and not case["reminder"] and not case["stale"]
    assert case["decision"]["reason"] is None and case["assigned_to"] is None


def test_a_named_assessment_must_belong_to_the_ikm(client, gayo_ikm, polewali_ikm, admin):
    """assessment_id of another IKM is 422 on assessment_id."""
    other = client.post("/api/v1/assessments", json={"ikm_id": polewali_ikm}, headers=admin).json["id"]
    response = client.post(
        "/api/v1/cases",
        json={"ikm_id": gayo_ikm, "programme_code": "PKE_UMKM", "assessment_id": other},
        headers=admin,
    )
    assert response.status_code == 422 and "assessment_id" in response.json["errors"]["json"]


def test_an_unknown_programme_or_ikm_is_422_and_a_second_open_case_is_409(client, gayo_ikm, open_case, admin):
    """One open case per IKM and programme; the programme must be in the catalogue."""
    unknown = client.post("/api/v1/cases", json={"ikm_id": gayo_ikm, "programme_code": "NOPE"}, headers=admin)
    assert unknown.status_code == 422 and "programme_code" in unknown.json["errors"]["json"]
    missing = client.post("/api/v1/cases", json={"ikm_id": 424242, "programme_code": "KMKE"}, headers=admin)
    assert missing.status_code == 422 and "ikm_id" in missing.json["errors"]["json"]
    first = open_case(gayo_ikm)
    again = client.post(
        "/api/v1/cases", json={"ikm_id": gayo_ikm, "programme_code": "PKE_UMKM"}, headers=admin
    )
    assert again.status_code == 409 and again.json["existing_case_id"] == first["id"]
    assert open_case(gayo_ikm, "KMKE")["id"] != first["id"]


def test_starting_a_review_assigns_the_reviewer_and_bumps_the_version(client, gayo_ikm, open_case, staff):
    """submitted → in_review; the unassigned case goes to the reviewer."""
    case = open_case(gayo_ikm)
    response = _post(client, case, "review", staff.advisor.headers)
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "in_review" and body["version"] == 2
    assert body["assigned_to"]["id"] == staff.advisor.user.id and body["review_started_at"]


def test_a_stale_version_gets_409_with_the_current_state_and_changes_nothing(
    client, gayo_ikm, in_review, staff
):
    """Two advisors read version 2; the second write is refused with what the first one did."""
    case = in_review(gayo_ikm)
    first = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="Semua dokumen lengkap.",
    )
    assert first.status_code == 200 and first.json["version"] == 3
    second = _post(
        client,
        case,
        "decision",
        staff.supervisor.headers,
        status="rejected",
        reason_code="CREDIT_HISTORY",
        note="Ditolak.",
        override_reason="CREDIT_INFORMATION",
    )
    assert second.status_code == 409
    body = second.json
    assert body["code"] == 409 and "version" in body["errors"]["json"]
    assert body["current"]["version"] == 3 and body["current"]["status"] == "approved"
    assert body["current"]["decision"]["reason"]["code"] == "CRITERIA_MET"


def test_a_decision_needs_a_reason_from_the_list_and_a_note(client, gayo_ikm, in_review, staff):
    """Unknown reason codes, a reason of another outcome, or no note: 422 naming the field."""
    case = in_review(gayo_ikm)
    unknown = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="BECAUSE_I_SAID_SO",
        note="x",
    )
    wrong_outcome = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CREDIT_HISTORY",
        note="x",
    )
    no_note = _post(
        client, case, "decision", staff.advisor.headers, status="approved", reason_code="CRITERIA_MET"
    )
    empty_note = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="  ",
    )
    assert unknown.status_code == 422 and "reason_code" in unknown.json["errors"]["json"]
    assert wrong_outcome.status_code == 422 and "reason_code" in wrong_outcome.json["errors"]["json"]
    assert no_note.status_code == 422 and "note" in no_note.json["errors"]["json"]
    assert empty_note.status_code == 422 and "note" in empty_note.json["errors"]["json"]
    still = client.get(f"/api/v1/cases/{case['id']}", headers=staff.advisor.headers).json
    assert still["status"] == "in_review" and still["version"] == case["version"]


def test_a_decision_against_the_engines_route_is_an_override_and_needs_its_own_reason(
    client, gayo_ikm, in_review, staff
):
    """The engine routes Gayo to financing: rejecting it is an override, with a reason from the list."""
    case = in_review(gayo_ikm)
    without = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="rejected",
        reason_code="CREDIT_HISTORY",
        note="SLIK terbaru buruk.",
    )
    assert without.status_code == 422 and "override_reason" in without.json["errors"]["json"]
    bad_reason = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="rejected",
        reason_code="CREDIT_HISTORY",
        note="SLIK terbaru buruk.",
        override_reason="GUT_FEELING",
    )
    assert bad_reason.status_code == 422
    decided = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="rejected",
        reason_code="CREDIT_HISTORY",
        note="SLIK terbaru buruk.",
        override_reason="CREDIT_INFORMATION",
    )
    assert decided.status_code == 200, decided.json
    decision = decided.json["decision"]
    assert decided.json["status"] == "rejected" and decision["is_override"] is True
    assert (
        decision["override_reason"]["code"] == "CREDIT_INFORMATION"
        and decision["override_reason"]["label_en"]
    )
    assert decision["decided_by"]["id"] == staff.advisor.user.id and decision["note"] == "SLIK terbaru buruk."


def test_a_decision_that_follows_the_engine_is_not_an_override(client, gayo_ikm, in_review, staff):
    """Approving financing the engine found eligible needs no override reason; one sent anyway is refused
    (422 naming the field, nothing written) rather than dropped without a word."""
    case = in_review(gayo_ikm)
    decision = {"status": "approved", "reason_code": "CRITERIA_MET", "note": "OK"}
    refused = _post(
        client, case, "decision", staff.advisor.headers, **decision, override_reason="FIELD_VISIT_FINDINGS"
    )
    assert refused.status_code == 422 and "override_reason" in refused.json["errors"]["json"]
    unchanged = client.get(f"/api/v1/cases/{case['id']}", headers=staff.advisor.headers).json
    assert unchanged["status"] == "in_review"
    decided = _post(client, case, "decision", staff.advisor.headers, **decision)
    assert decided.status_code == 200
    assert (
        decided.json["decision"]["is_override"] is False
        and decided.json["decision"]["override_reason"] is None
    )


def test_approving_financing_the_engine_routed_elsewhere_is_an_override(client, admin, in_review, staff):
    """Credit status `loss` routes to non-financial support: approving PKE overrides the engine."""
    ikm_id = client.post("/api/v1/ikms", json=gayo(credit_status="loss"), headers=admin).json["id"]
    case = in_review(ikm_id)
    assert case["engine_route"] == "non_financial"
    response = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET_WITH_CONDITIONS",
        note="Kredit lama sudah lunas.",
        override_reason="NEWER_DOCUMENTS",
    )
    assert response.status_code == 200 and response.json["decision"]["is_override"] is True


def test_a_referral_names_a_non_financial_programme(client, admin, in_review, staff):
    """referred needs referred_programme_code, and it must be non-financial."""
    ikm_id = client.post("/api/v1/ikms", json=gayo(credit_status="loss"), headers=admin).json["id"]
    case = in_review(ikm_id)
    unnamed = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="referred",
        reason_code="NEEDS_CERTIFICATION",
        note="Perlu sertifikat.",
    )
    assert unnamed.status_code == 422 and "referred_programme_code" in unnamed.json["errors"]["json"]
    financial = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="referred",
        reason_code="NEEDS_CERTIFICATION",
        note="x",
        referred_programme_code="KMKE",
    )
    assert financial.status_code == 422 and "referred_programme_code" in financial.json["errors"]["json"]
    referred = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="referred",
        reason_code="NEEDS_CERTIFICATION",
        note="Ke Jasa Konsultasi.",
        referred_programme_code="JASA_KONSULTASI",
    )
    assert referred.status_code == 200
    assert referred.json["status"] == "referred"
    assert referred.json["decision"]["referred_programme_code"] == "JASA_KONSULTASI"
    assert referred.json["decision"]["is_override"] is False


def test_only_a_case_in_review_can_be_decided_and_a_decided_case_stays_decided(
    client, gayo_ikm, open_case, in_review, staff
):
    """Deciding a submitted case, or deciding twice, is 409 with the current state."""
    submitted = open_case(gayo_ikm, "KMKE")
    early = _post(
        client,
        submitted,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="x",
    )
    assert early.status_code == 409 and early.json["current"]["status"] == "submitted"
    case = in_review(gayo_ikm)
    done = _post(
        client,
        case,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="x",
    ).json
    again = _post(
        client,
        done,
        "decision",
        staff.advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="x",
    )
    assert again.status_code == 409 and again.json["current"]["status"] == "approved"


def test_an_advisor_decides_only_their_own_cases_a_supervisor_any(client, gayo_ikm, in_review, staff):
    """A case assigned to one advisor is 403 for another; the supervisor may decide it."""
    case = in_review(gayo_ikm)
    other = _post(
        client,
        case,
        "decision",
        staff.other_advisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="x",
    )
    assert other.status_code == 403
    supervisor = _post(
        client,
        case,
        "decision",
        staff.supervisor.headers,
        status="approved",
        reason_code="CRITERIA_MET",
        note="Diputuskan supervisor.",
    )
    assert supervisor.status_code == 200


@pytest.mark.parametrize("role", ["owner", "district", "province", "ministry"])
def test_only_lpei_staff_review_and_decide(client, gayo_ikm, open_case, in_review, auth, role):
    """Owners, regions and the ministry cannot start a review or decide (403)."""
    region = {"district": "11.17", "province": "11"}.get(role)
    headers = auth(role, region=region, ikm=gayo_ikm if role == "owner" else None)
    submitted = open_case(gayo_ikm, "KMKE")
    assert _post(client, submitted, "review", headers).status_code == 403
    case = in_review(gayo_ikm)
    response = _post(
        client, case, "decision", headers, status="approved", reason_code="CRITERIA_MET", note="x"
    )
    assert response.status_code == 403


def test_the_owner_withdraws_their_open_case_with_a_reason(client, gayo_ikm, open_case, auth, staff):
    """Withdrawal: owner's side, reason from the withdrawn list, note; then nothing more can happen."""
    owner = auth("owner", ikm=gayo_ikm)
    case = open_case(gayo_ikm, headers=owner)
    bad = _post(client, case, "withdrawal", owner, reason_code="CRITERIA_MET", note="x")
    assert bad.status_code == 422
    withdrawn = _post(client, case, "withdrawal", owner, reason_code="APPLICANT_WITHDREW", note="Belum siap.")
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    review = _post(client, withdrawn.json, "review", staff.advisor.headers)
    assert review.status_code == 409


def test_a_supervisor_assigns_and_reassigns_open_cases(client, gayo_ikm, open_case, staff, auth):
    """Assignment: supervisors only, to active advisors or supervisors, version-checked."""
    case = open_case(gayo_ikm)
    by_advisor = _post(client, case, "assignment", staff.advisor.headers, assignee_id=staff.advisor.user.id)
    assert by_advisor.status_code == 403
    assigned = _post(client, case, "assignment", staff.supervisor.headers, assignee_id=staff.advisor.user.id)
    assert assigned.status_code == 200 and assigned.json["assigned_to"]["id"] == staff.advisor.user.id
    stale = _post(
        client, case, "assignment", staff.supervisor.headers, assignee_id=staff.other_advisor.user.id
    )
    assert stale.status_code == 409
    reassigned = _post(
        client, assigned.json, "assignment", staff.supervisor.headers, assignee_id=staff.other_advisor.user.id
    )
    assert (
        reassigned.status_code == 200 and reassigned.json["assigned_to"]["id"] == staff.other_advisor.user.id
    )
    owner_user_id = client.get("/api/v1/me", headers=auth("owner")).json["id"]
    not_staff = _post(
        client, reassigned.json, "assignment", staff.supervisor.headers, assignee_id=owner_user_id
    )
    assert not_staff.status_code == 422 and "assignee_id" in not_staff.json["errors"]["json"]
    unassigned = _post(client, reassigned.json, "assignment", staff.supervisor.headers, assignee_id=None)
    assert unassigned.status_code == 200 and unassigned.json["assigned_to"] is None


def test_comments_internal_ones_only_for_staff(client, gayo_ikm, open_case, staff, auth):
    """Owners comment and read public comments; advisors add internal notes the owner never sees."""
    owner = auth("owner", ikm=gayo_ikm)
    case = open_case(gayo_ikm, headers=owner)
    path = f"/api/v1/cases/{case['id']}/comments"
    assert client.post(path, json={"body": "Sertifikat organik terlampir."}, headers=owner).status_code == 201
    assert client.post(path, json={"body": "x", "internal": True}, headers=owner).status_code == 403
    internal = client.post(
        path, json={"body": "Cek SLIK ulang.", "internal": True}, headers=staff.advisor.headers
    )
    assert internal.status_code == 201 and internal.json["author"]["id"] == staff.advisor.user.id
    seen_by_owner = [item["body"] for item in client.get(path, headers=owner).json["comments"]]
    seen_by_staff = [
        item["body"] for item in client.get(path, headers=staff.advisor.headers).json["comments"]
    ]
    assert seen_by_owner == ["Sertifikat organik terlampir."]
    assert seen_by_staff == ["Sertifikat organik terlampir.", "Cek SLIK ulang."]
    assert client.post(path, json={"body": ""}, headers=owner).status_code == 422


def test_the_reason_lists_are_published_in_both_languages(client, auth):
    """GET /cases/reasons: every outcome has codes with Indonesian and English labels."""
    body = client.get("/api/v1/cases/reasons", headers=auth("advisor")).json
    assert set(body["decisions"]) == {"approved", "referred", "rejected", "withdrawn"}
    for reasons in [*body["decisions"].values(), body["override_reasons"]]:
        assert reasons and all(item["code"] and item["label_id"] and item["label_en"] for item in reasons)
