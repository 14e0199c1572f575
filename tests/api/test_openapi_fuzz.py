"""Fuzz every operation of the OpenAPI spec with schemathesis: no generated request may get a 5xx.

Schemathesis generates the requests from the spec the service serves; hypothesis drives them in-process
through WSGI, one operation at a time (the schemathesis pytest plugin does not run under pytest 9 yet).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

EXAMPLES_PER_OPERATION = 40


@pytest.fixture(params=["anonymous", "admin"])
def fuzz_headers(request, auth):
    """Headers every generated request carries: none (closed endpoints refuse), then an admin's token."""
    return {} if request.param == "anonymous" else auth("admin")


def _operations(app):
    """Every operation of the spec the app serves."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_is_fuzzed_and_never_answers_a_server_error(app, fuzz_headers):
    """Valid and invalid requests alike: the answer is never a 5xx, and JSON errors use the one shape."""
    operations = _operations(app)
    assert len(operations) >= 10
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call(headers=fuzz_headers)
            assert response.status_code < 500, (case.method, case.path, case.body, response.text[:500])
            if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
                "application/json"
            ):
                assert {"code", "status", "message", "errors"} <= set(response.json())

        no_server_error()
