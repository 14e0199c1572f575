"""Simulations as jobs in the embedded mode: counts that agree with the single-profile engine, role views,
nothing stored, 422 for changes that do not fit, the CLI."""

from __future__ import annotations

from datetime import date

from tests.jobs.conftest import AS_OF, count_assessments, wait_for

EUDR_LATER = [{"requirement": "EUDR_GEO#1", "set": {"valid_from": "2028-12-30"}}]


def _simulate(client, headers, body):
    response = client.post("/api/v1/simulations", json=body, headers=headers)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    assert job["kind"] == "simulation" and job["backend"] == "embedded"
    return job["id"]


def _expected_route_changes(app, as_of, other_as_of, changes):
    """Route changes counted IKM by IKM with the single-profile engine (not the vectorised path)."""
    from app.engine import assess
    from app.policies.versions import current_policy, with_changes
    from app.simulation.population import load_population

    with app.app_context():
        base = current_policy()
        other = with_changes(base.label, changes) if changes else base
        population = load_population()
        return sum(
            assess(profile, as_of, base, with_what_if=False)["route"]
            != assess(profile, other_as_of, other, with_what_if=False)["route"]
            for profile in population.profiles
        )


def test_simulation_of_a_later_eudr_date(app, client, auth, population):
    """Moving EUDR's date: counts match the single-profile engine, examples name the EUDR gap, nothing is
    stored, the ministry sees suppressed aggregates only."""
    staff = auth("supervisor")
    before = count_assessments(app)
    job_id = _simulate(client, staff, {"changes": EUDR_LATER, "as_of": "2027-07-01", "examples": 5})
    job = wait_for(app, job_id)
    assert job.status == "succeeded", job.error
    assert count_assessments(app) == before

    status = client.get(f"/api/v1/jobs/{job_id}", headers=staff).get_json()
    assert status["progress"] == 100 and status["result_url"] == f"/api/v1/jobs/{job_id}/result"
    result = client.get(status["result_url"], headers=staff).get_json()
    assert result["totals"]["ikm"] == population
    assert result["totals"]["route_changed"] == _expected_route_changes(
        app, date(2027, 7, 1), date(2027, 7, 1), EUDR_LATER
    )
    assert result["totals"]["unblocked"] > 0 and result["totals"]["newly_blocked"] == 0
    eudr = next(entry for entry in app.extensions["policy"].requirements if entry.id == "EUDR_GEO#1")
    assert result["markets"] and {row["market"] for row in result["markets"]} <= eudr.markets
    assert sum(row["ikm"] for row in result["breakdown"]) == population
    assert result["examples"] and not result["suppressed"]
    gone = [gap for ex in result["examples"] for gap in ex["blocking_gaps_disappearing"]]
    assert any(gap["requirement"] == "EUDR_GEO" and gap["market"] in eudr.markets for gap in gone)

    ministry = auth("ministry")
    # The ministry may not read another user's job; it reads its own simulation, suppressed.
    assert client.get(f"/api/v1/jobs/{job_id}/result", headers=ministry).status_code == 403
    own = _simulate(client, ministry, {"changes": EUDR_LATER, "as_of": "2027-07-01"})
    assert wait_for(app, own).status == "succeeded"
    hidden = client.get(f"/api/v1/jobs/{own}/result", headers=ministry).get_json()
    assert hidden["suppressed"] is True and hidden["examples"] == []
    cells = [row["ikm"] for row in hidden["breakdown"]]
    assert "<5" in cells and all(cell == "<5" or cell == 0 or cell >= 5 for cell in cells)


def _expected_requirement_changes(app, as_of, changes) -> dict[str, dict[str, int]]:
    """Per requirement, IKM whose blocking gap for it appears / disappears, by the single-profile engine."""
    from app.engine import assess
    from app.policies.versions import current_policy, with_changes
    from app.simulation.population import load_population

    def blocking(result) -> set[str]:
        return {gap["requirement"] for gap in result["gaps"] if gap["severity"] == "blocking"}

    counts: dict[str, dict[str, int]] = {}
    with app.app_context():
        base = current_policy()
        other = with_changes(base.label, changes)
        for profile in load_population().profiles:
            was = blocking(assess(profile, as_of, base, with_what_if=False))
            now = blocking(assess(profile, as_of, other, with_what_if=False))
            for key, found in (("appearing", now - was), ("disappearing", was - now)):
                for code in found:
                    counts.setdefault(code, {"appearing": 0, "disappearing": 0})[key] += 1
    return counts


