"""founded_on (policy v1.1 A7) is checked once (vocabulary.founded_on_problem): the API schema, the
assessment request and the batch validator all give its answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from marshmallow import ValidationError

from app import create_app
from app.engine.validation import validate_profile
from app.schemas.assessment import AssessmentRequestSchema
from app.schemas.ikm import IkmProfileSchema
from app.vocabulary import founded_on_problem

PROFILE = {"name": "Uji", "region_code": "11.17", "products": [{"description": "kopi", "hs_code": "090111"}]}
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("founded_on", "founded_year", "as_of", "words"),
    [
        ("1899-12-31", None, None, "must be between 1900-01-01 and today"),
        (TOMORROW, None, None, "must be between 1900-01-01 and today"),
        ("2020-06-01", None, "2020-01-15", "is after as_of"),
        ("2013-05-01", 2012, None, "does not agree with founded_year (2012)"),
        ("2012-05-01", 2012, "2026-11-29", None),
    ],
)
def test_one_rule_three_callers(founded_on, founded_year, as_of, words):
    day = date.fromisoformat(founded_on)
    problem = founded_on_problem(day, founded_year, as_of and date.fromisoformat(as_of))
    assert (problem is None) if words is None else (words in problem)
    profile = {**PROFILE, "founded_on": founded_on} | ({"founded_year": founded_year} if founded_year else {})
    with create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        request = {"profile": profile} | ({"as_of": as_of} if as_of else {})
        try:
            AssessmentRequestSchema().load(request)
            request_problem = None
        except ValidationError as error:
            request_problem = error.messages["profile"]["founded_on"][0]
        assert request_problem == problem
        if as_of is None:  # the profile alone (no assessment date): the schema and the batch validator
            try:
                IkmProfileSchema().load(profile)
                schema_problem = None
            except ValidationError as error:
                schema_problem = error.messages["founded_on"][0]
            assert schema_problem == problem
            assert validate_profile(profile)[1] == ([] if problem is None else [("founded_on", problem)])
