"""Password sign-in: hashed passwords, lock-out after LOGIN_MAX_FAILED_ATTEMPTS, audited attempts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from app.services import clock, users
from app.services.users import LoginRefused

PASSWORD = "kopi-gayo-2026"


@pytest.fixture
def advisor(app_context, make_user):
    """An advisor with a password; returns the e-mail."""
    user, _ = make_user("advisor", password=PASSWORD)
    return user.email


def test_the_password_is_stored_hashed(advisor):
    """Only a werkzeug hash is stored."""
    stored = db.session.scalar(select(User.password_hash).where(User.email == advisor))
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_a_correct_password_signs_in_and_is_audited(advisor):
    """authenticate() returns the user and writes a user.login event."""
    assert users.authenticate(advisor.upper(), PASSWORD).email == advisor
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.login" in actions


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(advisor):
    """No account probing: the same message either way."""
    with pytest.raises(LoginRefused) as unknown:
        users.authenticate("nobody@example.id", PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        users.authenticate(advisor, "wrong-password")
    assert unknown.value.message == wrong.value.message


def test_the_account_locks_after_the_configured_failures_and_opens_again_later(app, advisor, monkeypatch):
    """After N failures even the right password is refused until LOGIN_LOCKOUT_MINUTES have passed."""
    limit = app.config["LOGIN_MAX_FAILED_ATTEMPTS"]
    for _ in range(limit - 1):
        with pytest.raises(LoginRefused, match="Wrong e-mail or password"):
            users.authenticate(advisor, "wrong-password")
    with pytest.raises(LoginRefused, match="locked"):
        users.authenticate(advisor, "wrong-password")
    with pytest.raises(LoginRefused, match="locked"):
        users.authenticate(advisor, PASSWORD)
    later = clock.utcnow() + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert users.authenticate(advisor, PASSWORD).email == advisor
    user = db.session.scalar(select(User).where(User.email == advisor))
    assert user.failed_logins == 0 and user.locked_until is None


def test_the_failure_limit_is_configurable(app, advisor, monkeypatch):
    """LOGIN_MAX_FAILED_ATTEMPTS = 2 locks on the second failure."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILED_ATTEMPTS", 2)
    with pytest.raises(LoginRefused, match="Wrong"):
        users.authenticate(advisor, "x")
    with pytest.raises(LoginRefused, match="locked"):
        users.authenticate(advisor, "x")


def test_a_success_resets_the_failure_count(advisor):
    """Failures only count when consecutive."""
    for _ in range(3):
        with pytest.raises(LoginRefused):
            users.authenticate(advisor, "wrong")
    users.authenticate(advisor, PASSWORD)
    assert db.session.scalar(select(User.failed_logins).where(User.email == advisor)) == 0


def test_a_deactivated_account_cannot_sign_in(advisor):
    """Deactivation refuses the right password too."""
    users.set_active(users.get_user_by_email(advisor), False, actor="test")
    with pytest.raises(LoginRefused, match="deactivated"):
        users.authenticate(advisor, PASSWORD)


@pytest.mark.parametrize(
    "email", ["a\x00b@example.id", "advisor\n@example.id", "", "x" * 300 + "@example.id"]
)
def test_an_implausible_email_is_refused_like_a_wrong_one(advisor, email):
    """Control characters (PostgreSQL refuses NUL) or overlong input: the usual refusal, no server error."""
    with pytest.raises(LoginRefused, match="Wrong e-mail or password"):
        users.authenticate(email, PASSWORD)
