"""Policy versions: v1 and v1.1 both loadable, dated, hashed; their differences in words."""

from __future__ import annotations

from datetime import date

import pytest

from app.policies.changes import ChangeError, apply_changes


def test_versions_listed_with_dates_and_hashes(client, auth):
    """Both versions, oldest first, each with its adoption date and its own content hash."""
    response = client.get("/api/v1/policies", headers=auth("advisor"))
    assert response.status_code == 200
    versions = response.get_json()["versions"]
    assert [row["version"] for row in versions] == ["v1", "v1.1"]
    assert [row["adopted_on"] for row in versions] == ["2026-11-27", "2026-11-29"]
    assert [row["current"] for row in versions] == [False, True]
    assert versions[0]["content_hash"] != versions[1]["content_hash"]
    assert all(row["content_hash"].startswith("sha256:") for row in versions)


def test_versions_need_a_token(client):
    """Closed without a token."""
    assert client.get("/api/v1/policies").status_code == 401


def test_v1_is_v1_without_the_data_amendments(app):
    """v1 has v1's food-permit row, no other-food classes, no FDA renewal, and records its own label."""
    from app.policies.versions import load_version

    with app.app_context():
        v1, v11 = load_version("v1"), load_version("v1.1")
    assert v1.label == "v1" and v11.label == "v1.1"
    v1_ids = {entry.id for entry in v1.requirements}
    assert "PIRT#1" in v1_ids and "PIRT#2" not in v1_ids and "BPOM_MD#1" not in v1_ids
    assert "other_raw_food" not in v1.class_names and "other_raw_food" in v11.class_names
    assert v1.renewals == {} and "FDA_FFR" in v11.renewals
    gi = next(entry for entry in v1.requirements if entry.id == "GI#1")
    assert gi.region_match is None


def test_diff_in_words(client, auth):
    """The v1 → v1.1 difference names the entries, criteria, classes and parameters that changed."""
    response = client.get("/api/v1/policies/v1/diff/v1.1", headers=auth("advisor"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["from"]["version"] == "v1" and body["to"]["version"] == "v1.1"
    by_key = {(item["kind"], item["id"], item["change"]): item for item in body["changes"]}
    assert ("requirement", "PIRT#1", "removed") in by_key
    added = by_key[("requirement", "BPOM_MD#1", "added")]
    # In words, not codes: the severity, the market's and the certificate's names (Indonesian by default).
    assert "blocking" not in added["text"] and "Indonesia" in added["text"], added["text"]
    assert "Wajib" in added["text"] and "BPOM" in added["text"], added["text"]
    assert ("criterion", "DESA_DEVISA.raw_or_semi_processed_commodity", "changed") in by_key
    assert ("product_class", "other_raw_food", "added") in by_key
    renewals = by_key[("parameter", "renewals", "changed")]
    # Changed fields and parameters named in words, the code only in the item's field / id.
    assert "renewals" not in renewals["text"] and "perpanjangan" in renewals["text"], renewals["text"]
    changed = [item for item in body["changes"] if item["change"] == "changed" and item["field"]]
    assert all(f" {item['field']} " not in item["text"] for item in changed if "_" in item["field"])
    english = client.get(
        "/api/v1/policies/v1/diff/v1.1", headers={**auth("advisor"), "Accept-Language": "en"}
    ).get_json()["changes"]
    english_renewals = next(item for item in english if item["id"] == "renewals")
    assert "the renewal windows" in english_renewals["text"], english_renewals["text"]
    assert all(item["text"] for item in body["changes"])
    back = client.get("/api/v1/policies/v1.1/diff/v1", headers=auth("advisor")).get_json()["changes"]
    assert ("requirement", "PIRT#1", "added") in {(i["kind"], i["id"], i["change"]) for i in back}
    same = client.get("/api/v1/policies/v1.1/diff/v1.1", headers=auth("advisor")).get_json()
    assert same["changes"] == []


def test_diff_of_unknown_version_is_404(client, auth):
    """An unknown label is 404 in the one error shape."""
    response = client.get("/api/v1/policies/v9/diff/v1.1", headers=auth("advisor"))
    assert response.status_code == 404
    assert "v9" in response.get_json()["message"]


def test_changes_address_entries_criteria_and_parameters():
    """Each kind of change reaches its value; a change that names nothing is refused with its number."""
    documents = {
        "requirements.yaml": {"requirements": [{"id": "A#1", "severity": "major", "valid_from": None}]},
        "programmes.yaml": {
            "programmes": [{"code": "P", "criteria": [{"name": "c", "params": {"years": 2}}]}]
        },
        "thresholds.yaml": {"upcoming_window_months": {"value": 12}},
        "product_classes.yaml": {"classes": {"x": {"hs": ["01"]}}},
    }
    changed = apply_changes(
        documents,
        [
            {"requirement": "A#1", "set": {"severity": "blocking", "valid_from": date(2027, 1, 1)}},
            {"criterion": "P.c", "params": {"years": 3}},
            {"parameter": "thresholds.yaml:upcoming_window_months.value", "value": 6},
            {"product_class": "x", "remove": True},
        ],
    )
    assert changed["requirements.yaml"]["requirements"][0] == {
        "id": "A#1",
        "severity": "blocking",
        "valid_from": date(2027, 1, 1),
    }
    assert changed["programmes.yaml"]["programmes"][0]["criteria"][0]["params"] == {"years": 3}
    assert changed["thresholds.yaml"]["upcoming_window_months"]["value"] == 6
    assert changed["product_classes.yaml"]["classes"] == {}
    assert documents["thresholds.yaml"]["upcoming_window_months"]["value"] == 12  # the input is untouched
    with pytest.raises(ChangeError, match="change 2: no item 'NOPE#1'"):
        apply_changes(
            documents, [{"criterion": "P.c", "params": {}}, {"requirement": "NOPE#1", "remove": True}]
        )
