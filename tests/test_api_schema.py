"""Schemathesis against the OpenAPI document: no 5xx, and every answer matches the document.

Bounded: a handful of generated examples per operation, on SQLite only (the PostgreSQL pass runs
the hand-written API tests).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from diaspora.api.tokens import issue_token
from diaspora.extensions import db as _db
from diaspora.models import User
from diaspora.reference.services import seed_reference
from tests.conftest import POSTGRES_URL, create_user

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="schemathesis runs in the SQLite pass")


@pytest.fixture
def officer_token(app) -> str:
    with app.app_context():
        if not _db.session.scalar(_db.select(User).limit(1)):
            seed_reference()
            _db.session.commit()
        user = _db.session.get(User, create_user(app, "officer"))
        secret = issue_token(user, "schemathesis", actor=user).secret
        _db.session.commit()
        return secret


def test_api_conforms_to_its_document(app, officer_token):
    # Each operation is driven by hypothesis directly: schemathesis' pytest plugin does not
    # support this pytest version.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {officer_token}"}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def check(case):
            # Codes (countries, fields, categories) are strings to the schema but must exist in
            # the registry: a schema-valid unknown code is rightly answered 422, not 2xx.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
        checked.append(operation.label)
    assert "GET /plan-tasks/{code}" in checked
    assert {"GET /engagements", "POST /engagements", "GET /plan-tasks/{code}/activities"} <= set(
        checked
    )
