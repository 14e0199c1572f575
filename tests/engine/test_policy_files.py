"""load_policy validates every file and names the file, the entry and the problem (policy as data)."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from app.engine import DEFAULT_POLICY_DIR, PolicyError, load_policy

from .conftest import edit_yaml


def _requirement(document: dict, entry_id: str) -> dict:
    return next(entry for entry in document["requirements"] if entry["id"] == entry_id)


def test_the_repository_policy_loads_with_label_and_hash():
    policy = load_policy(DEFAULT_POLICY_DIR)
    assert policy.label == "v1.1"
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", policy.content_hash)
    assert len(policy.market_groups["EU27"]) == 27


def test_every_assumption_carries_a_note_and_every_entry_a_source():
    policy = load_policy(DEFAULT_POLICY_DIR)
    for entry in policy.requirements:
        assert entry.source
        assert not entry.assumption or entry.note
    for programme in policy.programmes:
        for criterion in programme.criteria:
            assert criterion.source
            assert not criterion.assumption or criterion.note


def test_changing_a_file_changes_the_content_hash(policy_copy):
    before = load_policy(policy_copy).content_hash
    edit_yaml(policy_copy / "thresholds.yaml", lambda d: d["review"]["score_margin"].update(value=4))
    assert load_policy(policy_copy).content_hash != before


def test_a_date_that_is_not_a_date_names_file_entry_and_problem(policy_copy):
    edit_yaml(
        policy_copy / "requirements.yaml", lambda d: _requirement(d, "EUDR_GEO#2").update(valid_from="x")
    )
    with pytest.raises(PolicyError) as error:
        load_policy(policy_copy)
    message = str(error.value)
    assert "requirements.yaml: entry EUDR_GEO#2: valid_from 'x' is not a date" in message


def test_an_unknown_certificate_code_is_refused(policy_copy):
    edit_yaml(
        policy_copy / "requirements.yaml", lambda d: _requirement(d, "FDA_FFR#1").update(any_of=["FDA"])
    )
    with pytest.raises(PolicyError, match=r"requirements\.yaml: entry FDA_FFR#1: .*'FDA'"):
        load_policy(policy_copy)


def test_an_unknown_severity_is_refused(policy_copy):
    edit_yaml(policy_copy / "requirements.yaml", lambda d: _requirement(d, "GACC#1").update(severity="fatal"))
    with pytest.raises(PolicyError, match=r"requirements\.yaml: entry GACC#1: severity 'fatal'"):
        load_policy(policy_copy)


def test_an_unknown_market_group_is_refused(policy_copy):
    edit_yaml(
        policy_copy / "requirements.yaml", lambda d: _requirement(d, "LAB_OTA#1").update(markets=["@EU28"])
    )
    with pytest.raises(PolicyError, match=r"entry LAB_OTA#1: market group '@EU28'"):
        load_policy(policy_copy)


def test_an_assumption_without_a_note_is_refused(policy_copy):
    edit_yaml(policy_copy / "requirements.yaml", lambda d: _requirement(d, "HACCP#1").pop("note"))
    with pytest.raises(PolicyError, match=r"entry HACCP#1: assumption: true needs a note"):
        load_policy(policy_copy)


def test_a_criterion_with_an_unknown_rule_is_refused(policy_copy):
    def change(document):
        document["programmes"][0]["criteria"][1]["rule"] = "years_at_least"

    edit_yaml(policy_copy / "programmes.yaml", change)
    with pytest.raises(
        PolicyError, match=r"programmes\.yaml: entry PKE_UMKM\.years_in_business: rule 'years_at_least'"
    ):
        load_policy(policy_copy)


def test_a_criterion_missing_its_threshold_is_refused(policy_copy):
    edit_yaml(policy_copy / "programmes.yaml", lambda d: d["programmes"][0]["criteria"][1]["params"].clear())
    with pytest.raises(
        PolicyError, match=r"entry PKE_UMKM\.years_in_business: rule years_in_business_at_least needs"
    ):
        load_policy(policy_copy)


def test_weights_must_name_the_six_dimensions(policy_copy):
    edit_yaml(policy_copy / "readiness.yaml", lambda d: d["weights"]["value"].pop("digital"))
    with pytest.raises(PolicyError, match=r"readiness\.yaml: entry weights: "):
        load_policy(policy_copy)


def test_broken_yaml_is_refused_with_the_file_name(policy_copy):
    (policy_copy / "markets.yaml").write_text("groups: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"markets\.yaml: not valid YAML"):
        load_policy(policy_copy)


def test_a_missing_file_is_refused(policy_copy):
    (policy_copy / "programmes.yaml").unlink()
    with pytest.raises(PolicyError, match=r"programmes\.yaml: file is missing"):
        load_policy(policy_copy)


def test_a_product_class_with_a_bad_prefix_is_refused(policy_copy):
    edit_yaml(policy_copy / "product_classes.yaml", lambda d: d["classes"]["ceramics"]["hs"].append("69x"))
    with pytest.raises(
        PolicyError, match=r"product_classes\.yaml: entry classes\.ceramics: hs '69x' is not an HS prefix"
    ):
        load_policy(policy_copy)


def test_a_changed_threshold_changes_the_outcome_without_code_changes(policy_copy):
    """The 2-year criterion lives in programmes.yaml: raising it to 20 years fails an 11-year-old IKM."""
    from app.engine import assess

    profile = {
        "name": "x",
        "region_code": "11.17",
        "founded_year": 2015,
        "products": [{"description": "kopi", "hs_code": "090111"}],
        "certifications": [{"code": "NIB"}],
    }
    edit_yaml(
        policy_copy / "programmes.yaml",
        lambda d: d["programmes"][0]["criteria"][1]["params"].update(years=20),
    )
    result = assess(profile, "2026-11-27", load_policy(policy_copy), with_what_if=False)
    criteria = {c["name"]: c for c in result["programmes"][0]["criteria"]}
    assert criteria["years_in_business"]["outcome"] == "fail"
    assert criteria["years_in_business"]["required"] == ">= 20"


def test_every_criterion_rule_is_declared_once_over_arrays_with_descriptions():
    """One registry (criteria.RULES), one function per criterion: the policy loader, the catalogue and
    both paths read it; neither path defines a criterion of its own."""
    import app.engine.batch
    import app.engine.rules
    from app.engine.criteria import RULES

    assert "product_in" in RULES and "closable_gap" in RULES
    for name, rule in RULES.items():
        assert rule.description_id and rule.description_en, name
        assert rule.evaluate.__doc__ and rule.evaluate.__module__ == "app.engine.criteria", name
        assert callable(rule.shows), name
        for module in (app.engine.batch, app.engine.rules):
            assert not hasattr(module, name), (module.__name__, name)


def test_a_criterion_parameter_outside_its_declared_vocabulary_is_refused(policy_copy):
    path = policy_copy / "programmes.yaml"
    path.write_text(
        path.read_text().replace("kinds: [sentra, cooperative, village]", "kinds: [sentra, club]")
    )
    with pytest.raises(PolicyError, match=r"programmes.yaml: entry DESA_DEVISA.producer_group: .*club"):
        load_policy(policy_copy)


def test_any_number_can_be_dated_and_the_one_in_force_on_as_of_is_used(policy_copy):
    """Weights given as a history: an assessment before the change uses the old weights."""
    from app.engine import assess

    path = policy_copy / "readiness.yaml"

    def dated(document):
        old = document["weights"]["value"]
        document["weights"] = {
            "source": "test",
            "history": [
                {"from": None, "value": old},
                {"from": "2026-01-01", "value": {**old, "digital": 0, "compliance": 35}},
            ],
        }

    edit_yaml(path, dated)
    changed = load_policy(policy_copy)
    assert [start for start, _ in changed.parameter_versions][1:] == [
        date(2021, 2, 2),
        date(2026, 1, 1),
    ]
    assert changed.on(date(2025, 12, 31)).weights["digital"] == 5
    assert changed.on(date(2026, 1, 1)).weights["digital"] == 0
    profile = {
        "name": "Uji",
        "region_code": "11.17",
        "products": [{"description": "kopi", "hs_code": "090111"}],
        "practices": {"email": True, "website": True, "marketplace": True},
    }
    before = assess(profile, date(2025, 12, 31), changed, with_what_if=False)["readiness"]["score"]
    after = assess(profile, date(2026, 1, 1), changed, with_what_if=False)["readiness"]["score"]
    assert before != after


@pytest.mark.parametrize(
    ("history", "problem"),
    [
        ([{"from": "2020-01-01", "value": 1}], "must start with `from: null`"),
        (
            [
                {"from": None, "value": 12},
                {"from": "2020-01-01", "value": 6},
                {"from": "2019-01-01", "value": 3},
            ],
            "increase",
        ),
        ([], "non-empty list"),
    ],
)
def test_a_broken_history_is_refused_with_file_and_entry(policy_copy, history, problem):
    path = policy_copy / "thresholds.yaml"
    edit_yaml(path, lambda document: document["upcoming_window_months"].update({"history": history}))
    with pytest.raises(
        PolicyError,
        match=re.escape("thresholds.yaml: entry upcoming_window_months: ") + ".*" + re.escape(problem),
    ):
        load_policy(policy_copy)


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "certifications.yaml",
            lambda d: d["codes"]["HALAL"].pop("source"),
            "certifications.yaml: entry codes.HALAL: source: Missing data for required field.",
        ),
        (
            "certifications.yaml",
            lambda d: d["codes"]["SNI"].update(name="typo"),
            "certifications.yaml: entry codes.SNI: name: Unknown field.",
        ),
        (
            "markets.yaml",
            lambda d: d["groups"]["GULF"].pop("members"),
            "markets.yaml: entry groups.GULF: members: Missing data for required field.",
        ),
        (
            "markets.yaml",
            lambda d: d.update(domestic="Indonesia"),
            "markets.yaml: entry domestic: String does not match expected pattern.",
        ),
        (
            "review.yaml",
            lambda d: d["reasons"]["hs_low_confidence"].update(message_en=7),
            "review.yaml: entry reasons.hs_low_confidence: message_en: Not a valid string.",
        ),
        (
            "review.yaml",
            lambda d: d["reasons"].pop("score_near_boundary"),
            "review.yaml: entry reasons: must give every reason",
        ),
    ],
)
def test_declared_schemas_name_the_file_entry_and_field(policy_copy, file, change, message):
    """Files checked by declared (marshmallow) schemas: the error names file, entry and field."""
    edit_yaml(policy_copy / file, change)
    with pytest.raises(PolicyError, match=re.escape(message)):
        load_policy(policy_copy)


def _gacc(document: dict) -> dict:
    return _requirement(document, "GACC#1")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        # a wrong type
        ("requirements.yaml", lambda d: _gacc(d).update(scope=3), "entry GACC#1: scope: Not a valid string."),
        (
            "programmes.yaml",
            lambda d: d["programmes"][1].update(name_en=5),
            "entry TRADE_FINANCE: name_en: Not a valid string.",
        ),
        (
            "readiness.yaml",
            lambda d: d["dimensions"]["digital"].update(email_points="30"),
            "entry dimensions.digital: email_points '30' is not a number",
        ),
        (
            "readiness.yaml",
            lambda d: d["levels"]["bands"][2].update(min_score="sixty"),
            "entry levels.ready_with_support: min_score 'sixty' is not an integer",
        ),
        (
            "thresholds.yaml",
            lambda d: d["size_classes"]["history"][1]["bands"][0].update(max_revenue_idr="2M"),
            "entry size_classes.micro: max_revenue_idr '2M' is not an integer",
        ),
        (
            "geographical_indications.yaml",
            lambda d: d["indications"][1].update(regions=["11.4"]),
            "entry Kopi Arabika Gayo: regions '11.4' is not a PP.KK code",
        ),
        (
            "product_classes.yaml",
            lambda d: d["classes"]["ceramics"].update(commodity="tea"),
            "entry classes.ceramics: commodity 'tea' is not one of coffee, cocoa, spices, crafts, other",
        ),
        # a missing field
        (
            "requirements.yaml",
            lambda d: _gacc(d).pop("source"),
            "entry GACC#1: source: Missing data for required field.",
        ),
        (
            "programmes.yaml",
            lambda d: d["programmes"][1]["criteria"][0].pop("source"),
            "entry TRADE_FINANCE.nib: source: Missing data for required field.",
        ),
        (
            "readiness.yaml",
            lambda d: d["dimensions"]["digital"].pop("email_points"),
            "entry dimensions.digital: email_points: Missing data for required field.",
        ),
        (
            "thresholds.yaml",
            lambda d: d["export_lots"]["lots"]["cocoa"].pop("amounts"),
            "entry export_lots.lots.cocoa: amounts: Missing data for required field.",
        ),
        (
            "product_classes.yaml",
            lambda d: d["classes"]["ceramics"].pop("food"),
            "entry classes.ceramics: food: Missing data for required field.",
        ),
        # an unknown key
        (
            "requirements.yaml",
            lambda d: _gacc(d).update(sevirity="major"),
            "entry GACC#1: sevirity: Unknown field.",
        ),
        (
            "programmes.yaml",
            lambda d: d["programmes"][1]["criteria"][0].update(colour="x"),
            "entry TRADE_FINANCE.nib: colour: Unknown field.",
        ),
        (
            "readiness.yaml",
            lambda d: d["dimensions"]["digital"].update(fax_points=3),
            "entry dimensions.digital: fax_points: Unknown field.",
        ),
        (
            "geographical_indications.yaml",
            lambda d: d["indications"][1].update(colour="x"),
            "entry Kopi Arabika Gayo: colour: Unknown field.",
        ),
        # a bad date
        (
            "requirements.yaml",
            lambda d: _gacc(d).update(valid_to="2024-13-01"),
            "entry GACC#1: valid_to '2024-13-01' is not a date",
        ),
        (
            "programmes.yaml",
            lambda d: d["programmes"][1].update(valid_from="soon"),
            "entry TRADE_FINANCE: valid_from 'soon' is not a date",
        ),
        (
            "thresholds.yaml",
            lambda d: d["policy"].update(adopted_on="29/11/2026"),
            "entry policy: adopted_on '29/11/2026' is not a date",
        ),
        (
            "thresholds.yaml",
            lambda d: d["size_classes"]["history"][1].update({"from": "2021-02-31"}),
            "entry size_classes: history #2 from '2021-02-31' is not a date",
        ),
        (
            "geographical_indications.yaml",
            lambda d: d["indications"][1].update(registered_on="2010-04-31"),
            "entry Kopi Arabika Gayo: registered_on '2010-04-31' is not a date",
        ),
        # references to the other files
        (
            "requirements.yaml",
            lambda d: _gacc(d).update(closed_by=["NOPE"]),
            "entry GACC#1: closed_by 'NOPE' is not in programmes.yaml",
        ),
        (
            "product_classes.yaml",
            lambda d: d["classes"]["ceramics"].update(hs=["090111"]),
            "entry classes.ceramics: hs '090111' is also an HS prefix of raw_coffee",
        ),
        (
            "requirements.yaml",
            lambda d: d["requirements"].append(dict(_gacc(d))),
            "entry requirements: id 'GACC#1' is used twice",
        ),
    ],
)
def test_every_file_names_file_entry_and_field(policy_copy, file, change, message):
    """requirements, programmes, readiness, thresholds, product classes and GIs: declared schemas too."""
    edit_yaml(policy_copy / file, change)
    with pytest.raises(PolicyError, match=re.escape(f"{file}: {message}")):
        load_policy(policy_copy)


def test_a_policy_version_file_is_checked_by_its_declared_schema(tmp_path):
    from app.engine.policy import load_version_file

    source = DEFAULT_POLICY_DIR.parent / "policy_versions" / "v1.yaml"
    assert load_version_file(source)["version"] == "v1"
    broken = tmp_path / "v0.yaml"
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    broken.write_text(yaml.safe_dump({**document, "adopted_on": "kemarin"}), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"v0\.yaml: entry adopted_on: 'kemarin' is not a date"):
        load_version_file(broken)