def test_blocking_gaps_by_requirement(app, client, auth, population):
    """Which requirements' blocking gaps appear or disappear, overall and per province × commodity × size
    class, agree with the single-profile engine; with their names; suppressed for the ministry."""
    changes = [*EUDR_LATER, {"requirement": "HALAL#1", "set": {"severity": "blocking"}}]
    staff = auth("supervisor")
    job_id = _simulate(client, staff, {"changes": changes, "as_of": "2027-07-01"})
    assert wait_for(app, job_id).status == "succeeded"
    result = client.get(f"/api/v1/jobs/{job_id}/result", headers=staff).get_json()
    expected = _expected_requirement_changes(app, date(2027, 7, 1), changes)
    found = {
        row["requirement"]: {key: row[key] for key in ("appearing", "disappearing")}
        for row in result["requirements"]
    }
    assert found == expected and expected["EUDR_GEO"]["disappearing"] > 0
    eudr = next(row for row in result["requirements"] if row["requirement"] == "EUDR_GEO")
    assert eudr["name_en"] != "EUDR_GEO" and eudr["name_id"]
    per_cell: dict[str, dict[str, int]] = {}
    for row in result["requirement_breakdown"]:
        assert row["province"] and row["commodity"] and row["size_class"]
        for key in ("appearing", "disappearing"):
            per_cell.setdefault(row["requirement"], {"appearing": 0, "disappearing": 0})[key] += row[key]
    assert per_cell == expected
    assert result["totals"]["blocking_gap_disappeared"] >= expected["EUDR_GEO"]["disappearing"]

    ministry = auth("ministry")
    own = _simulate(client, ministry, {"changes": changes, "as_of": "2027-07-01"})
    assert wait_for(app, own).status == "succeeded"
    hidden = client.get(f"/api/v1/jobs/{own}/result", headers=ministry).get_json()
    for key in ("requirements", "requirement_breakdown"):
        assert len(hidden[key]) == len(result[key])
        for shown, real in zip(hidden[key], result[key], strict=True):
            for field in ("appearing", "disappearing"):
                assert shown[field] == ("<5" if 0 < real[field] < 5 else real[field])


def test_same_policy_on_a_second_date(app, client, auth, population):
    """compare_as_of: the same policy on two dates; matches the single-profile engine."""
    staff = auth("advisor")
    job_id = _simulate(client, staff, {"as_of": AS_OF.isoformat(), "compare_as_of": "2026-12-30"})
    assert wait_for(app, job_id).status == "succeeded"
    result = client.get(f"/api/v1/jobs/{job_id}/result", headers=staff).get_json()
    assert result["base"]["as_of"] == "2026-11-29" and result["compare"]["as_of"] == "2026-12-30"
    assert result["totals"]["route_changed"] == _expected_route_changes(app, AS_OF, date(2026, 12, 30), None)


def test_another_version_and_yaml_changes_and_filters(app, client, auth, population):
    """compare_version v1, changes as YAML text, and a commodity filter."""
    staff = auth("admin")
    versus_v1 = _simulate(client, staff, {"compare_version": "v1", "as_of": AS_OF.isoformat()})
    assert wait_for(app, versus_v1).status == "succeeded"
    result = client.get(f"/api/v1/jobs/{versus_v1}/result", headers=staff).get_json()
    assert result["compare"]["version"] == "v1" and result["totals"]["programme_changed"] > 0
    yaml_text = (
        "changes:\n  - criterion: PKE_UMKM.years_in_business\n    params: {years: 40}\n"
        "  - requirement: EUDR_GEO#1\n    set: {valid_from: 2030-12-30}\n"  # a YAML date, stored as JSON
    )
    job_id = _simulate(
        client, staff, {"changes_yaml": yaml_text, "as_of": "2026-11-29", "commodity": "coffee"}
    )
    assert wait_for(app, job_id).status == "succeeded"
    coffee = client.get(f"/api/v1/jobs/{job_id}/result", headers=staff).get_json()
    assert {row["commodity"] for row in coffee["breakdown"]} == {"coffee"}
    pke = next(row for row in coffee["programmes"] if row["code"] == "PKE_UMKM")
    assert pke["became_eligible"] == 0 and pke["lost_eligibility"] > 0


def test_changes_that_do_not_fit_are_422(client, auth):
    """An unknown entry or an invalid value is refused at once, naming `changes`; nothing is queued."""
    staff = auth("admin")
    unknown = client.post(
        "/api/v1/simulations", json={"changes": [{"requirement": "NOPE#1", "remove": True}]}, headers=staff
    )
    assert unknown.status_code == 422
    assert "NOPE#1" in unknown.get_json()["errors"]["json"]["changes"][0]
    invalid = client.post(
        "/api/v1/simulations",
        json={"changes": [{"requirement": "EUDR_GEO#1", "set": {"severity": "fatal"}}]},
        headers=staff,
    )
    assert invalid.status_code == 422 and "severity" in invalid.get_json()["errors"]["json"]["changes"][0]
    nothing = client.post("/api/v1/simulations", json={"as_of": "2026-11-29"}, headers=staff)
    assert nothing.status_code == 422 and "changes" in nothing.get_json()["errors"]["json"]
    assert client.post("/api/v1/simulations", json={"changes_yaml": "- [a"}, headers=staff).status_code == 422


def test_owners_may_not_simulate(client, auth):
    """Only LPEI staff, admins and the ministry."""
    assert (
        client.post(
            "/api/v1/simulations", json={"compare_version": "v1"}, headers=auth("district", region="11.17")
        ).status_code
        == 403
    )


def test_cli_simulate(app, runner, population, tmp_path):
    """`flask simulate --changes FILE.yaml --as-of … --compare-as-of …` prints the counts and writes JSON."""
    changes = tmp_path / "changes.yaml"
    changes.write_text("- requirement: EUDR_GEO#1\n  set: {valid_from: 2028-12-30}\n", encoding="utf-8")
    output = tmp_path / "result.json"
    result = runner.invoke(
        args=["simulate", "--changes", str(changes), "--as-of", "2027-07-01", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert f"ikm: {population}" in result.output and "unblocked" in result.output
    assert "EUDR_GEO (" in result.output and "blocking gap appears for" in result.output
    assert output.exists()
    refused = runner.invoke(args=["simulate", "--as-of", "2027-07-01"])
    assert refused.exit_code != 0 and "changes" in refused.output
