"""Demo cases are spread over the last 60 days, so waiting times, reminders and stale flags show."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Application
from app.services import cases, clock

pytestmark = pytest.mark.db


def test_demo_cases_are_opened_over_the_last_sixty_days_with_reminders_and_stale_flags(app, runner):
    assert runner.invoke(args=["seed-demo", "--count", "60", "--seed", "7"]).exit_code == 0
    assert runner.invoke(args=["users", "demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo-cases", "--count", "60"]).exit_code == 0
    with app.app_context():
        now = clock.utcnow()
        found = db.session.query(Application).all()
        ages = [(now - clock.as_utc(case.created_at)).days for case in found]
        assert max(ages) > 30 and min(ages) < 10 and max(ages) <= 60
        for case in found:
            if case.decided_at is not None:
                assert clock.as_utc(case.created_at) <= clock.as_utc(case.decided_at) <= now
            if case.review_started_at is not None:
                assert clock.as_utc(case.created_at) <= clock.as_utc(case.review_started_at)
        flags = [cases.waiting(case) for case in found if case.status in cases.OPEN_STATUSES]
        assert any(flag["stale"] for flag in flags) and any(
            flag["reminder"] and not flag["stale"] for flag in flags
        )
